import { VerificationRecord } from './verification';

/**
 * How a check ended: `approved`; `rejected` (wrong code, still pending); `failed` (wrong code that used the last
 * attempt); `locked` (the number spent its failed-check budget); `exhausted` (every attempt already taken);
 * `expired`; `not_pending` (approved, failed or canceled before); `not_found`.
 */
export type CheckResult =
  'approved' | 'rejected' | 'failed' | 'locked' | 'exhausted' | 'expired' | 'not_pending' | 'not_found';

/**
 * What happened to verifications, told by the use cases as it happens and by the expiry watch (metrics listen). An
 * implementation must not keep or label anything by number, code or id, and must never throw.
 */
export abstract class VerificationEvents {
  /** The first code was sent and the verification stored; `replaced` when it canceled a pending one. */
  abstract started(verification: VerificationRecord, replaced: boolean): void;
  abstract checked(result: CheckResult, verification?: VerificationRecord): void;
  abstract canceled(verification: VerificationRecord): void;
  /** Its last code expired while it was pending: told once, by the watch of that deadline (see ExpiryWatch). */
  abstract expired(verification: VerificationRecord): void;
}

/** For use cases built without listeners (unit tests, tools). */
export class NoVerificationEvents extends VerificationEvents {
  started(): void {}
  checked(): void {}
  canceled(): void {}
  expired(): void {}
}
