export { NotifyClient, NOTIFY_DEFAULTS, createNotifySdkClient } from './notify-client';
export type { NotifyCommand, NotifySdkClient } from './notify-client';
export { NOTIFY_EVENT_TYPES, NOTIFY_EVENT_TYPE_NAMES } from './event-types';
export { NotifyError, toNotifyError, redactNotifyError } from './notify-error';
export type { NotifyErrorKind, NotifyErrorField, NotifyErrorInit } from './notify-error';
export type {
  NotifyCallEvent,
  NotifyChannel,
  NotifyClientOptions,
  NotifyConfiguration,
  NotifyTemplate,
  SendCodeInput,
  SendResult,
  SendVoiceInput,
  TemplateVariable,
} from './notify.types';
export { provesNothingSent, SendSafeRetryStrategy } from './send-safe-retry';
