import { Logger } from '@nestjs/common';
import {
  ApproveOutcome,
  CancelOutcome,
  ClaimOutcome,
  CommitOutcome,
  CreateOutcome,
  DeliveryOutcome,
  NewCode,
  RejectOutcome,
  ReserveOutcome,
  ResendOptions,
  VerificationRef,
  VerificationStore,
} from '../issuance/verification-store';
import { DeliveryReport, VerificationRecord } from '../issuance/verification';
import { StatusWebhooks, WebhookEventType } from './status-webhooks';

/**
 * The verification store, telling status webhooks about every state change it makes: approved, failed, canceled
 * (also when a new verification replaces a pending one). The webhook is queued after the change and before the
 * caller gets its answer; should that fail, the expiry watch (issuance/expiry-watch.ts), which also announces
 * expiries, announces the final status later (the dedup key keeps it to one event).
 */
export class AnnouncingVerificationStore extends VerificationStore {
  private readonly logger = new Logger('StatusWebhooks');

  constructor(
    private readonly inner: VerificationStore,
    private readonly webhooks: StatusWebhooks,
  ) {
    super();
  }

  async create(record: VerificationRecord, codeHash: string, now: number): Promise<CreateOutcome> {
    const outcome = await this.inner.create(record, codeHash, now);
    if (outcome.replacedId) await this.announce(outcome.replacedId, 'verification.canceled', 'canceled');
    return outcome;
  }

  get(id: string): Promise<VerificationRecord | null> {
    return this.inner.get(id);
  }

  latestPendingId(clientId: string, purpose: string, to: string): Promise<string | null> {
    return this.inner.latestPendingId(clientId, purpose, to);
  }

  reserveAttempt(ref: VerificationRef, now: number): Promise<ReserveOutcome> {
    return this.inner.reserveAttempt(ref, now);
  }

  async approve(ref: VerificationRef, codeVersion: number, now: number): Promise<ApproveOutcome> {
    const outcome = await this.inner.approve(ref, codeVersion, now);
    if (outcome.kind === 'approved') await this.announce(ref.id, 'verification.approved', 'approved');
    return outcome;
  }

  async reject(ref: VerificationRef, now: number): Promise<RejectOutcome> {
    const outcome = await this.inner.reject(ref, now);
    if (outcome.ended) await this.announce(ref.id, 'verification.failed', 'failed');
    return outcome;
  }

  claimResend(ref: VerificationRef, now: number, options?: ResendOptions): Promise<ClaimOutcome> {
    return this.inner.claimResend(ref, now, options);
  }

  releaseResend(
    ref: VerificationRef,
    claim: { claimedAt: number; previousSendAt: number },
    options?: ResendOptions,
  ): Promise<void> {
    return this.inner.releaseResend(ref, claim, options);
  }

  commitResend(ref: VerificationRef, code: NewCode, now: number): Promise<CommitOutcome> {
    return this.inner.commitResend(ref, code, now);
  }

  async cancel(ref: VerificationRef, now: number): Promise<CancelOutcome> {
    const outcome = await this.inner.cancel(ref, now);
    if (outcome.kind === 'canceled') await this.announce(ref.id, 'verification.canceled', 'canceled');
    return outcome;
  }

  failedChecks(to: string): Promise<number> {
    return this.inner.failedChecks(to);
  }

  forgetFailedChecks(to: string): Promise<void> {
    return this.inner.forgetFailedChecks(to);
  }

  recordDelivery(id: string, messageId: string, report: DeliveryReport): Promise<DeliveryOutcome> {
    return this.inner.recordDelivery(id, messageId, report);
  }

  verificationIdFor(messageId: string): Promise<string | null> {
    return this.inner.verificationIdFor(messageId);
  }

  private async announce(id: string, type: WebhookEventType, status: string): Promise<void> {
    await this.quietly(async () => {
      const record = await this.inner.get(id);
      if (record) await this.webhooks.announce(type, record, status);
    });
  }

  /** The state change stands whatever happens to its webhook; the expiry watch is the safety net. */
  private async quietly(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'Could not queue a status webhook');
    }
  }
}
