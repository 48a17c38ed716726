import {
  CallHandler,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import { OutcomeUnknown, Unauthorized } from '../common/domain-error';
import { IdempotentAnswer } from '../core/idempotent-answer';
import { parsePhoneNumber } from '../core/phone-number';
import { VerificationKeys } from '../issuance/verification-keys';
import { HeldKey, Idempotency, parseIdempotencyKey } from '../rate-limiting/idempotency';

type IdempotentRequest = FastifyRequest & { clientId?: string; heldIdempotencyKey?: HeldKey };

/**
 * `Idempotency-Key` on a POST: the first answer is given again, with `Idempotent-Replayed: true`, instead of running
 * the handler twice (see Idempotency). Runs after the API-key guard, so keys are scoped per API client, and before
 * body validation, so the fingerprint is of the body as sent. The held key is handed to the handler
 * (`@HeldIdempotencyKey()`), whose use case records its answer in the same Lua step as its write; the answer stored
 * here afterwards is then a no-op. After an error the key is released, behind the unanswered write of an unknown
 * outcome (Idempotency.releaseEventually): a retry gets that write's answer if it landed, and runs afresh if not.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: Idempotency,
    private readonly keys: VerificationKeys,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<IdempotentRequest>();
    const reply = http.getResponse<FastifyReply>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) return next.handle();
    const key = parseIdempotencyKey(header);
    if (!request.clientId) throw new Unauthorized();
    const { tag, number } = this.scopeOf(request);
    return from(this.idempotency.begin(request.clientId, key, request.body, tag, number)).pipe(
      mergeMap((begun) => {
        if (begun.kind === 'replay') {
          void reply.status(begun.status);
          void reply.header('Idempotent-Replayed', 'true');
          return of(begun.body);
        }
        request.heldIdempotencyKey = this.idempotency.held(begun);
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.idempotency.complete(begun, { status: reply.statusCode, body });
            return body;
          }),
          catchError((error: unknown) =>
            // An unknown outcome answers at once; any other error frees the key first, so a retry runs afresh.
            from(this.idempotency.releaseEventually(begun, !(error instanceof OutcomeUnknown))).pipe(
              mergeMap(() => throwError(() => error)),
            ),
          ),
        );
      }),
    );
  }

  /**
   * The hash tag of the verification's keys, so the key shares their slot and the use case's Lua step can record the
   * answer beside its write on Redis Cluster: the tag of the verification named in the path, or (start, check by
   * number) of the body's number; then `number`, its keyed digest, lets Idempotency refuse the key reused with
   * another number, which would be another Redis key. A body without a valid number fails validation before any
   * script runs; its key is then untagged.
   */
  private scopeOf(request: FastifyRequest): { tag?: string; number?: string } {
    const id = (request.params as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string') return { tag: this.keys.tagOfId(id) ?? undefined };
    const to = (request.body as { to?: unknown } | undefined)?.to;
    if (typeof to !== 'string') return {};
    try {
      const { e164 } = parsePhoneNumber(to);
      return { tag: this.keys.tagOf(e164), number: this.keys.numberDigest(e164) };
    } catch {
      return {};
    }
  }
}

/**
 * The request's held Idempotency-Key as a use case takes it: `body` turns the use case's result into the answer's
 * body, `status` is the answer's status. Undefined without the header.
 */
export const HeldIdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): HeldKey | undefined =>
    context.switchToHttp().getRequest<IdempotentRequest>().heldIdempotencyKey,
);

export function idempotentAnswer<R>(
  held: HeldKey | undefined,
  status: number,
  body: (result: R) => unknown,
): IdempotentAnswer<R> | undefined {
  return (
    held && {
      key: held.key,
      held: held.held,
      ttlMs: held.ttlMs,
      entry: (result) => held.entry(status, body(result)),
    }
  );
}
