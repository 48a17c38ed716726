import type { EventDestination } from './delivery-events';
import type {
  MessageFeedbackStatus,
  NotifyConfigurationStatus,
  NotifyConfigurationTier,
  NotifyTemplateStatus,
  ResourceType,
  TemplateVariableSource,
  TemplateVariableType,
  VoiceId,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';

/** The two channels Notify sends on (the SDK's NumberCapability also has MMS and RCS, which Notify never uses). */
export type Channel = 'SMS' | 'VOICE';

export interface EmulatedConfiguration {
  id: string;
  /** 1-15 characters; fills the SYSTEM variable `brandName`. */
  displayName: string;
  status: NotifyConfigurationStatus;
  tier: NotifyConfigurationTier;
  enabledChannels: Channel[];
  /**
   * ISO 3166-1 alpha-2. Optional, as in AWS's model: undefined describes a configuration without the member, which
   * then sends wherever its templates support.
   */
  enabledCountries?: string[];
  defaultTemplateId?: string;
  poolId?: string;
  rejectionReason?: string;
  createdAt: Date;
}

export interface TemplateVariable {
  type: TemplateVariableType;
  required: boolean;
  source: TemplateVariableSource;
  description?: string;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  /** A JavaScript regular expression source, anchored by the author. */
  pattern?: string;
  defaultValue?: string;
  sample?: string;
}

export interface EmulatedTemplate {
  id: string;
  version: number;
  templateType: 'OTP_VERIFICATION';
  channels: Channel[];
  tierAccess: NotifyConfigurationTier[];
  status: NotifyTemplateStatus;
  supportedCountries: string[];
  languageCode: string;
  /** `{{name}}` placeholders are replaced by variables. */
  content: string;
  variables: Record<string, TemplateVariable>;
  /** The first one is used when a voice send names no VoiceId. */
  supportedVoiceIds: VoiceId[];
  createdAt: Date;
}

/** A configuration given in options: only the id is required, the rest falls back to documented defaults. */
export type ConfigurationSpec = Pick<EmulatedConfiguration, 'id'> &
  Partial<Omit<EmulatedConfiguration, 'id'>>;

/** A template given in options: only the id is required, the rest is copied from the English OTP template. */
export type TemplateSpec = Pick<EmulatedTemplate, 'id'> & Partial<Omit<EmulatedTemplate, 'id'>>;

export interface NotifyLimits {
  /** Messages a BASIC-tier configuration may send per UTC day. */
  basicTierDailyMessages: number;
  /** Messages one configuration may send to one destination number per UTC day, both channels together. */
  destinationDailyMessages: number;
}

export interface NotifyEmulatorOptions {
  /** The clock behind daily limits and timestamps. */
  now?: () => Date;
  /** Added to the defaults; a configuration with a default's id replaces it. */
  configurations?: ConfigurationSpec[];
  /** Added to the defaults; a template with a default's id replaces it. */
  templates?: TemplateSpec[];
  /** false starts with only the configurations and templates given above. Default true. */
  includeDefaults?: boolean;
  limits?: Partial<NotifyLimits>;
  /** Used in ARNs. Default 'us-east-1'. */
  region?: string;
  /** Used in ARNs. Default '000000000000'. */
  accountId?: string;
  /** Oldest messages are forgotten beyond this many. Default 10,000. */
  maxStoredMessages?: number;
  /** Sent as `X-Notify-Events-Secret` with EventBridge events, as an API destination's connection would. */
  eventBridgeSecret?: string;
  /** Where `emitEvents` delivers delivery events; can be set later with `setEventDestination`. */
  eventDestination?: EventDestination;
}

export interface EmulatedMessage {
  messageId: string;
  channel: Channel;
  configurationId: string;
  destinationPhoneNumber: string;
  /** Derived from the number's calling code. */
  isoCountryCode: string;
  resolvedMessageBody: string;
  templateId: string;
  /** The CUSTOMER variables as sent; SYSTEM ones appear only in the body. */
  templateVariables: Record<string, string>;
  /** Empty when the request had none. */
  context: Record<string, string>;
  configurationSetName: string | undefined;
  /** Seconds; the default of 72 hours when the request had none. */
  timeToLive: number;
  messageFeedbackEnabled: boolean;
  feedbackStatus?: MessageFeedbackStatus;
  feedbackUpdatedAt?: Date;
  /** Accepted PutMessageFeedback calls for this message. */
  feedbackCount?: number;
  /** Set on VOICE messages: the requested voice, or the template's first one. */
  voiceId?: VoiceId;
  sentAt: Date;
}

export interface EmulatorFault {
  /** An operation name such as 'SendNotifyTextMessage'; omitted matches every Notify operation. */
  operation?: string;
  /** The `__type` to answer with, e.g. 'ThrottlingException'. */
  exception?: string;
  /** The exception's Reason member. */
  reason?: string;
  /** ResourceNotFoundException and ConflictException: default the resource the call names. */
  resourceType?: ResourceType;
  resourceId?: string;
  message?: string;
  /** Overrides the HTTP status the exception normally gets. */
  statusCode?: number;
  /** Wait this long before answering (with the exception, the dropped socket or the normal answer). */
  delayMs?: number;
  /** Destroy the socket instead of answering. */
  dropConnection?: boolean;
  /** How many matching calls the fault affects. Default 1. */
  times?: number;
}
