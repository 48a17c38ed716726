import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { catchError, Observable, throwError } from 'rxjs';
import { DomainError } from '../common/domain-error';
import { Settings } from '../config/settings';

/** The refusals that POST /sandbox/reset lifts. */
const RESETTABLE = new Set([
  'rate_limited_destination',
  'destination_daily_limit',
  'rate_limited_api_key',
  'rate_limited_prefix',
  'prefix_blocked',
]);

export const SANDBOX_RESET_HINT = 'In the sandbox, POST /sandbox/reset clears your limits and inbox.';

/** The same problem (code, Retry-After), its detail saying how to get past it in the sandbox. */
class WithResetHint extends DomainError {
  readonly code: string;
  override readonly retryable: boolean;

  constructor(inner: DomainError) {
    super(`${inner.detail} ${SANDBOX_RESET_HINT}`, {
      retryAfterSeconds: inner.retryAfterSeconds,
      errors: inner.errors,
    });
    this.code = inner.code;
    this.retryable = inner.retryable;
    this.name = inner.name;
  }
}

/** In sandbox mode, a limit a developer ran into says how to clear it. */
@Injectable()
export class SandboxLimitHint implements NestInterceptor {
  private readonly sandbox: boolean;

  constructor(settings: Settings) {
    this.sandbox = settings.notify.mode === 'sandbox';
  }

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.sandbox) return next.handle();
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          throwError(() =>
            error instanceof DomainError && RESETTABLE.has(error.code) ? new WithResetHint(error) : error,
          ),
        ),
      );
  }
}
