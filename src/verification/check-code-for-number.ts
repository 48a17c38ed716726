import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../core/domain-events';
import { Clock } from '../common/clock';
import { CodeHasher } from '../issuance/code-hasher';
import { VerificationKeys } from '../issuance/verification-keys';
import { RecordedAnswer, VerificationStore } from '../issuance/verification-store';
import { IdempotentAnswer } from '../core/idempotent-answer';
import { VerificationRecord, VerificationStatus } from '../core/verification';
import { parsePhoneNumber } from '../core/phone-number';
import { CheckCode } from './check-code';

export interface CheckCodeForNumberCommand {
  clientId: string;
  to: string;
  code: string;
  purpose: string;
  /** The request's Idempotency-Key: the approval or rejection records its answer in the same Lua step. */
  answer?: IdempotentAnswer<CheckCodeForNumberResult>;
}

/**
 * A right code that lost to another check (or a resend, a cancel, the clock) is told the verification's real status
 * and id: whoever knows the code learns nothing from it.
 */
export type CheckCodeForNumberResult =
  | { valid: true; status: 'approved'; id: string }
  | { valid: false; status: 'pending' }
  | { valid: false; status: VerificationStatus; id: string };

const REFUSED: CheckCodeForNumberResult = { valid: false, status: 'pending' };

/**
 * Checks a code against the caller's latest pending verification for a number. Every refusal looks the same, in body
 * and in time, so the answer never tells whether the number has a verification: without one, the check makes the
 * round trips of a wrong code with one (the index, the record, an attempt, the rejection) and compares a dummy hash,
 * on a verification id that does not exist. It writes nothing: the second script is a read-only reservation where a
 * wrong code would run the rejection.
 */
@Injectable()
export class CheckCodeForNumber {
  constructor(
    private readonly store: VerificationStore,
    private readonly hasher: CodeHasher,
    private readonly checkCode: CheckCode,
    private readonly events: DomainEvents,
    private readonly keys: VerificationKeys,
    private readonly clock: Clock,
  ) {}

  async execute(command: CheckCodeForNumberCommand): Promise<CheckCodeForNumberResult> {
    const { e164 } = parsePhoneNumber(command.to);
    const id = await this.store.latestPendingId(command.clientId, command.purpose, e164);
    const record = id ? await this.store.get(id) : null;
    if (record && record.clientId === command.clientId) {
      const result = await this.checkRecord(record, command.code, command.answer);
      if (result) return result;
    } else {
      await this.events.publish({ type: 'verification.checked', result: 'not_found' });
      await this.decoy({ clientId: command.clientId, purpose: command.purpose, to: e164 }, command.code);
    }
    return REFUSED;
  }

  private async checkRecord(
    record: VerificationRecord,
    code: string,
    answer?: IdempotentAnswer<CheckCodeForNumberResult>,
  ): Promise<CheckCodeForNumberResult | null> {
    const recorded = (held: IdempotentAnswer<CheckCodeForNumberResult>, result: CheckCodeForNumberResult) =>
      ({
        key: held.key,
        held: held.held,
        ttlMs: held.ttlMs,
        entry: held.entry(result),
      }) satisfies RecordedAnswer;
    const result = await this.checkCode.checkRecord(
      record,
      code,
      answer && {
        approved: () => recorded(answer, { valid: true, status: 'approved', id: record.id }),
        rejected: () => recorded(answer, REFUSED),
      },
    );
    if (!result.evaluated) await this.hasher.verifyNothing(code);
    if (result.valid) return { valid: true, status: 'approved', id: record.id };
    return result.matched ? { valid: false, status: result.status, id: record.id } : null;
  }

  /** The round trips and the hash work of a wrong code, on an id that names no verification, writing nothing. */
  private async decoy(ref: { clientId: string; purpose: string; to: string }, code: string): Promise<void> {
    const absent = { ...ref, id: this.keys.newId(ref.to) };
    await this.store.get(absent.id);
    await this.store.reserveAttempt(absent, this.clock.now());
    await this.hasher.verifyNothing(code);
    await this.store.reserveAttempt(absent, this.clock.now());
  }
}
