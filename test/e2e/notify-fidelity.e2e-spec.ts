import Redis from 'ioredis';
import TestAgent from 'supertest/lib/agent';
import { ENGLISH_TEMPLATE_ID, NotifyEmulator } from '@app/notify-emulator';
import { dumpPrefix, testRedis, uniquePrefix, withoutNotifyCapacity } from '../support/redis';
import { auth, AWS_MODE_API_KEY, RunningService, startService, withAwsModeApp } from '../support/service';

/**
 * What AWS's own pages say Notify rejects, checked by our API before any limit counts or any message is sent, so a
 * caller never meets `notify_request_rejected` for a request we could have checked; and what AWS's pages say
 * Notify offers, used as AWS describes it.
 */
describe('requests Notify would reject are a 400 naming the field, before anything counts or is sent', () => {
  let svc: RunningService;
  let redis: Redis;
  let number = 0;
  const freshNumber = () => `+1206555${String(2000 + number++).padStart(4, '0')}`;

  beforeAll(async () => {
    svc = await startService({}, 'notify-fidelity');
    redis = testRedis();
  });
  afterAll(async () => {
    redis.disconnect();
    await svc.close();
  });

  const start = (body: Record<string, unknown>) => svc.http.post('/v1/verifications').set(auth).send(body);

  // send-notify-text-message.html: Context has at most 5 entries; every send adds verificationId.
  it('takes 4 context entries, which with verificationId are the 5 Notify allows (send-notify-text-message)', async () => {
    const to = freshNumber();
    const context = { a: '1', b: '2', c: '3', d: '4' };
    const res = await start({ to, context });
    expect(res.status).toBe(201);
    const [message] = svc.emulator.messages({ to });
    expect(message.context).toEqual({ ...context, verificationId: res.body.id });
    expect(Object.keys(message.context)).toHaveLength(5);
  });

  const refused: [string, Record<string, unknown>, string][] = [
    [
      '5 context entries (Notify allows 5 with verificationId)',
      { context: { a: '1', b: '2', c: '3', d: '4', e: '5' } },
      'context',
    ],
    ['an empty context value (Notify wants 1-800 characters)', { context: { ref: '' } }, 'context'],
    ['a context value with a leading blank', { context: { ref: ' padded' } }, 'context'],
    ['a context value with a trailing blank', { context: { ref: 'padded\n' } }, 'context'],
    ['a context key the service sets itself', { context: { verificationId: 'VE0' } }, 'context'],
    ['a templateId with ":" (Notify: [A-Za-z0-9_-]*)', { templateId: 'notify:code' }, 'templateId'],
    ['a templateId with "/"', { templateId: 'notify/code' }, 'templateId'],
    ['a templateId over 256 characters', { templateId: 'a'.repeat(257) }, 'templateId'],
  ];

  it.each(refused)('refuses %s (send-notify-text-message)', async (_case, extra, field) => {
    const to = freshNumber();
    const before = withoutNotifyCapacity(await dumpPrefix(redis, svc.prefix));
    const res = await start({ to, ...extra });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'invalid_request', errors: [expect.objectContaining({ field })] });
    // Nothing counted (no rate-limit key) and nothing sent.
    expect(withoutNotifyCapacity(await dumpPrefix(redis, svc.prefix))).toEqual(before);
    expect(svc.emulator.messages({ to })).toHaveLength(0);
  });

  it("sends a locale's template as DescribeNotifyTemplates lists it: by LanguageCode, then by language", async () => {
    const exact = await start({ to: freshNumber(), locale: 'es-ES', dryRun: true });
    const byLanguage = await start({ to: freshNumber(), locale: 'es-MX', dryRun: true });
    const english = await start({ to: freshNumber(), locale: 'en', dryRun: true });
    expect([exact.body.templateId, byLanguage.body.templateId]).toEqual([
      'notify-code-verification-spanish-001',
      'notify-code-verification-spanish-001',
    ]);
    expect(english.body.templateId).toBe(ENGLISH_TEMPLATE_ID);
  });

  it('refuses a locale Notify offers no template for with 422 naming locale, before anything counts', async () => {
    const to = freshNumber();
    const res = await start({ to, locale: 'de' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'unknown_template', errors: [{ field: 'locale' }] });
    expect(svc.emulator.messages({ to })).toHaveLength(0);
  });

  it('reports TEXT_SUCCESSFUL as delivered: final in AWS, and interchangeable with TEXT_DELIVERED (configuration-sets-event-types)', async () => {
    const created = await start({ to: freshNumber(), channel: 'sms' });
    const { messageId } = created.body.sendAttempts[0] as { messageId: string };
    const res = await svc.http
      .post(`/sandbox/messages/${messageId}/events`)
      .set(auth)
      .send({ eventTypes: ['TEXT_SUCCESSFUL'] });
    expect(res.body).toEqual([
      { eventType: 'TEXT_SUCCESSFUL', deliveryStatus: 'delivered', result: 'recorded' },
    ]);
    const status = await svc.http.get(`/v1/verifications/${created.body.id}`).set(auth);
    expect(status.body.sendAttempts[0]).toMatchObject({
      deliveryStatus: 'delivered',
      deliveryDescription: 'Message has been accepted by phone carrier',
    });
  });
});

