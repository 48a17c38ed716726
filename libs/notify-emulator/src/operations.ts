import { randomUUID } from 'node:crypto';
import {
  MessageFeedbackStatus,
  NotifyConfigurationFilterName,
  NotifyTemplateFilterName,
  VoiceId,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type {
  DescribeNotifyConfigurationsResult,
  DescribeNotifyTemplatesResult,
  PutMessageFeedbackResult,
  SendNotifyTextMessageResult,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { NotifyCatalog } from './catalog';
import { DEFAULT_TIME_TO_LIVE_SECONDS } from './defaults';
import { conflict, missingParameter, notFound, quotaExceeded, validationError } from './errors';
import { type MessageLog, utcDay } from './message-log';
import { countryOf, E164 } from './phone';
import { resolveTemplate } from './template-variables';
import type { Channel, EmulatedConfiguration, EmulatedTemplate, NotifyLimits } from './types';
import { ID_OR_ARN, RequestReader } from './validation';
import { configurationToWire, templateToWire, type Wire } from './wire';

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

const VOICE_IDS = Object.values(VoiceId);
const MAX_RESULTS = 100;
const MIN_TIME_TO_LIVE = 5;
const MAX_TIME_TO_LIVE = 259_200;

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
        return this.describeTemplates(input);
      case 'DescribeNotifyConfigurations':
        return this.describeConfigurations(input);
    }
  }

  /**
   * Checks run in the order a caller can act on: the request's shape, the configuration, the template, the
   * destination, the variables, then the quotas. DryRun runs every check and records nothing.
   */
  private send(channel: Channel, input: unknown): SendNotifyTextMessageResult {
    const request = new RequestReader(input);
    const configurationId = request.requiredString('NotifyConfigurationId', { max: 256, pattern: ID_OR_ARN });
    const destination = request.requiredString('DestinationPhoneNumber', { max: 20 });
    const templateId = request.optionalString('TemplateId', { max: 256, pattern: ID_OR_ARN });
    const variables = request.optionalStringMap('TemplateVariables', { key: { min: 1, max: 100 } });
    if (variables === undefined) throw missingParameter('TemplateVariables');
    const requestedVoice = channel === 'VOICE' ? request.optionalEnum('VoiceId', VOICE_IDS) : undefined;
    const timeToLive =
      request.optionalInteger('TimeToLive', MIN_TIME_TO_LIVE, MAX_TIME_TO_LIVE) ??
      DEFAULT_TIME_TO_LIVE_SECONDS;
    const context = request.optionalStringMap('Context', {
      maxEntries: 5,
      key: { min: 1, max: 100, pattern: /^\S+$/ },
      value: { min: 1, max: 800, pattern: /^(?!\s)[\s\S]*\S$/ },
    });
    const configurationSetName = request.optionalString('ConfigurationSetName', {
      max: 256,
      pattern: ID_OR_ARN,
    });
    const dryRun = request.optionalBoolean('DryRun') ?? false;
    const messageFeedbackEnabled = request.optionalBoolean('MessageFeedbackEnabled') ?? false;
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
    if (!configuration.enabledCountries.includes(country)) {
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
      throw quotaExceeded(
        'DAILY_NOTIFY_TIER_MESSAGE_LIMIT',
        `${configuration.id} reached the Basic tier limit of ${this.limits.basicTierDailyMessages} messages a day`,
      );
    }
    if (
      this.log.sentToDestinationToday(day, configuration.id, destination) >=
      this.limits.destinationDailyMessages
    ) {
      throw quotaExceeded(
        'DAILY_DESTINATION_CALL_LIMIT',
        `The destination reached the limit of ${this.limits.destinationDailyMessages} messages a day`,
      );
    }
  }

  private putMessageFeedback(input: unknown): PutMessageFeedbackResult {
    const request = new RequestReader(input);
    const messageId = request.requiredString('MessageId', { max: 64 });
    const status = request.optionalEnum('MessageFeedbackStatus', Object.values(MessageFeedbackStatus));
    if (status === undefined) throw missingParameter('MessageFeedbackStatus');
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
    return { MessageId: messageId, MessageFeedbackStatus: status };
  }

  private describeTemplates(input: unknown): Wire<DescribeNotifyTemplatesResult> {
    const request = new RequestReader(input);
    const ids = request.optionalStringList('TemplateIds', 100, { max: 256 });
    const filters = request.optionalFilters('Filters', Object.values(NotifyTemplateFilterName));
    const page = readPaging(request, 'templates');
    const selected = ids ? unique(ids).map((id) => this.catalog.template(id)) : this.catalog.allTemplates();
    const matching = selected.filter((template) =>
      filters.every(({ name, values }) => overlaps(templateAttribute(template, name), values)),
    );
    const { items, nextToken } = paginate(matching, page);
    return { NotifyTemplates: items.map(templateToWire), NextToken: nextToken };
  }

  private describeConfigurations(input: unknown): Wire<DescribeNotifyConfigurationsResult> {
    const request = new RequestReader(input);
    const ids = request.optionalStringList('NotifyConfigurationIds', 100, { max: 256 });
    const filters = request.optionalFilters('Filters', Object.values(NotifyConfigurationFilterName));
    const page = readPaging(request, 'configurations');
    const selected = ids
      ? unique(ids).map((id) => this.catalog.configuration(id))
      : this.catalog.allConfigurations();
    const matching = selected.filter((configuration) =>
      filters.every(({ name, values }) => overlaps(configurationAttribute(configuration, name), values)),
    );
    const { items, nextToken } = paginate(matching, page);
    return {
      NotifyConfigurations: items.map((c) => configurationToWire(c, this.catalog.arnOf(c))),
      NextToken: nextToken,
    };
  }
}

