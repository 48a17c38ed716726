import { ArgumentsHost, Catch, ExceptionFilter, Logger, Optional } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from '../api/problem.filter';
import { Metrics } from '../metrics/metrics';

/** What Twilio answers on an error: `{ code, message, more_info, status }` (https://www.twilio.com/docs/errors). */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** A Twilio error raised by the /v2 surface itself, for situations our domain has no error for. */
export class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The Twilio error codes we answer with, each checked on its page at https://www.twilio.com/docs/errors/<code>. */
export const TWILIO_CODES = {
  /** 400: "The response message contains the name of the invalid parameter", e.g. "Invalid parameter: To". */
  invalidParameter: 60200,
  /** 429: "Max (5) verification check attempts reached". */
  maxCheckAttempts: 60202,
  /** 429: "Max send attempts reached". */
  maxSendAttempts: 60203,
  /** 403: "The destination phone number has been blocked by Verify Geo-Permissions". */
  geoPermissions: 60605,
  /** Fraud Guard's 12-hour block of a prefix; its page names no HTTP status, so we answer 403 as for 60605. */
  fraudGuard: 60410,
  /** 401: HTTP Basic authentication failed. */
  authenticate: 20003,
  /** 404: including a Verification that was approved or expired and then "soft deleted". */
  notFound: 20404,
  /** 429: too many requests; safe to retry after backing off. */
  tooManyRequests: 20429,
  internalError: 20500,
  /** "The requested Twilio Service is temporarily unavailable." */
  serviceUnavailable: 20503,
} as const;

const RATE_LIMITED = new Set([
  'resend_too_soon',
  'rate_limited_destination',
  'rate_limited_ip',
  'rate_limited_api_key',
  'rate_limited_prefix',
  'destination_daily_limit',
  'too_many_requests',
]);

/** The parameter a 60200 names, from our problem's field (the /v2 DTOs use Twilio's parameter names). */
const PARAMETER_OF_FIELD: Record<string, string> = {
  to: 'To',
  channel: 'Channel',
  locale: 'Locale',
  body: 'Body',
};

export function invalidParameter(parameter: string): TwilioError {
  return new TwilioError(400, TWILIO_CODES.invalidParameter, `Invalid parameter: ${parameter}`);
}

export function notFound(path: string): TwilioError {
  return new TwilioError(404, TWILIO_CODES.notFound, `The requested resource ${path} was not found`);
}

/** How Twilio would answer what our domain (or the HTTP layer) said, by our problem's stable code. */
export function toTwilioError(error: unknown, path: string): { error: TwilioError; problemCode: string } {
  if (error instanceof TwilioError) return { error, problemCode: `twilio_${error.code}` };
  const { problem, retryAfter } = toProblem(error);
  const code = problem.code;
  const twilio = (status: number, twilioCode: number, message: string) => ({
    error: new TwilioError(status, twilioCode, message, retryAfter),
    problemCode: code,
  });
  if (code === 'invalid_request' || code === 'invalid_phone_number' || code === 'channel_not_available') {
    const field = problem.errors?.[0]?.field ?? (code === 'invalid_phone_number' ? 'to' : 'channel');
    return twilio(
      400,
      TWILIO_CODES.invalidParameter,
      `Invalid parameter: ${PARAMETER_OF_FIELD[field] ?? field}`,
    );
  }
  if (code === 'unknown_template')
    return twilio(400, TWILIO_CODES.invalidParameter, 'Invalid parameter: Locale');
  if (code === 'country_not_allowed') {
    return twilio(403, TWILIO_CODES.geoPermissions, 'Verification delivery attempt blocked');
  }
  if (code === 'prefix_blocked')
    return twilio(403, TWILIO_CODES.fraudGuard, 'Verification delivery attempt blocked');
  if (code === 'unauthorized') return twilio(401, TWILIO_CODES.authenticate, 'Authenticate');
  if (code === 'verification_not_found' || code === 'verification_not_pending' || problem.status === 404) {
    return twilio(404, TWILIO_CODES.notFound, `The requested resource ${path} was not found`);
  }
  if (code === 'max_sends_reached')
    return twilio(429, TWILIO_CODES.maxSendAttempts, 'Max send attempts reached');
  if (RATE_LIMITED.has(code)) return twilio(429, TWILIO_CODES.tooManyRequests, 'Too Many Requests');
  if (problem.status === 503) return twilio(503, TWILIO_CODES.serviceUnavailable, 'Service unavailable');
  if (problem.status >= 400 && problem.status < 500) {
    return twilio(problem.status, TWILIO_CODES.invalidParameter, problem.detail);
  }
  return twilio(500, TWILIO_CODES.internalError, 'Internal Server Error');
}

/** Every error of a /v2 route, in Twilio's shape. Counted in `otp_problems_total` by our problem code, as /v1's are. */
@Catch()
export class TwilioErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('TwilioError');

  constructor(@Optional() private readonly metrics?: Metrics) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const path = request.url.split('?')[0].replace(/^\/v2/, '');
    const { error, problemCode } = toTwilioError(exception, path);
    this.metrics?.problem(error.status, problemCode);
    if (error.status >= 500 && problemCode === 'internal_error') {
      const err =
        exception instanceof Error ? { name: exception.name, stack: exception.stack } : String(exception);
      this.logger.error({ err }, 'unhandled error');
    }
    if (error.retryAfterSeconds !== undefined)
      void reply.header('Retry-After', String(error.retryAfterSeconds));
    if (error.status === 401) void reply.header('WWW-Authenticate', 'Basic realm="Twilio API"');
    const body: TwilioErrorBody = {
      code: error.code,
      message: error.message,
      more_info: `https://www.twilio.com/docs/errors/${error.code}`,
      status: error.status,
    };
    void reply.code(error.status).header('Content-Type', 'application/json; charset=utf-8').send(body);
  }
}
