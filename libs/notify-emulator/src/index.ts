export { NotifyEmulator } from './notify-emulator';
export {
  DELIVERY_EVENT_TYPES,
  EVENTBRIDGE_SECRET_HEADER,
  eventBridgeDetail,
  httpEventDestination,
  UnknownMessageError,
} from './delivery-events';
export type {
  DeliveryEventRecord,
  EventBridgeDetail,
  EmitOptions,
  EmittedEvent,
  EventDestination,
} from './delivery-events';
export { SnsSigner } from './sns-signer';
export type { SignedSnsMessage } from './sns-signer';
export {
  BASIC_CONFIGURATION_ID,
  CODE_PATTERN,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_CONFIGURATION_ID,
  DEFAULT_CONFIGURATIONS,
  DEFAULT_EMULATOR_HOST,
  DEFAULT_EMULATOR_PORT,
  DEFAULT_LIMITS,
  DEFAULT_REGION,
  DEFAULT_TEMPLATES,
  DEFAULT_TIME_TO_LIVE_SECONDS,
  ENGLISH_TEMPLATE_ID,
  FRENCH_TEMPLATE_ID,
  PENDING_CONFIGURATION_ID,
  SMS_ONLY_CONFIGURATION_ID,
  SPANISH_TEMPLATE_ID,
} from './defaults';
export { MAX_BODY_BYTES } from './server';
export { OPERATION_RULES } from './constraints';
export type { MemberRule, OperationRules, StringRule } from './constraints';
export type {
  Channel,
  ConfigurationSpec,
  EmulatedConfiguration,
  EmulatedMessage,
  EmulatedTemplate,
  EmulatorFault,
  NotifyEmulatorOptions,
  NotifyLimits,
  TemplateSpec,
  TemplateVariable,
} from './types';
