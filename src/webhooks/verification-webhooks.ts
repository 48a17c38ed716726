import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { EventOf, OnDomainEvent } from '../core/domain-events';
import { effectiveStatus } from '../core/verification';
import { JobResult } from '../outbox/outbox';
import { OutboxJob } from '../outbox/outbox-job';
import { StatusWebhooks, WEBHOOK_JOB } from './status-webhooks';
import { webhookHandler } from './webhook-sender';

/**
 * Status webhooks follow the domain events: approved, failed, canceled (also when a new verification replaces a
 * pending one), and, from the expiry watch, expired and any final status whose own webhook was lost (the dedup key
 * keeps each to one event). The webhook is queued before the caller gets its answer; should that fail, the change
 * stands and the expiry watch announces it later. The watch's and the delivery failure's announcements are critical:
 * their failure fails the job or the delivery event, which is then retried.
 */
@Injectable()
export class VerificationWebhooks {
  private readonly deliver: (payload: unknown) => Promise<JobResult>;

  constructor(
    private readonly webhooks: StatusWebhooks,
    private readonly clock: Clock,
  ) {
    this.deliver = webhookHandler(webhooks);
  }

  @OnDomainEvent('verification.approved')
  async approved({ verification }: EventOf<'verification.approved'>): Promise<void> {
    await this.webhooks.announce('verification.approved', verification, 'approved');
  }

  @OnDomainEvent('verification.failed')
  async failed({ verification }: EventOf<'verification.failed'>): Promise<void> {
    await this.webhooks.announce('verification.failed', verification, 'failed');
  }

  @OnDomainEvent('verification.canceled')
  async canceled({ verification }: EventOf<'verification.canceled'>): Promise<void> {
    await this.webhooks.announce('verification.canceled', verification, 'canceled');
  }

  @OnDomainEvent('verification.replaced')
  async replaced({ replaced }: EventOf<'verification.replaced'>): Promise<void> {
    if (replaced) await this.webhooks.announce('verification.canceled', replaced, 'canceled');
  }

  @OnDomainEvent('verification.settled', { critical: true })
  async settled({ verification, status }: EventOf<'verification.settled'>): Promise<void> {
    await this.webhooks.announce(`verification.${status}`, verification, status);
  }

  /** `verification.delivery_failed`, once per failed message, saying whether the automatic call was placed. */
  @OnDomainEvent('verification.delivery_failed', { critical: true })
  async deliveryFailed(event: EventOf<'verification.delivery_failed'>): Promise<void> {
    const { verification, messageId, voiceFallback } = event;
    const sendAttempt = verification.sends.find((send) => send.messageId === messageId);
    if (!sendAttempt) return;
    await this.webhooks.announce(
      'verification.delivery_failed',
      verification,
      effectiveStatus(verification, this.clock.now()),
      { sendAttempt, voiceFallback },
    );
  }

  @OutboxJob(WEBHOOK_JOB)
  send(payload: unknown): Promise<JobResult> {
    return this.deliver(payload);
  }
}
