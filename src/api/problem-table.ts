import * as domain from '../common/domain-error';
import { FieldError } from '../common/domain-error';

/** The code an exported domain error class carries (never the bare `string` of the abstract base). */
type CodeOf<T> = T extends abstract new (...args: never[]) => infer E
  ? E extends domain.DomainError
    ? string extends E['code']
      ? never
      : E['code']
    : never
  : never;

/** Every code a domain error can carry, read off the classes of domain-error.ts: a new class needs a row below. */
export type DomainErrorCode = { [K in keyof typeof domain]: CodeOf<(typeof domain)[K]> }[keyof typeof domain];

/** Answers of the HTTP layer itself: the router, body parsing, Nest's exceptions, health, the unexpected. */
type HttpProblemCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'too_many_requests'
  | 'not_ready'
  | 'internal_error'
  | 'http_error'
  // The HTTP parser's and the server's own refusals (http-edge-errors.ts).
  | 'malformed_request'
  | 'request_timeout'
  | 'expectation_failed'
  | 'headers_too_large'
  | 'method_not_implemented'
  | 'http_version_not_supported'
  | 'shutting_down';

export type ProblemCode = DomainErrorCode | HttpProblemCode;

export interface ProblemRow {
  status: number;
  /** RFC 9457 §3.1.3: the title names the problem type, so it does not vary from one occurrence to the next. */
  title: string;
  /** A plausible `detail`, for the OpenAPI document's examples. */
  example: string;
  /** The field the example's `errors` name, for codes whose answers carry `errors`. */
  field?: string;
}

/** What each stable code means in HTTP. The one place; the filter, health, the adapter hooks and OpenAPI read it. */
export const PROBLEMS = {
  invalid_request: { status: 400, title: 'Invalid request', example: 'to must be a string', field: 'to' },
  unauthorized: {
    status: 401,
    title: 'Unauthorized',
    example: 'Send a valid API key as "Authorization: Bearer <key>".',
  },
  notify_event_rejected: {
    status: 403,
    title: 'Event rejected',
    example: 'The SNS signature could not be verified.',
  },
  not_found: {
    status: 404,
    title: 'Not found',
    example: 'The sandbox is off: this service sends through AWS.',
  },
  verification_not_found: {
    status: 404,
    title: 'Verification not found',
    example: 'No verification with this id exists for this API client.',
  },
  message_not_found: {
    status: 404,
    title: 'Message not found',
    example: 'The sandbox delivered no message with this id (or has forgotten it).',
  },
  method_not_allowed: { status: 405, title: 'Method not allowed', example: 'Method not allowed' },
  verification_not_pending: {
    status: 409,
    title: 'Verification is finished',
    example: 'The verification is approved; start a new one.',
  },
  idempotency_in_progress: {
    status: 409,
    title: 'Request in progress',
    example: 'A request with this Idempotency-Key is still being processed.',
  },
  fallback_already_used: {
    status: 409,
    title: 'Fallback already placed',
    example: 'This verification has had its automatic call.',
  },
  payload_too_large: { status: 413, title: 'Payload too large', example: 'Request body is too large' },
  uri_too_long: { status: 414, title: 'URI too long', example: 'A path segment of the URL is too long.' },
  unsupported_media_type: {
    status: 415,
    title: 'Unsupported media type',
    example: 'Send the request body as JSON with "Content-Type: application/json".',
  },
  invalid_phone_number: {
    status: 422,
    title: 'Invalid phone number',
    example: 'The destination is not a valid phone number; send it in E.164 form.',
    field: 'to',
  },
  country_not_allowed: {
    status: 422,
    title: 'Country not allowed',
    example: 'Verification codes cannot be sent to numbers in CU.',
    field: 'to',
  },
  channel_not_available: {
    status: 422,
    title: 'Channel not available',
    example: 'The Notify configuration cannot send by voice.',
    field: 'channel',
  },
  unknown_template: {
    status: 422,
    title: 'Unknown template',
    example: 'No template for locale "xx".',
    field: 'locale',
  },
  idempotency_key_reused: {
    status: 422,
    title: 'Idempotency key reused',
    example: 'This Idempotency-Key was used with a different request body.',
  },
  resend_too_soon: {
    status: 429,
    title: 'Resend too soon',
    example: 'Wait 30 s before sending another code.',
  },
  max_sends_reached: {
    status: 429,
    title: 'Too many sends',
    example: 'This verification has already sent 5 codes; start a new verification later.',
  },
  destination_daily_limit: {
    status: 429,
    title: 'Daily limit for this number reached',
    example: 'No more codes can be sent to this number today.',
  },
  rate_limited_destination: {
    status: 429,
    title: 'Too many requests',
    example: 'Too many codes were sent to this number recently; try again later.',
  },
  rate_limited_ip: {
    status: 429,
    title: 'Too many requests',
    example: 'Too many verifications were started from this end-user IP address; try again later.',
  },
  rate_limited_api_key: {
    status: 429,
    title: 'Too many requests',
    example: 'This API key started too many verifications; slow down.',
  },
  rate_limited_prefix: {
    status: 429,
    title: 'Too many requests',
    example: 'Too many codes were sent to numbers in this range; try again later.',
  },
  prefix_blocked: {
    status: 429,
    title: 'Too many requests',
    example: 'Codes to numbers in this range are paused (SMS pumping protection).',
  },
  too_many_requests: {
    status: 429,
    title: 'Too many requests',
    example: 'Too many requests; try again later.',
  },
  internal_error: { status: 500, title: 'Internal error', example: 'Something went wrong on our side.' },
  store_unavailable: {
    status: 503,
    title: 'Service unavailable',
    example: 'The verification store is unreachable; try again shortly.',
  },
  outcome_unknown: {
    status: 503,
    title: 'Outcome unknown',
    example:
      'The store did not confirm the approval in time; it may have happened. Retry with the same Idempotency-Key to get its answer.',
  },
  notify_timeout: {
    status: 503,
    title: 'Outcome unknown',
    example:
      'Notify did not confirm the send in time; a message may arrive, but its code will not work. Retry with the same Idempotency-Key for a new code.',
  },
  not_ready: { status: 503, title: 'Service unavailable', example: 'Not ready: redis.' },
  notify_capacity: {
    status: 503,
    title: 'Message delivery busy',
    example: 'Notify is sending at its configured rate; try again shortly.',
  },
  notify_configuration_not_found: {
    status: 503,
    title: 'Message delivery unavailable',
    example: 'The Notify configuration does not exist.',
  },
  notify_configuration_inactive: {
    status: 503,
    title: 'Message delivery unavailable',
    example: 'The Notify configuration is not ACTIVE.',
  },
  notify_access_denied: {
    status: 503,
    title: 'Message delivery unavailable',
    example: 'The service may not call Notify.',
  },
  notify_daily_limit: {
    status: 503,
    title: 'Message delivery unavailable',
    example: 'The Notify configuration reached its daily message limit.',
  },
  notify_spend_limit: {
    status: 503,
    title: 'Message delivery unavailable',
    example: 'The account reached its monthly spend limit.',
  },
  notify_request_rejected: {
    status: 503,
    title: 'Message delivery unavailable',
    example: 'Notify rejected the request.',
  },
  notify_unavailable: {
    status: 503,
    title: 'Message delivery unavailable',
    example: 'Notify did not answer in time; try again shortly.',
  },
  malformed_request: {
    status: 400,
    title: 'Malformed request',
    example: 'The request is not valid HTTP/1.1 (two Content-Length headers).',
  },
  request_timeout: {
    status: 408,
    title: 'Request timeout',
    example: "The request's headers and body did not arrive within 10000 ms.",
  },
  expectation_failed: {
    status: 417,
    title: 'Expectation failed',
    example: 'The only Expect this server meets is "100-continue".',
  },
  headers_too_large: {
    status: 431,
    title: 'Request header fields too large',
    example: 'The request line and headers exceed 16384 bytes.',
  },
  method_not_implemented: {
    status: 501,
    title: 'Method not implemented',
    example: 'This server implements GET, HEAD, POST and OPTIONS only.',
  },
  http_version_not_supported: {
    status: 505,
    title: 'HTTP version not supported',
    example: 'Send the request as HTTP/1.1 (or HTTP/1.0).',
  },
  shutting_down: {
    status: 503,
    title: 'Service unavailable',
    example: 'This instance is shutting down; retry the request.',
  },
  /** A Nest HttpException of a status without a code of its own; the answer keeps the exception's status. */
  http_error: { status: 400, title: 'Request refused', example: 'Bad request' },
} as const satisfies Record<ProblemCode, ProblemRow>;

