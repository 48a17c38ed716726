import { Clock } from '../common/clock';
import { DeliveryEvent } from '../delivery-events/delivery-status';
import { DeliveryFailureListener } from '../delivery-events/record-delivery-event';
import { effectiveStatus, VerificationRecord } from '../issuance/verification';
import { StatusWebhooks } from './status-webhooks';

/** `verification.delivery_failed`, once per failed message, saying whether the automatic call was placed. */
export class DeliveryFailureWebhooks extends DeliveryFailureListener {
  constructor(
    private readonly webhooks: StatusWebhooks,
    private readonly clock: Clock,
  ) {
    super();
  }

  async deliveryFailed(
    record: VerificationRecord,
    event: DeliveryEvent,
    voiceFallback: boolean,
  ): Promise<void> {
    const sendAttempt = record.sends.find((send) => send.messageId === event.messageId);
    if (!sendAttempt) return;
    await this.webhooks.announce(
      'verification.delivery_failed',
      record,
      effectiveStatus(record, this.clock.now()),
      { sendAttempt, voiceFallback },
    );
  }
}
