import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { VerificationNotFound, VerificationNotPending } from '../common/domain-error';
import { VerificationRecord } from '../core/verification';
import { DomainEvents } from '../core/domain-events';
import { VerificationStore } from '../issuance/verification-store';

/** Cancels a pending verification; canceling a canceled one again is a no-op, any other finished state a conflict. */
@Injectable()
export class CancelVerification {
  constructor(
    private readonly store: VerificationStore,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  async execute(command: { clientId: string; id: string }): Promise<VerificationRecord> {
    const record = await this.store.get(command.id);
    if (!record || record.clientId !== command.clientId) throw new VerificationNotFound();
    const outcome = await this.store.cancel(record, this.clock.now());
    if (outcome.kind === 'not_found') throw new VerificationNotFound();
    if (outcome.kind === 'canceled') {
      await this.events.publish({ type: 'verification.canceled', verification: record });
    }
    if (outcome.kind === 'finished' && outcome.status !== 'canceled')
      throw new VerificationNotPending(outcome.status);
    const updated = await this.store.get(record.id);
    if (!updated) throw new VerificationNotFound();
    return updated;
  }
}
