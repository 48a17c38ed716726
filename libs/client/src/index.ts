export { OtpClient } from './client';
export type { CallOptions, IdempotentCallOptions, OtpClientOptions, StartOptions } from './client';
export { OtpApiError } from './errors';
export type { FieldError, Problem, TransportErrorCode } from './errors';
export type {
  CheckByNumberParams,
  CheckByNumberResult,
  CheckResult,
  DryRunResult,
  ResendParams,
  SendAttempt,
  StartParams,
  TemplateDescription,
  TemplatesResult,
  Verification,
  VerificationStatus,
} from './types';
export { verifyWebhook, WebhookVerificationError } from './webhooks';
export type { OtpWebhookEvent, VerificationWebhookData, WebhookEventType, WebhookHeaders } from './webhooks';
export type { components, operations, paths } from './generated/openapi';
