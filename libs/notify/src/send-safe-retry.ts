import { StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, StandardRetryToken } from '@smithy/types';
import { toNotifyError } from './notify-error';

/**
 * Errors of the connect phase: the request never left this host, so Notify cannot have sent anything. A reset, a
 * hang-up or a timeout can come after Notify took the request, and the send operations take no client token
 * (https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2/send-notify-text-message.html lists none),
 * so a retry after one of those could deliver a second message with a second code.
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Does this SDK error prove that Notify did nothing? Throttling (refused before any work) or a failed connect. */
export function provesNothingSent(error: unknown): boolean {
  const mapped = toNotifyError('retry', error);
  if (mapped.kind === 'throttled') return true;
  return mapped.kind === 'network' && mapped.code !== undefined && NOT_SENT_CODES.has(mapped.code);
}

/**
 * The SDK's standard retry strategy (backoff with jitter, retry quota), asked only about errors that prove nothing
 * was sent. Every other error, a timeout included, ends the call at its first attempt: the caller learns at once that
 * the outcome is unknown, instead of after NOTIFY_MAX_ATTEMPTS × NOTIFY_TIMEOUT_MS and with duplicates on the phone.
 */
export class SendSafeRetryStrategy implements RetryStrategyV2 {
  private readonly standard: StandardRetryStrategy;

  constructor(maxAttempts: number) {
    this.standard = new StandardRetryStrategy(maxAttempts);
  }

  acquireInitialRetryToken(retryTokenScope: string): Promise<StandardRetryToken> {
    return this.standard.acquireInitialRetryToken(retryTokenScope);
  }

  refreshRetryTokenForRetry(
    token: StandardRetryToken,
    errorInfo: RetryErrorInfo,
  ): Promise<StandardRetryToken> {
    if (!provesNothingSent(errorInfo.error)) {
      return Promise.reject(new Error('Not retried: the request may have reached Notify'));
    }
    return this.standard.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.standard.recordSuccess(token);
  }
}
