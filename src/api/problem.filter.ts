import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  Optional,
} from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { DomainError } from '../common/domain-error';
import { Metrics } from '../metrics/metrics';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { field: string; message: string }[];
}

const TYPE_BASE = 'urn:notify-otp:problem:';

const HTTP_CODES: Record<number, string> = {
  400: 'invalid_request',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
};

/** Is this a failure of the Redis connection (down, timed out, not ready) rather than a bug? */
function isStoreOutage(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'MaxRetriesPerRequestError' ||
    /Connection is closed|enableOfflineQueue|Command timed out|ECONNREFUSED|ECONNRESET|Stream isn't writeable/.test(
      error.message,
    ) ||
    // Redis Cluster: redirections beyond ioredis's budget, a slot or the cluster down, a failover under way.
    /^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN|READONLY) |Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes/.test(
      error.message,
    ) ||
    // A MULTI (rate-limiter-flexible reads with one) whose commands failed for one of these reasons.
    (/^EXECABORT /.test(error.message) &&
      ((error as { previousErrors?: unknown[] }).previousErrors ?? []).some(isStoreOutage))
  );
}

/** Maps anything thrown to an RFC 9457 problem. */
export function toProblem(error: unknown): { problem: Problem; retryAfter?: number } {
  if (error instanceof DomainError) {
    const problem: Problem = {
      type: TYPE_BASE + error.code,
      title: error.title,
      status: error.status,
      detail: error.detail,
      code: error.code,
    };
    if (error.errors) problem.errors = error.errors;
    return { problem, retryAfter: error.retryAfterSeconds };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HTTP_CODES[status] ?? (status >= 500 ? 'internal_error' : 'http_error');
    return { problem: { type: TYPE_BASE + code, title: error.message, status, detail: error.message, code } };
  }
  const fastify = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    const code = HTTP_CODES[fastify.statusCode] ?? 'invalid_request';
    const detail =
      fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(fastify.message ?? '')
        ? 'The request body is not valid JSON.'
        : (fastify.message ?? 'Bad request');
    return {
      problem: { type: TYPE_BASE + code, title: 'Bad request', status: fastify.statusCode, detail, code },
    };
  }
  if (isStoreOutage(error)) {
    return {
      problem: {
        type: TYPE_BASE + 'store_unavailable',
        title: 'Service unavailable',
        status: 503,
        detail: 'The verification store is unreachable; try again shortly.',
        code: 'store_unavailable',
      },
      retryAfter: 1,
    };
  }
  return {
    problem: {
      type: TYPE_BASE + 'internal_error',
      title: 'Internal error',
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      detail: 'Something went wrong on our side.',
      code: 'internal_error',
    },
  };
}

/** The part of a Fastify reply we use; both Nest's and Fastify's own reply types fit it. */
interface ProblemReply {
  header(name: string, value: string): unknown;
  code(status: number): unknown;
  send(payload: unknown): unknown;
}

export function sendProblem(reply: ProblemReply, error: unknown, logger: Logger, metrics?: Metrics): void {
  const { problem, retryAfter } = toProblem(error);
  metrics?.problem(problem.status, problem.code);
  if (problem.status >= 500 && problem.code === 'internal_error') {
    logger.error(
      { err: error instanceof Error ? { name: error.name, stack: error.stack } : String(error) },
      'unhandled error',
    );
  }
  if (retryAfter !== undefined) reply.header('Retry-After', String(retryAfter));
  reply.code(problem.status);
  reply.header('Content-Type', 'application/problem+json');
  reply.send(problem);
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  constructor(@Optional() private readonly metrics?: Metrics) {}

  catch(error: unknown, host: ArgumentsHost): void {
    sendProblem(host.switchToHttp().getResponse<FastifyReply>(), error, this.logger, this.metrics);
  }
}
