import { NotifyChannel, NotifyClient, NotifyConfiguration, NotifyError, NotifyTemplate } from '@app/notify';
import { ChannelNotAvailable, UnknownTemplate } from '../common/domain-error';
import { Channel } from '../core/verification';
import { notifyFailureToDomain } from './notify-failures';

const CONFIGURATION_TTL_MS = 5 * 60_000;
/** DescribeNotifyTemplates allows 1 call a second (notify-quotas.html); templates change rarely. */
const TEMPLATES_TTL_MS = 10 * 60_000;

interface Cached<T> {
  value: Promise<T>;
  at: number;
}

/**
 * What Notify says about our configuration and its templates, cached: a send must not cost two Describe calls. The
 * template metadata lets us refuse a bad template, locale, channel, voice or code before Notify does.
 *
 * A locale's template comes from DescribeNotifyTemplates, never from a template id we spell out: AWS documents the
 * id of its English template only (https://docs.aws.amazon.com/sms-voice/latest/userguide/notify-send-messages.html),
 * and each template states its LanguageCode, Channels, TierAccess and Status. So a language AWS adds works without a
 * change here, and one it does not offer is a clear 422 naming `locale`.
 */
export class NotifyCatalog {
  private configuration?: Cached<NotifyConfiguration>;
  private templates?: Cached<NotifyTemplate[]>;

  constructor(
    private readonly notify: NotifyClient,
    readonly configurationId: string,
    private readonly now: () => number = Date.now,
  ) {}

  describeConfiguration(): Promise<NotifyConfiguration> {
    this.configuration = this.cached(this.configuration, CONFIGURATION_TTL_MS, () =>
      this.notify.describeConfiguration(this.configurationId),
    );
    return this.configuration.value;
  }

  async describeConfigurationOrFail(): Promise<NotifyConfiguration> {
    try {
      return await this.describeConfiguration();
    } catch (error) {
      throw error instanceof NotifyError ? notifyFailureToDomain(error) : error;
    }
  }

  /**
   * The templates this configuration may send with: ACTIVE, and open to its tier. Each states its channels,
   * variables, language and voices (for a template listing, and for `templateFor`). Ordered by id.
   */
  async listTemplates(): Promise<NotifyTemplate[]> {
    const configuration = await this.describeConfigurationOrFail();
    const all = await this.allTemplates();
    return all
      .filter((template) => template.status === 'ACTIVE' && opensTo(template, configuration))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * The template for a send: the caller's templateId, else the configuration's template in the caller's locale, else
   * the configuration's default.
   */
  async templateFor(request: {
    templateId?: string;
    locale?: string;
    channel: Channel;
    voiceId?: string;
  }): Promise<NotifyTemplate> {
    const wire: NotifyChannel = request.channel === 'sms' ? 'SMS' : 'VOICE';
    if (!request.templateId && request.locale) return this.templateForLocale(request.locale, wire);

    const field = request.templateId ? 'templateId' : 'locale';
    const templateId = request.templateId ?? (await this.describeConfigurationOrFail()).defaultTemplateId;
    if (!templateId) throw new UnknownTemplate(field, 'The Notify configuration has no default template.');

    let template: NotifyTemplate;
    try {
      template = await this.notify.getTemplate(templateId);
    } catch (error) {
      if (error instanceof NotifyError && error.kind === 'not_found') {
        throw new UnknownTemplate(field, `Notify has no template "${templateId}".`);
      }
      throw error instanceof NotifyError ? notifyFailureToDomain(error) : error;
    }
    if (template.status !== 'ACTIVE')
      throw new UnknownTemplate(field, `The template "${templateId}" is not active.`);
    if (!template.channels.includes(wire)) {
      throw new ChannelNotAvailable(`The template "${templateId}" cannot be sent by ${request.channel}.`);
    }
    return template;
  }

  /**
   * Among the configuration's templates for this channel, those whose LanguageCode is the locale ("es-MX") or, when
   * none is, of its language ("es" and "es-MX" match "es-ES"). The configuration's default template wins a tie, then the lowest
   * id, so that the choice is stable.
   */
  private async templateForLocale(locale: string, channel: NotifyChannel): Promise<NotifyTemplate> {
    const configuration = await this.describeConfigurationOrFail();
    const usable = await this.listTemplates();
    const wanted = locale.toLowerCase();
    const language = wanted.split('-')[0];
    const inLanguage = usable.filter((t) => languageOf(t.languageCode) === language);
    const forChannel = inLanguage.filter((t) => t.channels.includes(channel));
    const exact = forChannel.filter((t) => t.languageCode?.toLowerCase() === wanted);
    const candidates = exact.length > 0 ? exact : forChannel;
    if (candidates.length === 0) {
      const detail =
        inLanguage.length === 0
          ? `Notify offers this configuration no template for locale "${locale}".`
          : `Notify offers this configuration no ${channel} template for locale "${locale}".`;
      throw new UnknownTemplate('locale', detail);
    }
    return candidates.find((t) => t.id === configuration.defaultTemplateId) ?? candidates[0];
  }

  private async allTemplates(): Promise<NotifyTemplate[]> {
    this.templates = this.cached(this.templates, TEMPLATES_TTL_MS, () => this.notify.describeTemplates());
    try {
      return await this.templates.value;
    } catch (error) {
      throw error instanceof NotifyError ? notifyFailureToDomain(error) : error;
    }
  }

  /** One load shared by concurrent callers; a failed load is forgotten so that the next call tries again. */
  private cached<T>(current: Cached<T> | undefined, ttlMs: number, load: () => Promise<T>): Cached<T> {
    if (current && this.now() - current.at < ttlMs) return current;
    const entry: Cached<T> = { value: load(), at: this.now() };
    entry.value.catch(() => {
      if (this.configuration === entry) this.configuration = undefined;
      if (this.templates === entry) this.templates = undefined;
    });
    return entry;
  }
}

/** A template without TierAccess, or a configuration whose tier is unknown, restricts nothing. */
function opensTo(template: NotifyTemplate, configuration: NotifyConfiguration): boolean {
  if (!configuration.tier || template.tierAccess.length === 0) return true;
  return template.tierAccess.includes(configuration.tier);
}

function languageOf(languageCode: string | undefined): string | undefined {
  return languageCode?.toLowerCase().split(/[-_]/)[0];
}
