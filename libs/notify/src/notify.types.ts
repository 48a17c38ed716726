import type { NotifyErrorKind } from './notify-error';

export interface NotifyClientOptions {
  region: string;
  /** e.g. the local emulator 'http://127.0.0.1:4566' */
  endpoint?: string;
  /** Omitted: the SDK default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Per HTTP attempt (connection and whole request); default 5000. */
  requestTimeoutMs?: number;
  /** The SDK's standard retry with backoff handles throttling, 5xx and transient errors; default 3. */
  maxAttempts?: number;
  /** Default 10 minutes. */
  templateCacheTtlMs?: number;
  /** Clock for the template cache, in ms. */
  now?: () => number;
  /**
   * Told once per call that reaches Notify (a paginated describe counts once; a cached template, none), after it
   * settles: for metrics. It gets no request data, and an observer that throws is ignored.
   */
  observer?: (event: NotifyCallEvent) => void;
}

export interface NotifyCallEvent {
  /** The AWS operation, e.g. `SendNotifyTextMessage`. */
  operation: string;
  outcome: 'ok' | NotifyErrorKind;
  durationMs: number;
}

export type NotifyChannel = 'SMS' | 'VOICE';

export interface SendCodeInput {
  configurationId: string;
  /** E.164 */
  to: string;
  /** Omitted: the configuration's default template. */
  templateId?: string;
  variables: Record<string, string>;
  timeToLiveSeconds?: number;
  /** Echoed into delivery events. */
  context?: Record<string, string>;
  configurationSetName?: string;
  dryRun?: boolean;
  feedbackEnabled?: boolean;
}

export interface SendVoiceInput extends SendCodeInput {
  /** A Polly voice as AWS spells it, e.g. 'JOANNA'. */
  voiceId?: string;
}

export interface SendResult {
  /** Empty only when AWS returned no id, which a dry run may do. */
  messageId: string;
  templateId: string;
  resolvedBody?: string;
}

export interface TemplateVariable {
  type: 'STRING' | 'INTEGER' | 'BOOLEAN';
  required: boolean;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  pattern?: string;
  defaultValue?: string;
  sample?: string;
  /** SYSTEM variables are filled by AWS (e.g. the brand name) and must not be sent. */
  source: 'CUSTOMER' | 'SYSTEM';
}

export interface NotifyTemplate {
  id: string;
  version?: number;
  channels: NotifyChannel[];
  status: string;
  languageCode?: string;
  supportedCountries: string[];
  tierAccess: string[];
  content?: string;
  variables: Record<string, TemplateVariable>;
  supportedVoiceIds: string[];
}

export interface NotifyConfiguration {
  id: string;
  arn?: string;
  displayName?: string;
  status: string;
  tier?: string;
  enabledChannels: NotifyChannel[];
  /**
   * ISO 3166-1 alpha-2. Optional in AWS's model (a description may omit it): absent, the configuration states no
   * country list and Notify alone decides (https://docs.aws.amazon.com/sms-voice/latest/userguide/notify-tiers.html:
   * Basic sends to its 30 pre-approved countries, Advanced to those its allow/block rules let through).
   */
  enabledCountries?: string[];
  defaultTemplateId?: string;
  useCase?: string;
}
