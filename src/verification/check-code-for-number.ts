import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../core/domain-events';
import { CodeHasher } from '../issuance/code-hasher';
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
 * and in time (a dummy hash runs when nothing was compared), so the answer never tells whether the number has a
 * verification.
 */
@Injectable()
export class CheckCodeForNumber {
  constructor(
    private readonly store: VerificationStore,
    private readonly hasher: CodeHasher,
    private readonly checkCode: CheckCode,
    private readonly events: DomainEvents,
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
      await this.hasher.verifyNothing(command.code);
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
}
