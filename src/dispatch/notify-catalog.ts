import { NotifyClient, NotifyConfiguration, NotifyError, NotifyTemplate } from '@app/notify';
import { ChannelNotAvailable, UnknownTemplate } from '../common/domain-error';
import { Channel } from '../issuance/verification';
import { notifyFailureToDomain } from './notify-failures';

const LOCALE_TEMPLATES: Record<string, string> = {
  en: 'notify-code-verification-english-001',
  es: 'notify-code-verification-spanish-001',
  fr: 'notify-code-verification-french-001',
};
const CONFIGURATION_TTL_MS = 5 * 60_000;

/**
 * What Notify says about our configuration and its templates, cached: a send must not cost two Describe calls. The
 * template metadata lets us refuse a bad template, channel, voice or code before Notify does.
 */
export class NotifyCatalog {
  private configuration?: { value: Promise<NotifyConfiguration>; at: number };

  constructor(
    private readonly notify: NotifyClient,
    readonly configurationId: string,
    private readonly now: () => number = Date.now,
  ) {}

  describeConfiguration(): Promise<NotifyConfiguration> {
    const cached = this.configuration;
    if (cached && this.now() - cached.at < CONFIGURATION_TTL_MS) return cached.value;
    const value = this.notify.describeConfiguration(this.configurationId);
    this.configuration = { value, at: this.now() };
    value.catch(() => {
      if (this.configuration?.value === value) this.configuration = undefined;
    });
    return value;
  }

  /** The template for a send: the caller's templateId, else the locale's AWS-managed one, else the configuration's default. */
  async templateFor(request: {
    templateId?: string;
    locale?: string;
    channel: Channel;
    voiceId?: string;
  }): Promise<NotifyTemplate> {
    const field = request.templateId ? 'templateId' : 'locale';
    let templateId = request.templateId;
    if (!templateId && request.locale) {
      templateId = LOCALE_TEMPLATES[request.locale.toLowerCase().split('-')[0]];
      if (!templateId) throw new UnknownTemplate('locale', `No template for locale "${request.locale}".`);
    }
    if (!templateId) templateId = (await this.describeConfigurationOrFail()).defaultTemplateId;
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
    const wire = request.channel === 'sms' ? 'SMS' : 'VOICE';
    if (!template.channels.includes(wire)) {
      throw new ChannelNotAvailable(`The template "${templateId}" cannot be sent by ${request.channel}.`);
    }
    return template;
  }

  /**
   * The templates this configuration can send (GET /v1/templates): active, open to its tier, on a channel it has
   * enabled; channels are narrowed to the enabled ones. Not cached: it is read when a person opens the console.
   */
  async listTemplates(): Promise<{ configuration: NotifyConfiguration; templates: NotifyTemplate[] }> {
    const configuration = await this.describeConfigurationOrFail();
    let all: NotifyTemplate[];
    try {
      all = await this.notify.describeTemplates();
    } catch (error) {
      throw error instanceof NotifyError ? notifyFailureToDomain(error) : error;
    }
    const templates = all
      .filter((t) => t.status === 'ACTIVE')
      .filter(
        (t) => !configuration.tier || t.tierAccess.length === 0 || t.tierAccess.includes(configuration.tier),
      )
      .map((t) => ({ ...t, channels: t.channels.filter((c) => configuration.enabledChannels.includes(c)) }))
      .filter((t) => t.channels.length > 0);
    return { configuration, templates };
  }

  async describeConfigurationOrFail(): Promise<NotifyConfiguration> {
    try {
      return await this.describeConfiguration();
    } catch (error) {
      throw error instanceof NotifyError ? notifyFailureToDomain(error) : error;
    }
  }
}
