/**
 * Errors the domain raises. Each carries a stable `code` that clients may branch on; the problem+json filter maps
 * them to HTTP. Domain code never throws HttpException.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  readonly title: string;
  readonly retryAfterSeconds?: number;
  readonly errors?: { field: string; message: string }[];

  constructor(
    title: string,
    readonly detail: string,
    extra: { retryAfterSeconds?: number; errors?: { field: string; message: string }[] } = {},
  ) {
    super(detail);
    this.title = title;
    this.name = new.target.name;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.errors = extra.errors;
  }
}

export class InvalidRequest extends DomainError {
  readonly code = 'invalid_request';
  readonly status = 400;
  constructor(detail: string, errors: { field: string; message: string }[]) {
    super('Invalid request', detail, { errors });
  }
}

export class UnsupportedMediaType extends DomainError {
  readonly code = 'unsupported_media_type';
  readonly status = 415;
  constructor() {
    super('Unsupported media type', 'Send the request body as JSON with "Content-Type: application/json".');
  }
}

export class VerificationNotFound extends DomainError {
  readonly code = 'verification_not_found';
  readonly status = 404;
  constructor() {
    super('Verification not found', 'No verification with this id exists for this API client.');
  }
}

export class InvalidPhoneNumber extends DomainError {
  readonly code = 'invalid_phone_number';
  readonly status = 422;
  constructor(
    detail = 'The destination is not a valid phone number; send it in E.164 form, e.g. +12065550100.',
  ) {
    super('Invalid phone number', detail, { errors: [{ field: 'to', message: detail }] });
  }
}

export class CountryNotAllowed extends DomainError {
  readonly code = 'country_not_allowed';
  readonly status = 422;
  constructor(country: string | undefined) {
    const detail = `Verification codes cannot be sent to numbers in ${country ?? 'this country'}.`;
    super('Country not allowed', detail, { errors: [{ field: 'to', message: detail }] });
  }
}

export class ChannelNotAvailable extends DomainError {
  readonly code = 'channel_not_available';
  readonly status = 422;
  constructor(detail: string) {
    super('Channel not available', detail, { errors: [{ field: 'channel', message: detail }] });
  }
}

export class UnknownTemplate extends DomainError {
  readonly code = 'unknown_template';
  readonly status = 422;
  constructor(field: 'templateId' | 'locale', detail: string) {
    super('Unknown template', detail, { errors: [{ field, message: detail }] });
  }
}

export class VerificationNotPending extends DomainError {
  readonly code = 'verification_not_pending';
  readonly status = 409;
  constructor(status: string) {
    super('Verification is finished', `The verification is ${status}; start a new one.`);
  }
}

export class ResendTooSoon extends DomainError {
  readonly code = 'resend_too_soon';
  readonly status = 429;
  constructor(retryAfterSeconds: number) {
    super('Resend too soon', `Wait ${retryAfterSeconds} s before sending another code.`, {
      retryAfterSeconds,
    });
  }
}

export class MaxSendsReached extends DomainError {
  readonly code = 'max_sends_reached';
  readonly status = 429;
  constructor(max: number) {
    super(
      'Too many sends',
      `This verification has already sent ${max} codes; start a new verification later.`,
    );
  }
}

export class DestinationLimitReached extends DomainError {
  readonly code = 'destination_daily_limit';
  readonly status = 429;
  constructor() {
    super('Daily limit for this number reached', 'No more codes can be sent to this number today.', {
      retryAfterSeconds: 3600,
    });
  }
}

/** Notify refused or failed in a way only the operator can fix, or that outlasted our retries. */
export class NotifyUnavailable extends DomainError {
  readonly status = 503;
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
    super('Message delivery unavailable', detail, { retryAfterSeconds });
  }
}

export class Unauthorized extends DomainError {
  readonly code = 'unauthorized';
  readonly status = 401;
  constructor() {
    super('Unauthorized', 'Send a valid API key as "Authorization: Bearer <key>".');
  }
}

export class StoreUnavailable extends DomainError {
  readonly code = 'store_unavailable';
  readonly status = 503;
  constructor() {
    super('Service unavailable', 'The verification store is unreachable; try again shortly.', {
      retryAfterSeconds: 1,
    });
  }
}