type Problems = typeof PROBLEMS;
export type ProblemStatus = Problems[ProblemCode]['status'];
/** The codes whose answers carry status `S`. */
export type CodeWithStatus<S extends number> = {
  [C in ProblemCode]: Problems[C]['status'] extends S ? C : never;
}[ProblemCode];

/** The code of a refusal by status alone, for answers that come from the HTTP layer (Fastify, Nest). */
const HTTP_LAYER_CODES: Partial<Record<number, ProblemCode>> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

export function httpLayerCode(status: number): ProblemCode | undefined {
  return HTTP_LAYER_CODES[status];
}

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEMS, code);
}

/** RFC 9457 problem details, as every error answer carries them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
}

const TYPE_BASE = 'urn:notify-otp:problem:';

/** Builds a problem body: the one place that does. `status` only for codes whose status varies (`http_error`, 5xx). */
export function problemBody(
  code: ProblemCode,
  detail: string,
  extra: { errors?: FieldError[]; status?: number } = {},
): Problem {
  const row: ProblemRow = PROBLEMS[code];
  const body: Problem = {
    type: TYPE_BASE + code,
    title: row.title,
    status: extra.status ?? row.status,
    detail,
    code,
  };
  if (extra.errors) body.errors = extra.errors;
  return body;
}

/** The example answer of a code, for the OpenAPI document. */
export function exampleProblem(code: ProblemCode): Problem {
  const row: ProblemRow = PROBLEMS[code];
  return problemBody(
    code,
    row.example,
    row.field ? { errors: [{ field: row.field, message: row.example }] } : {},
  );
}

/** A refusal by the HTTP layer itself (the router, the adapter's hooks), named by its code in the table. */
export class HttpProblem extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}
