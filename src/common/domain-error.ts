/** A validation failure of one request field. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Errors the domain raises. Each carries a stable `code` that clients may branch on; what a code means in HTTP
 * (status, title) is the API's business, in one table (src/api/problem-table.ts). Domain code never throws
 * HttpException.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  /**
   * A dependency (the store, Notify) failed, rather than the request being refused: the same request may succeed
   * later. A refusal (input, state, a limit) is final for its request, even when it says when to try again.
   */
  readonly retryable: boolean = false;
  readonly retryAfterSeconds?: number;
  readonly errors?: FieldError[];

  constructor(
    readonly detail: string,
    extra: { retryAfterSeconds?: number; errors?: FieldError[]; cause?: unknown } = {},
  ) {
    super(detail, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = new.target.name;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.errors = extra.errors;
  }
}

export class InvalidRequest extends DomainError {
  readonly code = 'invalid_request';
  constructor(detail: string, errors: FieldError[]) {
    super(detail, { errors });
  }
}

export class UnsupportedMediaType extends DomainError {
  readonly code = 'unsupported_media_type';
  constructor() {
    super('Send the request body as JSON with "Content-Type: application/json".');
  }
}

export class VerificationNotFound extends DomainError {
  readonly code = 'verification_not_found';
  constructor() {
    super('No verification with this id exists for this API client.');
  }
}

export class SandboxMessageNotFound extends DomainError {
  readonly code = 'message_not_found';
  constructor() {
    super('The sandbox delivered no message with this id (or has forgotten it).');
  }
}

export class InvalidPhoneNumber extends DomainError {
  readonly code = 'invalid_phone_number';
  constructor(
    detail = 'The destination is not a valid phone number; send it in E.164 form, e.g. +12065550100.',
  ) {
    super(detail, { errors: [{ field: 'to', message: detail }] });
  }
}

export class CountryNotAllowed extends DomainError {
  readonly code = 'country_not_allowed';
  constructor(country: string | undefined) {
    const detail = `Verification codes cannot be sent to numbers in ${country ?? 'this country'}.`;
    super(detail, { errors: [{ field: 'to', message: detail }] });
  }
}

export class ChannelNotAvailable extends DomainError {
  readonly code = 'channel_not_available';
  constructor(detail: string) {
    super(detail, { errors: [{ field: 'channel', message: detail }] });
  }
}

export class UnknownTemplate extends DomainError {
  readonly code = 'unknown_template';
  constructor(field: 'templateId' | 'locale', detail: string) {
    super(detail, { errors: [{ field, message: detail }] });
  }
}

export class VerificationNotPending extends DomainError {
  readonly code = 'verification_not_pending';
  constructor(status: string) {
    super(`The verification is ${status}; start a new one.`);
  }
}

export class ResendTooSoon extends DomainError {
  readonly code = 'resend_too_soon';
  constructor(retryAfterSeconds: number) {
    super(`Wait ${retryAfterSeconds} s before sending another code.`, { retryAfterSeconds });
  }
}

export class MaxSendsReached extends DomainError {
  readonly code = 'max_sends_reached';
  constructor(max: number) {
    super(`This verification has already sent ${max} codes; start a new verification later.`);
  }
}

/** The automatic voice fallback of a verification was placed already; it happens once. Never reaches HTTP. */
export class FallbackAlreadyUsed extends DomainError {
  readonly code = 'fallback_already_used';
  constructor() {
    super('This verification has had its automatic call.');
  }
}

/** The number's daily send cap: Notify's (10 a day), or ours, which stays below it so Notify's is rarely reached. */
export class DestinationLimitReached extends DomainError {
  readonly code = 'destination_daily_limit';
  constructor(retryAfterSeconds = 3600) {
    super('No more codes can be sent to this number today.', { retryAfterSeconds });
  }
}

export type RateLimitedCode =
  | 'rate_limited_destination'
  | 'rate_limited_ip'
  | 'rate_limited_api_key'
  | 'rate_limited_prefix'
  | 'prefix_blocked';

