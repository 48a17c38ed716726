import { randomUUID } from 'node:crypto';
import type {
  PutMessageFeedbackResult,
  SendNotifyTextMessageResult,
  VoiceId,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { NotifyCatalog } from './catalog';
import {
  checkRequest,
  PUT_MESSAGE_FEEDBACK_RULES,
  SEND_NOTIFY_TEXT_MESSAGE_RULES,
  SEND_NOTIFY_VOICE_MESSAGE_RULES,
} from './constraints';
import { DEFAULT_TIME_TO_LIVE_SECONDS } from './defaults';
import { describeConfigurations, describeTemplates } from './describe';
import { conflict, missingParameter, notFound, quotaExceeded, validationError } from './errors';
import { type MessageLog, utcDay } from './message-log';
import { countryOf, E164 } from './phone';
import { resolveTemplate } from './template-variables';
import type { Channel, EmulatedConfiguration, EmulatedTemplate, NotifyLimits } from './types';

export const SUPPORTED_OPERATIONS = [
  'SendNotifyTextMessage',
  'SendNotifyVoiceMessage',
  'PutMessageFeedback',
  'DescribeNotifyTemplates',
  'DescribeNotifyConfigurations',
] as const;
export type SupportedOperation = (typeof SUPPORTED_OPERATIONS)[number];

export function isSupportedOperation(name: string): name is SupportedOperation {
  return (SUPPORTED_OPERATIONS as readonly string[]).includes(name);
}

/** The Notify operations, each reading a parsed JSON request and returning the JSON result. */
export class NotifyOperations {
  constructor(
    private readonly catalog: NotifyCatalog,
    private readonly log: MessageLog,
    private readonly limits: NotifyLimits,
    private readonly now: () => Date,
  ) {}

  invoke(operation: SupportedOperation, input: unknown): object {
    switch (operation) {
      case 'SendNotifyTextMessage':
        return this.send('SMS', input);
      case 'SendNotifyVoiceMessage':
        return this.send('VOICE', input);
      case 'PutMessageFeedback':
        return this.putMessageFeedback(input);
      case 'DescribeNotifyTemplates':
        return describeTemplates(this.catalog, input);
      case 'DescribeNotifyConfigurations':
        return describeConfigurations(this.catalog, input);
    }
  }

  /**
   * Checks run in the order a caller can act on: the request's shape, the configuration, the template, the
   * destination, the variables, then the quotas. DryRun runs every check and records nothing.
   */
  private send(channel: Channel, input: unknown): SendNotifyTextMessageResult {
    const request =
      channel === 'VOICE'
        ? checkRequest(SEND_NOTIFY_VOICE_MESSAGE_RULES, input)
        : checkRequest(SEND_NOTIFY_TEXT_MESSAGE_RULES, input);
    const configurationId = request.NotifyConfigurationId;
    const destination = request.DestinationPhoneNumber;
    // The model allows an empty TemplateId; like an absent one, it leaves the choice to the configuration.
    const templateId = request.TemplateId || undefined;
    const variables = request.TemplateVariables;
    const requestedVoice = 'VoiceId' in request ? (request.VoiceId as VoiceId | undefined) : undefined;
    const timeToLive = request.TimeToLive ?? DEFAULT_TIME_TO_LIVE_SECONDS;
    const context = request.Context;
    const configurationSetName = request.ConfigurationSetName;
    const dryRun = request.DryRun ?? false;
    const messageFeedbackEnabled = request.MessageFeedbackEnabled ?? false;
    if (!E164.test(destination)) {
      throw validationError(
        'INVALID_PARAMETER',
        'DestinationPhoneNumber must be in E.164 format, e.g. +12065550100',
        [{ Name: 'DestinationPhoneNumber', Message: 'Must match ^\\+[1-9][0-9]{1,18}$' }],
      );
    }

    const configuration = this.activeConfiguration(configurationId);
    if (!configuration.enabledChannels.includes(channel)) {
      throw validationError('CHANNEL_NOT_ENABLED', `${channel} is not enabled on ${configuration.id}`, [
        {
          Name: 'NotifyConfigurationId',
          Message: `Enabled channels: ${configuration.enabledChannels.join(', ')}`,
        },
      ]);
    }
    const template = this.usableTemplate(
      templateId ?? configuration.defaultTemplateId,
      configuration,
      channel,
    );
    const isoCountryCode = this.destinationCountry(destination, configuration, template);
    const voiceId = channel === 'VOICE' ? this.voiceFor(template, requestedVoice) : undefined;
    const body = resolveTemplate(template, configuration, variables);

    const sentAt = this.now();
    this.checkQuotas(configuration, destination, utcDay(sentAt));
    const messageId = randomUUID();
    if (!dryRun) {
      this.log.record({
        messageId,
        channel,
        configurationId: configuration.id,
        destinationPhoneNumber: destination,
        isoCountryCode,
        resolvedMessageBody: body,
        templateId: template.id,
        templateVariables: variables,
        context: context ?? {},
        configurationSetName,
        timeToLive,
        messageFeedbackEnabled,
        ...(voiceId && { voiceId }),
        sentAt,
      });
    }
    return { MessageId: messageId, TemplateId: template.id, ResolvedMessageBody: body };
  }

  private activeConfiguration(idOrArn: string): EmulatedConfiguration {
    const configuration = this.catalog.configuration(idOrArn);
    if (configuration.status !== 'ACTIVE') {
      throw conflict(
        'NOTIFY_CONFIGURATION_NOT_ACTIVE',
        `Notify configuration ${configuration.id} is ${configuration.status}, not ACTIVE`,
        'notify-configuration',
        configuration.id,
      );
    }
    return configuration;
  }

  private usableTemplate(
    templateId: string | undefined,
    configuration: EmulatedConfiguration,
    channel: Channel,
  ): EmulatedTemplate {
    if (templateId === undefined) throw missingParameter('TemplateId');
    const template = this.catalog.template(templateId);
    if (template.status !== 'ACTIVE') {
      throw conflict(
        'RESOURCE_NOT_ACTIVE',
        `Template ${template.id} is ${template.status}`,
        'notify-template',
        template.id,
      );
    }
    if (!template.tierAccess.includes(configuration.tier)) {
      throw validationError(
        'INVALID_PARAMETER',
        `Template ${template.id} is not available on the ${configuration.tier} tier`,
        [{ Name: 'TemplateId', Message: `Tier access: ${template.tierAccess.join(', ')}` }],
      );
    }
    if (!template.channels.includes(channel)) {
      throw validationError('INVALID_PARAMETER', `Template ${template.id} does not support ${channel}`, [
        { Name: 'TemplateId', Message: `Channels: ${template.channels.join(', ')}` },
      ]);
    }
    return template;
  }

  private destinationCountry(
    destination: string,
    configuration: EmulatedConfiguration,
    template: EmulatedTemplate,
  ): string {
    const country = countryOf(destination);
    if (country === undefined) {
      throw validationError('INVALID_PARAMETER', 'DestinationPhoneNumber has no known country calling code', [
        { Name: 'DestinationPhoneNumber', Message: 'Unknown country calling code' },
      ]);
    }
    if (configuration.enabledCountries && !configuration.enabledCountries.includes(country)) {
      throw validationError('COUNTRY_NOT_ENABLED', `${country} is not enabled on ${configuration.id}`, [
        { Name: 'DestinationPhoneNumber', Message: `Country ${country} is not enabled` },
      ]);
    }
    if (!template.supportedCountries.includes(country)) {
      throw validationError(
        'DESTINATION_COUNTRY_BLOCKED',
        `Template ${template.id} does not support ${country}`,
        [{ Name: 'DestinationPhoneNumber', Message: `Country ${country} is not supported by the template` }],
      );
    }
    return country;
  }

  private voiceFor(template: EmulatedTemplate, requested: VoiceId | undefined): VoiceId | undefined {
    if (requested === undefined) return template.supportedVoiceIds[0];
    if (!template.supportedVoiceIds.includes(requested)) {
      throw validationError(
        'INVALID_PARAMETER',
        `Template ${template.id} does not support voice ${requested}`,
        [{ Name: 'VoiceId', Message: `Supported voices: ${template.supportedVoiceIds.join(', ')}` }],
      );
    }
    return requested;
  }

  private checkQuotas(configuration: EmulatedConfiguration, destination: string, day: string): void {
    if (
      configuration.tier === 'BASIC' &&
      this.log.sentToday(day, configuration.id) >= this.limits.basicTierDailyMessages
    ) {
      // https://docs.aws.amazon.com/sms-voice/latest/userguide/notify-tiers.html: Basic is 200 messages a day.
      throw quotaExceeded(
        'DAILY_NOTIFY_TIER_MESSAGE_LIMIT',
        `${configuration.id} reached the Basic tier limit of ${this.limits.basicTierDailyMessages} messages a day`,
      );
    }
    if (
      this.log.sentToDestinationToday(day, configuration.id, destination) >=
      this.limits.destinationDailyMessages
    ) {
      // AWS documents the cap (https://docs.aws.amazon.com/sms-voice/latest/userguide/notify-quotas.html) but not
      // the Reason it answers with, so the emulator gives none: the service must not depend on one.
      throw quotaExceeded(
        undefined,
        `The destination reached the limit of ${this.limits.destinationDailyMessages} messages a day`,
      );
    }
  }

  private putMessageFeedback(input: unknown): PutMessageFeedbackResult {
    const { MessageId: messageId, MessageFeedbackStatus: status } = checkRequest(
      PUT_MESSAGE_FEEDBACK_RULES,
      input,
    );
    const message = this.log.find(messageId);
    if (!message) throw notFound('message', messageId);
    if (!message.messageFeedbackEnabled) {
      throw validationError(
        'INVALID_REQUEST',
        `Message ${messageId} was sent without MessageFeedbackEnabled`,
        [{ Name: 'MessageId', Message: 'Message feedback is not enabled for this message' }],
      );
    }
    message.feedbackStatus = status;
    message.feedbackUpdatedAt = this.now();
    message.feedbackCount = (message.feedbackCount ?? 0) + 1;
    return { MessageId: messageId, MessageFeedbackStatus: status };
  }
}
