import { createHash, timingSafeEqual } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { InvalidRequest, NotifyEventRejected } from '../common/domain-error';
import { parseDeliveryEvent } from './delivery-status';
import { RecordDeliveryEvent } from './record-delivery-event';

/** The header an EventBridge connection (API key authorization) sends with every call. */
export const EVENTBRIDGE_SECRET_HEADER = 'x-notify-events-secret';

export type EventBridgeResult = 'recorded' | 'stale' | 'unknown' | 'ignored';

const DETAIL_TYPES = new Set([
  'Text Message Delivery Status Updated',
  'Voice Message Delivery Status Updated',
]);

/**
 * One call of an EventBridge API destination: the connection's secret header must match, and the body is the
 * `aws.sms-voice` envelope whose `detail` is a delivery event record. Redelivered events need no bookkeeping: the
 * store keeps only the newest report per message.
 */
export class HandleEventBridgeEvent {
  private readonly logger = new Logger('EventBridgeEvents');
  private readonly secretDigest?: Buffer;

  constructor(
    private readonly record: RecordDeliveryEvent,
    secret: string | undefined,
  ) {
    this.secretDigest = secret === undefined ? undefined : digest(secret);
  }

  async execute(secret: string | undefined, body: unknown): Promise<EventBridgeResult> {
    if (!this.secretDigest) throw new NotifyEventRejected('EventBridge events are not enabled here.');
    if (secret === undefined || !timingSafeEqual(digest(secret), this.secretDigest)) {
      throw new NotifyEventRejected('The EventBridge secret header is missing or wrong.');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidRequest('The body is not an EventBridge event.', [
        { field: 'body', message: 'must be an EventBridge event' },
      ]);
    }
    const envelope = body as Record<string, unknown>;
    if (envelope.source !== 'aws.sms-voice' || !DETAIL_TYPES.has(envelope['detail-type'] as string)) {
      this.logger.warn(
        { source: envelope.source, detailType: envelope['detail-type'] },
        'EventBridge event ignored',
      );
      return 'ignored';
    }
    const parsed = parseDeliveryEvent(envelope.detail);
    if (parsed.kind === 'invalid') {
      throw new InvalidRequest(`The event detail is invalid: ${parsed.reason}.`, [
        { field: 'detail', message: parsed.reason },
      ]);
    }
    if (parsed.kind === 'unknown_type') return 'ignored';
    return this.record.execute(parsed.event);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
