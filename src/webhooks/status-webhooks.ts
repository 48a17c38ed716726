import { createHash } from 'node:crypto';
import { Clock } from '../common/clock';
import { WebhookEndpoint } from '../config/settings';
import { SendAttempt, VerificationRecord } from '../core/verification';
import { Outbox } from '../outbox/outbox';

export type WebhookEventType =
  | 'verification.approved'
  | 'verification.failed'
  | 'verification.expired'
  | 'verification.canceled'
  | 'verification.delivery_failed';

export const WEBHOOK_JOB = 'webhook.deliver';

/** An outbox job: the body is fixed at enqueue time, so every retry sends the same bytes under the same id. */
export interface WebhookJob {
  clientId: string;
  /** `webhook-id`: the same for every attempt, so a receiver can drop repeats. */
  webhookId: string;
  body: string;
}

/** The webhook body's `data`: what a backend needs to act, never a code or a hash. */
export interface VerificationWebhookData {
  id: string;
  status: string;
  to: string;
  purpose: string;
  channel: string;
  context?: Record<string, string>;
  createdAt: string;
  sendAttempt?: {
    channel: string;
    messageId: string;
    deliveryStatus: string;
    eventType: string;
    deliveryUpdatedAt: string;
    deliveryDescription: string | null;
  };
  /** delivery_failed only: whether the service placed the automatic call. */
  voiceFallback?: boolean;
}

/**
 * Status webhooks to the API client's backend, queued in the outbox. Each event of a verification is queued once
 * (a dedup key per verification and event type; per message for delivery failures), whichever instance and code
 * path notices it first, and delivered at least once by the webhook job.
 */
export class StatusWebhooks {
  private readonly endpoints: Map<string, WebhookEndpoint>;

  constructor(
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    endpoints: WebhookEndpoint[],
  ) {
    this.endpoints = new Map(endpoints.map((e) => [e.clientId, e]));
  }

  endpointFor(clientId: string): WebhookEndpoint | undefined {
    return this.endpoints.get(clientId);
  }

  wants(clientId: string): boolean {
    return this.endpoints.has(clientId);
  }

  /** A verification's terminal status, or a failed delivery (`sendAttempt`). */
  async announce(
    type: WebhookEventType,
    record: VerificationRecord,
    status: string,
    extra: { sendAttempt?: SendAttempt; voiceFallback?: boolean } = {},
  ): Promise<void> {
    if (!this.wants(record.clientId)) return;
    const dedupKey =
      type === 'verification.delivery_failed'
        ? `webhook:${record.id}:${type}:${extra.sendAttempt?.messageId ?? ''}`
        : `webhook:${record.id}:${type}`;
    const data: VerificationWebhookData = {
      id: record.id,
      status,
      to: record.to,
      purpose: record.purpose,
      channel: record.channel,
      ...(record.context && { context: record.context }),
      createdAt: new Date(record.createdAt).toISOString(),
    };
    const delivery = extra.sendAttempt?.delivery;
    if (extra.sendAttempt && delivery) {
      data.sendAttempt = {
        channel: extra.sendAttempt.channel,
        messageId: extra.sendAttempt.messageId,
        deliveryStatus: delivery.status,
        eventType: delivery.eventType,
        deliveryUpdatedAt: delivery.at,
        deliveryDescription: delivery.description ?? null,
      };
      data.voiceFallback = extra.voiceFallback ?? false;
    }
    const job: WebhookJob = {
      clientId: record.clientId,
      webhookId: `msg_${createHash('sha256').update(dedupKey).digest('hex').slice(0, 32)}`,
      body: JSON.stringify({ type, timestamp: new Date(this.clock.now()).toISOString(), data }),
    };
    await this.outbox.enqueue({ type: WEBHOOK_JOB, payload: job, dedupKey });
  }
}
