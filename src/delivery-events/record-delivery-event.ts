import { Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainEvents } from '../core/domain-events';
import { DeliveryReport, effectiveStatus, VerificationRecord } from '../core/verification';
import { VerificationKeys } from '../issuance/verification-keys';
import { VerificationStore } from '../issuance/verification-store';
import { Outbox } from '../outbox/outbox';
import { DeliveryEvent, warrantsVoiceFallback } from './delivery-status';
import { VOICE_FALLBACK_JOB, VoiceFallbackJob } from './voice-fallback';

export type RecordDeliveryResult = 'recorded' | 'stale' | 'unknown';

/**
 * Keeps one delivery event on the send attempt it is about, found by the verification id in the message's Context
 * (or, without it, by the message id). Repeated and out-of-order events are harmless: the store keeps the newest
 * report and never lets a non-final one replace a final one. A newly recorded failure of the SMS carrying the
 * current code of a pending `auto` verification enqueues the automatic voice fallback, once; every newly recorded
 * failure is published (status webhooks send `delivery_failed`).
 */
export class RecordDeliveryEvent {
  private readonly logger = new Logger(RecordDeliveryEvent.name);

  constructor(
    private readonly store: VerificationStore,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly settings: { autoVoiceFallback: boolean },
    private readonly events: DomainEvents,
  ) {}

  async execute(event: DeliveryEvent): Promise<RecordDeliveryResult> {
    const id = await this.verificationIdOf(event);
    if (!id) return 'unknown';
    const report: DeliveryReport = {
      status: event.status,
      eventType: event.eventType,
      at: new Date(event.eventTimestamp).toISOString(),
      ...(event.description !== undefined && { description: event.description }),
      final: event.isFinal,
    };
    const outcome = await this.store.recordDelivery(id, event.messageId, report);
    if (outcome.kind !== 'recorded') return outcome.kind;
    if (event.status === 'failed' || event.status === 'blocked') {
      const record = await this.store.get(id);
      if (record) await this.afterFailure(record, event, outcome.sendIndex, outcome.latest);
    }
    return 'recorded';
  }

  private async verificationIdOf(event: DeliveryEvent): Promise<string | null> {
    const fromContext = event.context.verificationId;
    if (fromContext !== undefined && VerificationKeys.isId(fromContext)) return fromContext;
    return this.store.verificationIdFor(event.messageId, event.to);
  }

  private async afterFailure(
    record: VerificationRecord,
    event: DeliveryEvent,
    sendIndex: number,
    latest: boolean,
  ): Promise<void> {
    const fallback =
      this.settings.autoVoiceFallback &&
      latest &&
      record.channel === 'auto' &&
      record.sends[sendIndex]?.channel === 'sms' &&
      warrantsVoiceFallback(event.eventType) &&
      effectiveStatus(record, this.clock.now()) === 'pending' &&
      record.fallbackAt === undefined;
    if (fallback) {
      const job: VoiceFallbackJob = { verificationId: record.id, clientId: record.clientId };
      const queued = await this.outbox.enqueue({
        type: VOICE_FALLBACK_JOB,
        payload: job,
        dedupKey: `voice-fallback:${record.id}`,
      });
      this.logger.log(
        { verificationId: record.id, eventType: event.eventType, queued: queued.kind === 'enqueued' },
        'SMS undeliverable: automatic voice fallback',
      );
    }
    await this.events.publish({
      type: 'verification.delivery_failed',
      verification: record,
      messageId: event.messageId,
      voiceFallback: fallback,
    });
  }
}
