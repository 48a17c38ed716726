import { Injectable } from '@nestjs/common';
import { VerificationNotFound } from '../common/domain-error';
import { VerificationRecord } from '../core/verification';
import { VerificationStore } from '../issuance/verification-store';

/** Another client's verification is as unknown as one that never existed. */
@Injectable()
export class GetVerification {
  constructor(private readonly store: VerificationStore) {}

  async execute(query: { clientId: string; id: string }): Promise<VerificationRecord> {
    const record = await this.store.get(query.id);
    if (!record || record.clientId !== query.clientId) throw new VerificationNotFound();
    return record;
  }
}
