import { Injectable } from '@nestjs/common';
import { DomainEvents } from '../core/domain-events';
import { CodeHasher } from '../issuance/code-hasher';
import { VerificationStore } from '../issuance/verification-store';
import { parsePhoneNumber } from '../core/phone-number';
import { CheckCode } from './check-code';

export interface CheckCodeForNumberCommand {
  clientId: string;
  to: string;
  code: string;
  purpose: string;
}

export type CheckCodeForNumberResult =
  { valid: true; status: 'approved'; id: string } | { valid: false; status: 'pending' };

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
      const result = await this.checkRecord(record, command.code);
      if (result) return result;
    } else {
      await this.events.publish({ type: 'verification.checked', result: 'not_found' });
      await this.hasher.verifyNothing(command.code);
    }
    return { valid: false, status: 'pending' };
  }

  private async checkRecord(
    record: NonNullable<Awaited<ReturnType<VerificationStore['get']>>>,
    code: string,
  ): Promise<CheckCodeForNumberResult | null> {
    const result = await this.checkCode.checkRecord(record, code);
    if (!result.evaluated) await this.hasher.verifyNothing(code);
    return result.valid ? { valid: true, status: 'approved', id: record.id } : null;
  }
}
