import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { VerificationNotFound } from '../common/domain-error';
import { CodeHasher } from '../issuance/code-hasher';
import { effectiveStatus, VerificationRecord, VerificationStatus } from '../core/verification';
import { CheckResult, DomainEvents } from '../core/domain-events';
import { RecordedAnswer, VerificationStore } from '../issuance/verification-store';
import { ANSWER_REMAINING, ANSWER_STATUS, IdempotentAnswer } from '../core/idempotent-answer';

export interface CheckCodeCommand {
  clientId: string;
  id: string;
  code: string;
  /** The request's Idempotency-Key: the approval or rejection records its answer in the same Lua step. */
  answer?: IdempotentAnswer<CheckCodeResult>;
}

/** The entries a check records under its Idempotency-Key, by outcome. */
export interface CheckAnswers {
  approved(attemptsRemaining: number): RecordedAnswer;
  /** With ANSWER_STATUS and ANSWER_REMAINING where the reject script fills them in. */
  rejected(): RecordedAnswer;
}

/** The answers of a check by id, as the API gives them. */
export function checkAnswers(id: string, answer: IdempotentAnswer<CheckCodeResult>): CheckAnswers {
  const recorded = (result: CheckCodeResult): RecordedAnswer => ({
    key: answer.key,
    held: answer.held,
    ttlMs: answer.ttlMs,
    entry: answer.entry(result),
  });
  return {
    approved: (attemptsRemaining) => recorded({ id, valid: true, status: 'approved', attemptsRemaining }),
    rejected: () =>
      recorded({
        id,
        valid: false,
        status: ANSWER_STATUS as VerificationStatus,
        attemptsRemaining: ANSWER_REMAINING as unknown as number,
      }),
  };
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
 * status, never an error. An approval is published: Notify feedback and the SMS-pumping guard follow it.
 */
@Injectable()
export class CheckCode {
  constructor(
    private readonly store: VerificationStore,
    private readonly hasher: CodeHasher,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  async execute(command: CheckCodeCommand): Promise<CheckCodeResult> {
    const record = await this.store.get(command.id);
    if (!record || record.clientId !== command.clientId) {
      await this.events.publish({ type: 'verification.checked', result: 'not_found' });
      throw new VerificationNotFound();
    }
    return this.checkRecord(record, command.code, command.answer && checkAnswers(record.id, command.answer));
  }

  /**
   * The shared core, also used by the check by number. `evaluated` says whether a hash was compared, `matched`
   * whether the code was right (it may still have lost the race to another check, a resend or the clock).
   */
  async checkRecord(
    record: VerificationRecord,
    code: string,
    answers?: CheckAnswers,
  ): Promise<CheckCodeResult & { evaluated: boolean; matched: boolean }> {
    const { outcome, ...result } = await this.evaluate(record, code, answers);
    await this.events.publish({ type: 'verification.checked', result: outcome, verification: record });
    if (outcome === 'failed')
      await this.events.publish({ type: 'verification.failed', verification: record });
    return result;
  }

  private async evaluate(
    record: VerificationRecord,
    code: string,
    answers?: CheckAnswers,
  ): Promise<CheckCodeResult & { evaluated: boolean; matched: boolean; outcome: CheckResult }> {
    const reservation = await this.store.reserveAttempt(record, this.clock.now());
    const base = { id: record.id, valid: false, evaluated: false, matched: false };
    switch (reservation.kind) {
      case 'not_found':
        await this.events.publish({ type: 'verification.checked', result: 'not_found' });
        throw new VerificationNotFound();
      case 'finished':
        return {
          ...base,
          status: reservation.status,
          attemptsRemaining: remaining(record),
          outcome: reservation.status === 'expired' ? 'expired' : 'not_pending',
        };
      case 'exhausted':
        return {
          ...base,
          status: effectiveStatus(record, this.clock.now()),
          attemptsRemaining: 0,
          outcome: 'exhausted',
        };
      case 'locked':
        return {
          ...base,
          status: 'pending',
          attemptsRemaining: reservation.attemptsRemaining,
          outcome: 'locked',
        };
    }

    if (await this.hasher.verify(reservation.hash, code)) {
      const approval = await this.store.approve(
        record,
        reservation.codeVersion,
        this.clock.now(),
        answers?.approved(reservation.attemptsRemaining),
      );
      if (approval.kind === 'approved') {
        await this.events.publish({
          type: 'verification.approved',
          verification: record,
          messageId: approval.messageId,
        });
        return {
          id: record.id,
          valid: true,
          status: 'approved',
          attemptsRemaining: reservation.attemptsRemaining,
          evaluated: true,
          matched: true,
          outcome: 'approved',
        };
      }
      // The code was right but lost: the caller is told the verification's real status (approved, if another check
      // with the same code won), read after the approval was refused.
      const current = await this.store.get(record.id);
      const status = current ? effectiveStatus(current, this.clock.now()) : 'expired';
      return {
        id: record.id,
        valid: false,
        status,
        attemptsRemaining: reservation.attemptsRemaining,
        evaluated: true,
        matched: true,
        // The code was right but lost the race to a resend, a cancel or the clock.
        outcome: status === 'expired' ? 'expired' : status === 'pending' ? 'rejected' : 'not_pending',
      };
    }
    const rejection = await this.store.reject(record, this.clock.now(), answers?.rejected());
    return {
      id: record.id,
      valid: false,
      status: rejection.status,
      attemptsRemaining: rejection.attemptsRemaining,
      evaluated: true,
      matched: false,
      // A wrong code that raced the one which failed the verification is a plain rejection: `failed` is told once.
      outcome: rejection.ended ? 'failed' : rejection.status === 'expired' ? 'expired' : 'rejected',
    };
  }
}

function remaining(record: VerificationRecord): number {
  return Math.max(0, record.maxAttempts - record.attempts);
}
