import { NotifyClient, NotifyError, NotifyTemplate, SendCodeInput } from '@app/notify';
import { ChannelNotAvailable, InvalidRequest, NotifyUnavailable } from '../common/domain-error';
import { spaceDigitsForSpeech } from './channel-policy';
import { CodeSender, SendCodeReceipt, SendCodeRequest } from './code-sender';
import { NotifyCatalog } from './notify-catalog';
import { notifyFailureToDomain } from './notify-failures';

export interface NotifySendSettings {
  configurationSetName?: string;
  defaultVoiceId: string;
}

/**
 * Sends codes through Notify: SMS by SendNotifyTextMessage, voice by SendNotifyVoiceMessage with the digits spaced
 * for text-to-speech. Every message asks for feedback, lives no longer than its code and carries the verification id
 * (never the code) in its Context.
 */
export class NotifyCodeSender extends CodeSender {
  constructor(
    private readonly notify: NotifyClient,
    private readonly catalog: NotifyCatalog,
    private readonly settings: NotifySendSettings,
  ) {
    super();
  }

  async send(request: SendCodeRequest): Promise<SendCodeReceipt> {
    const configuration = await this.catalog.describeConfigurationOrFail();
    const wire = request.channel === 'sms' ? 'SMS' : 'VOICE';
    if (!configuration.enabledChannels.includes(wire)) {
      throw new ChannelNotAvailable(`The Notify configuration does not have the ${wire} channel enabled.`);
    }
    const template = await this.catalog.templateFor(request);
    const code = request.channel === 'voice' ? spaceDigitsForSpeech(request.code) : request.code;
    const variables = templateVariables(template, code);
    const input: SendCodeInput = {
      configurationId: this.catalog.configurationId,
      to: request.to,
      templateId: template.id,
      variables,
      timeToLiveSeconds: request.ttlSeconds,
      context: { ...request.context, verificationId: request.verificationId },
      configurationSetName: this.settings.configurationSetName,
      dryRun: request.dryRun,
      feedbackEnabled: true,
    };
    try {
      const result =
        request.channel === 'sms'
          ? await this.notify.sendText(input)
          : await this.notify.sendVoice({ ...input, voiceId: this.voiceFor(template, request.voiceId) });
      return {
        messageId: result.messageId,
        channel: request.channel,
        templateId: result.templateId ?? template.id,
      };
    } catch (error) {
      throw error instanceof NotifyError ? notifyFailureToDomain(error) : error;
    }
  }

  private voiceFor(template: NotifyTemplate, requested: string | undefined): string {
    const voiceId = (requested ?? this.settings.defaultVoiceId).toUpperCase();
    if (template.supportedVoiceIds.length > 0 && !template.supportedVoiceIds.includes(voiceId)) {
      const message = `The template "${template.id}" supports the voices ${template.supportedVoiceIds.join(', ')}.`;
      if (requested) throw new InvalidRequest(message, [{ field: 'voiceId', message }]);
      return template.supportedVoiceIds[0];
    }
    return voiceId;
  }
}

/**
 * Fills the template's customer variables: only `code` is ours to give. The value is checked against the template's
 * own rules first, so a code length the template cannot carry is the caller's 422, not a Notify error later.
 */
export function templateVariables(template: NotifyTemplate, code: string): Record<string, string> {
  const spec = template.variables.code;
  if (!spec || spec.source !== 'CUSTOMER') {
    throw new NotifyUnavailable(
      'notify_request_rejected',
      `The template "${template.id}" has no "code" variable.`,
    );
  }
  const unfilled = Object.entries(template.variables).filter(
    ([name, v]) => name !== 'code' && v.source === 'CUSTOMER' && v.required && v.defaultValue === undefined,
  );
  if (unfilled.length > 0) {
    throw new NotifyUnavailable(
      'notify_request_rejected',
      `The template "${template.id}" needs variables this service does not fill: ${unfilled.map(([n]) => n).join(', ')}.`,
    );
  }
  const tooLong = spec.maxLength !== undefined && code.length > spec.maxLength;
  const mismatch = spec.pattern !== undefined && !new RegExp(spec.pattern).test(code);
  if (tooLong || mismatch) {
    const message = `The template "${template.id}" cannot carry a code of this length.`;
    throw new InvalidRequest(message, [{ field: 'codeLength', message }]);
  }
  return { code };
}
