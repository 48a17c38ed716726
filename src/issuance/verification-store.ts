import { Settings } from '../config/settings';
import { DeliveryReport, VerificationRecord, VerificationStatus } from '../core/verification';

export type CreateOutcome = { kind: 'created'; replacedId?: string };
export type ReserveOutcome =
  | { kind: 'reserved'; hash: string; codeVersion: number; messageId: string; attemptsRemaining: number }
  | { kind: 'not_found' }
  | { kind: 'finished'; status: VerificationStatus }
  | { kind: 'exhausted' }
  /** Too many failed checks for this number across its verifications: refused even with the right code. */
  | { kind: 'locked'; attemptsRemaining: number };
export type ApproveOutcome = { kind: 'approved'; messageId: string } | { kind: 'stale' };
/** `ended`: this wrong code was the one that failed the verification (only one rejection ever ends it). */
export type RejectOutcome = {
  kind: 'rejected';
  status: VerificationStatus;
  attemptsRemaining: number;
  ended: boolean;
};
export type ClaimOutcome =
  | { kind: 'claimed'; sendIndex: number; claimedAt: number; previousSendAt: number }
  | { kind: 'not_found' }
  | { kind: 'finished'; status: VerificationStatus }
  | { kind: 'cooldown'; retryAfterMs: number }
  | { kind: 'max_sends' }
  /** The automatic voice fallback was claimed before: it happens at most once per verification. */
  | { kind: 'fallback_used' };
export type CommitOutcome = { kind: 'committed' } | { kind: 'finished'; status: VerificationStatus };
/**
 * `recorded`: the report replaced the message's previous one (`latest`: the message carries the current code);
 * `stale`: a final report, or one at least as recent, is already there; `unknown`: no such verification or message.
 */
export type DeliveryOutcome =
  { kind: 'recorded'; sendIndex: number; latest: boolean } | { kind: 'stale' } | { kind: 'unknown' };
export type CancelOutcome =
  { kind: 'canceled' } | { kind: 'not_found' } | { kind: 'finished'; status: VerificationStatus };

/** An answer to record under the request's Idempotency-Key in the step that makes its outcome (IdempotentAnswer). */
export interface RecordedAnswer {
  key: string;
  held: string;
  ttlMs: number;
  entry: string;
}

/** What a script needs to name every key of a verification; the use case has read the record already. */
export type VerificationRef = Pick<VerificationRecord, 'id' | 'clientId' | 'purpose' | 'to'>;

export interface NewCode {
  hash: string;
  messageId: string;
  channel: VerificationRecord['sends'][number]['channel'];
  sentAt: number;
  expiresAt: number;
}

/**
 * The verification store: every state change is one atomic step, so concurrent checks, resends and cancels on one
 * verification never interleave. Lua scripts, on Redis or (without REDIS_URL) on the embedded
 * store, which runs the same scripts.
 */
export abstract class VerificationStore {
  /** Stores a verification whose first code was sent, replacing (canceling) the client's pending one for the same number and purpose. */
  /**
   * With `answer`, the start's answer is recorded in the same step; `previous` is the pending verification read
   * before the send (latestPendingId), so that after the send the store is called once.
   */
  abstract create(
    record: VerificationRecord,
    codeHash: string,
    now: number,
    answer?: RecordedAnswer,
    previous?: string | null,
  ): Promise<CreateOutcome>;
  abstract get(id: string): Promise<VerificationRecord | null>;
  abstract latestPendingId(clientId: string, purpose: string, to: string): Promise<string | null>;
  /** Takes one check attempt before any hashing; refuses when attempts or the number's failure budget are spent. */
  abstract reserveAttempt(ref: VerificationRef, now: number): Promise<ReserveOutcome>;
  /** Succeeds exactly once, and only for the code version that was reserved. */
  abstract approve(
    ref: VerificationRef,
    codeVersion: number,
    now: number,
    answer?: RecordedAnswer,
  ): Promise<ApproveOutcome>;
  /** Records a wrong code against the verification and against its number. */
  abstract reject(ref: VerificationRef, now: number, answer?: RecordedAnswer): Promise<RejectOutcome>;
  /**
   * Takes the right to send another code (cooldown and send budget), before the send. With `fallback` it is the
   * automatic voice fallback: no cooldown, but the send budget holds and it succeeds once per verification.
   */
  abstract claimResend(ref: VerificationRef, now: number, options?: ResendOptions): Promise<ClaimOutcome>;
  /** Gives a claim back after a send that failed, so a Notify error does not cost the user a send. */
  abstract releaseResend(
    ref: VerificationRef,
    claim: { claimedAt: number; previousSendAt: number },
    options?: ResendOptions,
  ): Promise<void>;
  /** Installs the new code, replacing the previous one. */
  abstract commitResend(
    ref: VerificationRef,
    code: NewCode,
    now: number,
    answer?: RecordedAnswer,
  ): Promise<CommitOutcome>;
  abstract cancel(ref: VerificationRef, now: number): Promise<CancelOutcome>;
  /** Failed checks a client's checks counted against a number in the current window. */
  abstract failedChecks(clientId: string, to: string): Promise<number>;
  /** Sandbox reset (POST /sandbox/reset): forgets the failed checks a client counted against a number. */
  abstract forgetFailedChecks(clientId: string, to: string): Promise<void>;
  /**
   * Keeps a delivery report on the send attempt of `messageId`. Events repeat and arrive out of order: a non-final
   * report never replaces a final one, and an older one never replaces a newer one of the same finality.
   */
  abstract recordDelivery(id: string, messageId: string, report: DeliveryReport): Promise<DeliveryOutcome>;
  /** The verification a message belongs to, for delivery events without Context; `to` when the event names it. */
  abstract verificationIdFor(messageId: string, to?: string): Promise<string | null>;
}

export interface ResendOptions {
  fallback?: boolean;
}

/** Limits the store enforces; a class token, provided from Settings. */
export abstract class StorePolicy {
  abstract readonly maxFailedChecksPerNumber: number;
  abstract readonly failedChecksWindowMs: number;
  abstract readonly retentionMs: number;
  abstract readonly resendCooldownMs: number;
  abstract readonly maxSends: number;

  static from({ otp }: Settings): StorePolicy {
    return {
      maxFailedChecksPerNumber: otp.maxFailedChecksPerNumber,
      failedChecksWindowMs: otp.failedChecksWindowSeconds * 1000,
      retentionMs: otp.retentionSeconds * 1000,
      resendCooldownMs: otp.resendCooldownSeconds * 1000,
      maxSends: otp.maxSends,
    };
  }
}
