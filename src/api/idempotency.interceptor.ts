import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import { Unauthorized } from '../common/domain-error';
import { Idempotency, parseIdempotencyKey } from '../rate-limiting/idempotency';

/**
 * `Idempotency-Key` on a POST: the first answer is given again, with `Idempotent-Replayed: true`, instead of running
 * the handler twice (see Idempotency). Runs after the API-key guard, so keys are scoped per API client, and before
 * body validation, so the fingerprint is of the body as sent.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: Idempotency) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { clientId?: string }>();
    const reply = http.getResponse<FastifyReply>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    const key = parseIdempotencyKey(header);
    if (!request.clientId) throw new Unauthorized();
    return from(this.idempotency.begin(request.clientId, key, request.body)).pipe(
      mergeMap((begun) => {
        if (begun.kind === 'replay') {
          void reply.status(begun.status);
          void reply.header('Idempotent-Replayed', 'true');
          return of(begun.body);
        }
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.idempotency.complete(begun, { status: reply.statusCode, body });
            return body;
          }),
          catchError((error: unknown) =>
            from(this.idempotency.release(begun).catch(() => undefined)).pipe(
              mergeMap(() => throwError(() => error)),
            ),
          ),
        );
      }),
    );
  }
}
