import type { components } from './generated/openapi';

export type Problem = components['schemas']['ProblemDetails'];
export type FieldError = components['schemas']['FieldError'];

/** Codes of the client's own: no answer came (the call timed out, the network failed), or one it cannot read. */
export type TransportErrorCode = 'timeout' | 'network_error' | 'invalid_response';

/**
 * Every failure of a call: an RFC 9457 problem answered by the service (`status` and its stable `code`), or a
 * transport failure (`status` 0, `code` `timeout` or `network_error`), after which the outcome is unknown.
 */
export class OtpApiError extends Error {
  /** The HTTP status; 0 when no answer arrived. */
  readonly status: number;
  /** The service's stable code (`invalid_phone_number`, `resend_too_soon`, …): branch on this. */
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  /** Seconds to wait before trying again, from `Retry-After` (429 and 503 answers). */
  readonly retryAfter: number | undefined;
  /** Validation errors by field (`to`, `code`, `channel`, …); empty when the problem names none. */
  readonly errors: FieldError[];
  /** The service's request id (`X-Request-Id`), for its logs. */
  readonly requestId: string | undefined;

  constructor(init: {
    status: number;
    code: string;
    title?: string;
    detail: string;
    retryAfter?: number;
    errors?: FieldError[];
    requestId?: string;
    cause?: unknown;
  }) {
    super(init.detail, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'OtpApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title ?? init.code;
    this.detail = init.detail;
    this.retryAfter = init.retryAfter;
    this.errors = init.errors ?? [];
    this.requestId = init.requestId;
  }

  /** The message of the first error about `field`, if the service named it. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.field === field)?.message;
  }
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

function isProblem(value: unknown): value is Partial<Problem> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an error answer into an OtpApiError; a body that is not a problem still gives status and text. */
export async function errorFromResponse(response: Response): Promise<OtpApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const problem = isProblem(body) ? body : {};
  const errors = Array.isArray(problem.errors)
    ? problem.errors.filter(
        (e): e is FieldError => typeof e?.field === 'string' && typeof e?.message === 'string',
      )
    : [];
  return new OtpApiError({
    status: response.status,
    code: typeof problem.code === 'string' ? problem.code : `http_${response.status}`,
    title: typeof problem.title === 'string' ? problem.title : response.statusText || undefined,
    detail:
      typeof problem.detail === 'string'
        ? problem.detail
        : text.slice(0, 200) || `The service answered ${response.status}.`,
    retryAfter: parseRetryAfter(response.headers.get('retry-after')),
    errors,
    requestId: response.headers.get('x-request-id') ?? undefined,
  });
}
