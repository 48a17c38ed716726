import { NotifyClient, NotifyConfiguration, NotifyError, NotifyTemplate } from '@app/notify';
import { PROBLEMS } from '../api/problem-table';
import { NotifyCatalog } from './notify-catalog';

function template(id: string, languageCode: string, extra: Partial<NotifyTemplate> = {}): NotifyTemplate {
  return {
    id,
    channels: ['SMS', 'VOICE'],
    status: 'ACTIVE',
    languageCode,
    supportedCountries: ['US'],
    tierAccess: ['BASIC', 'ADVANCED'],
    variables: { code: { type: 'STRING', required: true, source: 'CUSTOMER' } },
    supportedVoiceIds: [],
    ...extra,
  };
}

/** A NotifyClient that answers from lists and counts its Describe calls. */
function fakeNotify(configuration: NotifyConfiguration, templates: NotifyTemplate[]) {
  const calls = { templates: 0, configurations: 0 };
  const notify = {
    describeTemplates: async () => {
      calls.templates++;
      return templates;
    },
    describeConfiguration: async () => {
      calls.configurations++;
      return configuration;
    },
    getTemplate: async (id: string) => {
      const found = templates.find((t) => t.id === id);
      if (!found) {
        throw new NotifyError({ kind: 'not_found', operation: 'DescribeNotifyTemplates', message: 'nope' });
      }
      return found;
    },
  } as unknown as NotifyClient;
  return { notify, calls };
}

const CONFIGURATION: NotifyConfiguration = {
  id: 'cfg',
  status: 'ACTIVE',
  tier: 'BASIC',
  enabledChannels: ['SMS', 'VOICE'],
  defaultTemplateId: 'default-es',
};

it('answers an unknown template or locale with 422 (the problem table)', () => {
  expect(PROBLEMS.unknown_template.status).toBe(422);
});

describe(NotifyCatalog.name, () => {
  const templates = [
    template('aaa-es', 'es-ES'),
    template('default-es', 'es-ES'),
    template('mx-sms', 'es-MX', { channels: ['SMS'] }),
    template('pt-advanced', 'pt-BR', { tierAccess: ['ADVANCED'] }),
    template('de-inactive', 'de-DE', { status: 'INACTIVE' }),
  ];

  it('picks by LanguageCode, then by language, for the channel; the default template wins a tie', async () => {
    const { notify } = fakeNotify(CONFIGURATION, templates);
    const catalog = new NotifyCatalog(notify, 'cfg');
    const pick = (locale: string, channel: 'sms' | 'voice') =>
      catalog.templateFor({ locale, channel }).then((t) => t.id);

    expect(await pick('es-MX', 'sms')).toBe('mx-sms');
    // es-MX has no voice template: the language's templates are next, the default first.
    expect(await pick('es-MX', 'voice')).toBe('default-es');
    expect(await pick('es', 'sms')).toBe('default-es');
    expect(await pick('ES-es', 'voice')).toBe('default-es');
  });

  it.each([
    ['a language Notify does not offer', 'fr'],
    ['a template closed to the tier (ADVANCED only on BASIC)', 'pt'],
    ['a template that is not ACTIVE', 'de'],
  ])('refuses %s with 422 naming locale', async (_case, locale) => {
    const { notify } = fakeNotify(CONFIGURATION, templates);
    await expect(
      new NotifyCatalog(notify, 'cfg').templateFor({ locale, channel: 'sms' }),
    ).rejects.toMatchObject({
      code: 'unknown_template',
      errors: [{ field: 'locale' }],
    });
  });

  it('lists the usable templates once per 10 minutes, whatever the number of lookups', async () => {
    let now = 0;
    const { notify, calls } = fakeNotify(CONFIGURATION, templates);
    const catalog = new NotifyCatalog(notify, 'cfg', () => now);

    await Promise.all([
      catalog.templateFor({ locale: 'es', channel: 'sms' }),
      catalog.templateFor({ locale: 'es-MX', channel: 'sms' }),
      catalog.listTemplates(),
    ]);
    expect(calls.templates).toBe(1);
    expect((await catalog.listTemplates()).map((t) => t.id)).toEqual(['aaa-es', 'default-es', 'mx-sms']);

    now += 10 * 60_000;
    await catalog.listTemplates();
    expect(calls.templates).toBe(2);
  });

  it('tries again after a failed listing instead of caching the failure', async () => {
    const { notify } = fakeNotify(CONFIGURATION, templates);
    let fail = true;
    const describeTemplates = notify.describeTemplates.bind(notify);
    notify.describeTemplates = async () => {
      if (fail)
        throw new NotifyError({ kind: 'throttled', operation: 'DescribeNotifyTemplates', message: 'slow' });
      return describeTemplates();
    };
    const catalog = new NotifyCatalog(notify, 'cfg');

    await expect(catalog.listTemplates()).rejects.toMatchObject({ code: 'notify_unavailable' });
    fail = false;
    await new Promise((resolve) => setImmediate(resolve));
    await expect(catalog.listTemplates()).resolves.toHaveLength(3);
  });
});