const RATE_LIMITED_DETAIL: Record<RateLimitedCode, string> = {
  rate_limited_destination: 'Too many codes were sent to this number recently; try again later.',
  rate_limited_ip: 'Too many verifications were started from this end-user IP address; try again later.',
  rate_limited_api_key: 'This API key started too many verifications; slow down.',
  rate_limited_prefix: 'Too many codes were sent to numbers in this range; try again later.',
  prefix_blocked:
    'Codes to numbers in this range are paused: many were sent and few were used (SMS pumping protection).',
};

/**
 * A rate limit refused the request before anything was sent or stored; `code` names the policy. The detail never
 * says whether the number has a verification: a number's limits count sends, whoever asked for them.
 */
export class RateLimited extends DomainError {
  constructor(
    readonly code: RateLimitedCode,
    retryAfterSeconds: number,
  ) {
    super(RATE_LIMITED_DETAIL[code], { retryAfterSeconds });
  }
}

/** Our share of Notify's throughput is used up for now: a send would only meet Notify's ThrottlingException. */
export class NotifyCapacityExhausted extends DomainError {
  readonly code = 'notify_capacity';
  override readonly retryable = true;
  constructor(retryAfterSeconds: number) {
    super('Notify is sending at its configured rate; try again shortly.', { retryAfterSeconds });
  }
}

export class IdempotencyKeyReused extends DomainError {
  readonly code = 'idempotency_key_reused';
  constructor() {
    super('This Idempotency-Key was used with a different request body; use a new key for a new request.');
  }
}

export class IdempotencyInProgress extends DomainError {
  readonly code = 'idempotency_in_progress';
  constructor() {
    super('A request with this Idempotency-Key is still being processed; retry shortly to get its answer.', {
      retryAfterSeconds: 1,
    });
  }
}

/** Notify refused or failed in a way only the operator can fix, or that outlasted our retries. */
export class NotifyUnavailable extends DomainError {
  override readonly retryable = true;
  constructor(
    readonly code:
      | 'notify_configuration_not_found'
      | 'notify_configuration_inactive'
      | 'notify_access_denied'
      | 'notify_daily_limit'
      | 'notify_spend_limit'
      | 'notify_request_rejected'
      | 'notify_unavailable',
    detail: string,
    retryAfterSeconds = 60,
  ) {
    super(detail, { retryAfterSeconds });
  }
}

export class Unauthorized extends DomainError {
  readonly code = 'unauthorized';
  constructor(hint = '') {
    super(`Send a valid API key as "Authorization: Bearer <key>".${hint}`);
  }
}

/** Redis did not serve a command: down, timed out, out of memory, read-only, or redirecting (src/redis/store-errors.ts). */
export class StoreUnavailable extends DomainError {
  readonly code = 'store_unavailable';
  override readonly retryable = true;
  /** `cause`: the Redis failure, for logs; never in the answer. */
  constructor(cause?: unknown, detail = 'The verification store is unreachable; try again shortly.') {
    super(detail, { retryAfterSeconds: 1, cause });
  }
}

/**
 * A write was sent to Redis and no answer came (a command timeout, a connection lost with the command in flight):
 * it may have happened. A retry with the same Idempotency-Key gets the answer recorded with the write, if it did.
 */
export class OutcomeUnknown extends DomainError {
  readonly code = 'outcome_unknown';
  override readonly retryable = true;
  constructor(what: string, cause?: unknown) {
    super(
      `The store did not confirm ${what} in time; it may have happened. Retry with the same Idempotency-Key to get its answer.`,
      { retryAfterSeconds: 1, cause },
    );
  }
}

/**
 * Notify did not answer a send within NOTIFY_TIMEOUT_MS: the message may be on its way, and its code will not work.
 * The send is not retried (the send API takes no client token, so a retry could deliver twice) and its points are
 * not given back.
 */
export class NotifyTimeout extends DomainError {
  readonly code = 'notify_timeout';
  override readonly retryable = true;
  constructor() {
    super(
      'Notify did not confirm the send in time; a message may arrive, but its code will not work. Retry with the same Idempotency-Key for a new code.',
      { retryAfterSeconds: 1 },
    );
  }
}

/** A delivery-event request that is not provably from AWS (signature, topic, secret) or not allowed here. */
export class NotifyEventRejected extends DomainError {
  readonly code = 'notify_event_rejected';
  constructor(detail: string) {
    super(detail);
  }
}
