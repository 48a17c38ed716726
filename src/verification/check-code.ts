import { Clock } from '../common/clock';
import { VerificationNotFound } from '../common/domain-error';
import { CodeHasher } from '../issuance/code-hasher';
import { effectiveStatus, VerificationRecord, VerificationStatus } from '../issuance/verification';
import { VerificationStore } from '../issuance/verification-store';
import { FeedbackReporter } from './feedback-reporter';

export interface CheckCodeCommand {
  clientId: string;
  id: string;
  code: string;
}

export interface CheckCodeResult {
  id: string;
  valid: boolean;
  status: VerificationStatus;
  attemptsRemaining: number;
}

/**
 * Checks a code atomically: an attempt is reserved (one Lua step) before any hashing, the approval succeeds exactly
 * once, and a wrong code counts against the verification and its number. A finished verification answers with its
 * status, never an error.
 */
export class CheckCode {
  constructor(
    private readonly store: VerificationStore,
    private readonly hasher: CodeHasher,
    private readonly feedback: FeedbackReporter,
    private readonly clock: Clock,
  ) {}

  async execute(command: CheckCodeCommand): Promise<CheckCodeResult> {
    const record = await this.store.get(command.id);
    if (!record || record.clientId !== command.clientId) throw new VerificationNotFound();
    return this.checkRecord(record, command.code);
  }

  /** The shared core, also used by the check by number. `evaluated` says whether a hash was compared. */
  async checkRecord(
    record: VerificationRecord,
    code: string,
  ): Promise<CheckCodeResult & { evaluated: boolean }> {
    const reservation = await this.store.reserveAttempt(record, this.clock.now());
    const base = { id: record.id, valid: false, evaluated: false };
    switch (reservation.kind) {
      case 'not_found':
        throw new VerificationNotFound();
      case 'finished':
        return { ...base, status: reservation.status, attemptsRemaining: remaining(record) };
      case 'exhausted':
        return { ...base, status: effectiveStatus(record, this.clock.now()), attemptsRemaining: 0 };
      case 'locked':
        return { ...base, status: 'pending', attemptsRemaining: reservation.attemptsRemaining };
    }

    if (await this.hasher.verify(reservation.hash, code)) {
      const approval = await this.store.approve(record, reservation.codeVersion, this.clock.now());
      if (approval.kind === 'approved') {
        this.feedback.received(approval.messageId);
        return {
          id: record.id,
          valid: true,
          status: 'approved',
          attemptsRemaining: reservation.attemptsRemaining,
          evaluated: true,
        };
      }
      const current = await this.store.get(record.id);
      const status = current ? effectiveStatus(current, this.clock.now()) : 'expired';
      return {
        id: record.id,
        valid: false,
        status,
        attemptsRemaining: reservation.attemptsRemaining,
        evaluated: true,
      };
    }
    const rejection = await this.store.reject(record, this.clock.now());
    return {
      id: record.id,
      valid: false,
      status: rejection.status,
      attemptsRemaining: rejection.attemptsRemaining,
      evaluated: true,
    };
  }
}

function remaining(record: VerificationRecord): number {
  return Math.max(0, record.maxAttempts - record.attempts);
}
