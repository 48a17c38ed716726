import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, Optional } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { DomainError } from '../common/domain-error';
import { Metrics } from '../metrics/metrics';
import { HttpProblem, httpLayerCode, isProblemCode, Problem, problemBody } from './problem-table';

/** Maps anything thrown to an RFC 9457 problem; what each code means in HTTP is in the problem table. */
export function toProblem(error: unknown): { problem: Problem; retryAfter?: number } {
  if (error instanceof HttpProblem) return { problem: problemBody(error.code, error.detail) };
  if (error instanceof DomainError && isProblemCode(error.code)) {
    const problem = problemBody(error.code, error.detail, { errors: error.errors });
    return { problem, retryAfter: error.retryAfterSeconds };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = httpLayerCode(status) ?? (status >= 500 ? 'internal_error' : 'http_error');
    return { problem: problemBody(code, error.message, { status }) };
  }
  const fastify = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    const detail =
      fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/.test(fastify.message ?? '')
        ? 'The request body is not valid JSON.'
        : (fastify.message ?? 'Bad request');
    const code = httpLayerCode(fastify.statusCode) ?? 'invalid_request';
    return { problem: problemBody(code, detail, { status: fastify.statusCode }) };
  }
  return { problem: problemBody('internal_error', 'Something went wrong on our side.') };
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