describe('the configuration and its templates as AWS describes them', () => {
  const emulator = new NotifyEmulator({
    configurations: [
      // EnabledCountries is optional in AWS's model; absent, Notify alone decides where the configuration sends.
      { id: 'no-country-list', displayName: 'Acme', enabledCountries: undefined },
      { id: 'basic-acme', displayName: 'Acme', tier: 'BASIC', enabledCountries: ['US'] },
    ],
    templates: [
      // A language the service has never heard of: offered by Notify, it works without a code change.
      {
        id: 'acme-otp-deutsch',
        languageCode: 'de-DE',
        content: '{{brandName}}: Ihr Code lautet {{code}}.',
        channels: ['SMS'],
        supportedVoiceIds: ['VICKI'],
      },
      // Open to Advanced configurations only.
      { id: 'acme-otp-italiano', languageCode: 'it-IT', tierAccess: ['ADVANCED'] },
    ],
  });
  let prefix: string;

  beforeAll(async () => {
    await emulator.listen(0);
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.reset();
    prefix = uniquePrefix('notify-fidelity-aws');
  });

  const start = (http: TestAgent, body: Record<string, unknown>) =>
    http
      .post('/v1/verifications')
      .set({ Authorization: `Bearer ${AWS_MODE_API_KEY}` })
      .send(body);

  it('sends to a configuration that states no EnabledCountries, instead of refusing every number', () =>
    withAwsModeApp(emulator, 'no-country-list', prefix, {}, async (http) => {
      const res = await start(http, { to: '+12065550140' });
      expect(res.status).toBe(201);
      expect(emulator.messages({ to: '+12065550140' })).toHaveLength(1);
    }));

  it('finds the template of a locale AWS offers in DescribeNotifyTemplates, whatever its id', () =>
    withAwsModeApp(emulator, 'no-country-list', prefix, {}, async (http) => {
      const res = await start(http, { to: '+12065550141', locale: 'de', channel: 'sms' });
      expect(res.status).toBe(201);
      const [message] = emulator.messages({ to: '+12065550141' });
      expect(message.templateId).toBe('acme-otp-deutsch');
      expect(message.resolvedMessageBody).toMatch(/^Acme: Ihr Code lautet \d{6}\.$/);
    }));

  it("refuses, naming locale, a language whose template lacks the channel or the configuration's tier", () =>
    withAwsModeApp(emulator, 'basic-acme', prefix, {}, async (http) => {
      const voice = await start(http, { to: '+12065550142', locale: 'de', channel: 'voice' });
      expect(voice.status).toBe(422);
      expect(voice.body).toMatchObject({ code: 'unknown_template', errors: [{ field: 'locale' }] });
      const advancedOnly = await start(http, { to: '+12065550142', locale: 'it' });
      expect(advancedOnly.status).toBe(422);
      expect(advancedOnly.body).toMatchObject({ code: 'unknown_template', errors: [{ field: 'locale' }] });
      expect(emulator.messages({ to: '+12065550142' })).toHaveLength(0);
    }));
});