function templateAttribute(template: EmulatedTemplate, filter: NotifyTemplateFilterName): string[] {
  switch (filter) {
    case 'channels':
      return template.channels;
    case 'language-code':
      return [template.languageCode];
    case 'supported-countries':
      return template.supportedCountries;
    case 'supported-voice-ids':
      return template.supportedVoiceIds;
    case 'template-type':
      return [template.templateType];
    case 'tier-access':
      return template.tierAccess;
  }
}

function configurationAttribute(
  configuration: EmulatedConfiguration,
  filter: NotifyConfigurationFilterName,
): string[] {
  const optional = (value: string | undefined) => (value === undefined ? [] : [value]);
  switch (filter) {
    case 'default-pool':
      return optional(configuration.poolId);
    case 'default-template':
      return optional(configuration.defaultTemplateId);
    case 'deletion-protection-enabled':
      return ['false'];
    case 'display-name':
      return [configuration.displayName];
    case 'enabled-channels':
      return configuration.enabledChannels;
    case 'enabled-countries':
      return configuration.enabledCountries;
    case 'status':
      return [configuration.status];
    case 'tier-upgrade-status':
      return [configuration.tier];
    case 'use-case':
      return ['CODE_VERIFICATION'];
  }
}

/** A filter matches when the resource has any of its values. */
function overlaps(attribute: readonly string[], values: readonly string[]): boolean {
  return values.some((value) => attribute.includes(value));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

interface Page {
  offset: number;
  size: number;
  kind: string;
}

/** NextToken is opaque to callers; here it carries the listing it belongs to and the offset to resume at. */
function readPaging(request: RequestReader, kind: string): Page {
  const size = request.optionalInteger('MaxResults', 1, MAX_RESULTS) ?? MAX_RESULTS;
  const token = request.optionalString('NextToken', { max: 1024 });
  if (token === undefined) return { offset: 0, size, kind };
  const match = /^([a-z]+):([0-9]{1,9})$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match || match[1] !== kind) {
    throw validationError('INVALID_NEXT_TOKEN', 'The NextToken is not valid', [
      { Name: 'NextToken', Message: 'Use a NextToken returned by the same operation' },
    ]);
  }
  return { offset: Number(match[2]), size, kind };
}

function paginate<T>(all: T[], page: Page): { items: T[]; nextToken?: string } {
  const end = page.offset + page.size;
  const items = all.slice(page.offset, end);
  const nextToken = end < all.length ? Buffer.from(`${page.kind}:${end}`).toString('base64url') : undefined;
  return { items, nextToken };
}
