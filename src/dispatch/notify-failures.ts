import { NotifyError, provesNothingSent } from '@app/notify';
import {
  ChannelNotAvailable,
  CountryNotAllowed,
  DestinationLimitReached,
  DomainError,
  InvalidPhoneNumber,
  NotifyTimeout,
  NotifyUnavailable,
} from '../common/domain-error';

const COUNTRY_REASONS = new Set([
  'COUNTRY_NOT_ENABLED',
  'DESTINATION_COUNTRY_BLOCKED',
  'COUNTRY_CODE_MISMATCH',
  'INVALID_IDENTITY_FOR_DESTINATION_COUNTRY',
]);
const CHANNEL_REASONS = new Set(['CHANNEL_NOT_ENABLED', 'VOICE_CAPABILITY_NOT_AVAILABLE']);

/**
 * What a Notify failure means to our caller. Their input (number, country, channel) -> 422; Notify's per-number cap
 * -> 429; everything only the operator can fix, or that outlasted the SDK's retries -> 503 with a code that says which.
 */
export function notifyFailureToDomain(error: NotifyError, country?: string): DomainError {
  switch (error.kind) {
    case 'validation':
      if (error.reason && COUNTRY_REASONS.has(error.reason)) return new CountryNotAllowed(country);
      if (error.reason && CHANNEL_REASONS.has(error.reason)) {
        return new ChannelNotAvailable('The Notify configuration cannot deliver on this channel.');
      }
      if (error.fields?.some((f) => f.name === 'DestinationPhoneNumber')) return new InvalidPhoneNumber();
      return new NotifyUnavailable(
        'notify_request_rejected',
        'Notify rejected the request; check the template settings.',
      );
    case 'not_found':
      return new NotifyUnavailable(
        'notify_configuration_not_found',
        `Notify does not know the configured ${error.resourceType ?? 'resource'}; check NOTIFY_CONFIGURATION_ID.`,
      );
    case 'conflict':
      return new NotifyUnavailable(
        'notify_configuration_inactive',
        'The Notify configuration is not ACTIVE.',
      );
    case 'access_denied':
      return new NotifyUnavailable(
        'notify_access_denied',
        'The service is not allowed to call Notify; check its IAM role.',
      );
    case 'quota_exceeded':
      // A send meets three quotas (https://docs.aws.amazon.com/sms-voice/latest/userguide/notify-quotas.html): the
      // Basic tier's day, the spend limit (notify-spend-limits.html) and 10 messages per number a day. AWS names a
      // Reason only for the first two, so the per-number cap is whatever is neither.
      if (error.reason?.startsWith('MONTHLY_SPEND_LIMIT')) {
        return new NotifyUnavailable(
          'notify_spend_limit',
          'The monthly Notify spend limit is reached.',
          3600,
        );
      }
      if (error.reason === 'DAILY_NOTIFY_TIER_MESSAGE_LIMIT') {
        return new NotifyUnavailable(
          'notify_daily_limit',
          'The daily Notify message limit is reached.',
          3600,
        );
      }
      return new DestinationLimitReached();
    case 'timeout':
    case 'network':
      // A send that may have reached Notify: its outcome is unknown, and it was not retried (see SendSafeRetryStrategy).
      if (error.operation.startsWith('SendNotify') && !provesNothingSent(error)) return new NotifyTimeout();
      return new NotifyUnavailable(
        'notify_unavailable',
        'Notify did not answer in time; try again shortly.',
        5,
      );
    default:
      return new NotifyUnavailable(
        'notify_unavailable',
        'Notify did not answer in time; try again shortly.',
        5,
      );
  }
}
