import { DeliveryEventRecord, NotifyEmulator, UnknownMessageError } from '@app/notify-emulator';
import { InvalidRequest, SandboxMessageNotFound } from '../common/domain-error';
import { DeliveryStatus } from '../core/verification';
import { parseDeliveryEvent } from '../delivery-events/delivery-status';
import { RecordDeliveryEvent, RecordDeliveryResult } from '../delivery-events/record-delivery-event';

export interface SimulatedEvent {
  eventType: string;
  deliveryStatus: DeliveryStatus;
  /** `unknown`: no verification holds this message any more. */
  result: RecordDeliveryResult;
}

/**
 * Sandbox only: plays what Notify would report for a message the in-process emulator delivered, so that delivery
 * statuses, the automatic voice fallback and `delivery_failed` webhooks can be tried without AWS. The records are
 * the emulator's, and they take the same path as events from the SNS and EventBridge endpoints once those have
 * authenticated them.
 */
export class SimulateDeliveryEvents {
  constructor(
    private readonly emulator: NotifyEmulator,
    private readonly record: RecordDeliveryEvent,
  ) {}

  async execute(messageId: string, eventTypes: string[]): Promise<SimulatedEvent[]> {
    const results: SimulatedEvent[] = [];
    for (const record of this.recordsFor(messageId, eventTypes)) {
      const parsed = parseDeliveryEvent(record);
      if (parsed.kind !== 'event') {
        throw new Error(`The emulator built an event this service does not read: ${record.eventType}`);
      }
      results.push({
        eventType: record.eventType,
        deliveryStatus: parsed.event.status,
        result: await this.record.execute(parsed.event),
      });
    }
    return results;
  }

  private recordsFor(messageId: string, eventTypes: string[]): DeliveryEventRecord[] {
    try {
      return this.emulator.deliveryRecords(messageId, eventTypes);
    } catch (error) {
      if (error instanceof UnknownMessageError) throw new SandboxMessageNotFound();
      // The DTO admits only known event types, so what is left is one that does not fit the message's channel.
      if (error instanceof TypeError) {
        throw new InvalidRequest(error.message, [{ field: 'eventTypes', message: error.message }]);
      }
      throw error;
    }
  }
}
