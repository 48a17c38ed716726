import { DeliveryStatus } from '../core/verification';

/**
 * Notify's event types reduced to the four outcomes a caller acts on. `pending`: on its way; `delivered`: the phone
 * got it, or the call played it. TEXT_SUCCESSFUL (the carrier accepted it) counts as delivered: AWS's records give it
 * `isFinal: true`, and "depending on the destination country the TEXT_DELIVERED and TEXT_SUCCESSFUL events may be
 * used interchangeably" (https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-types.html);
 * `blocked`: refused by a filter (SMS Protect, a carrier, spam rules), which another send would meet again;
 * `failed`: not delivered for another reason.
 */
export const DELIVERY_STATUS: Readonly<Record<string, DeliveryStatus>> = {
  TEXT_PENDING: 'pending',
  TEXT_QUEUED: 'pending',
  TEXT_SUCCESSFUL: 'delivered',
  TEXT_DELIVERED: 'delivered',
  TEXT_BLOCKED: 'blocked',
  TEXT_CARRIER_BLOCKED: 'blocked',
  TEXT_PROTECT_BLOCKED: 'blocked',
  TEXT_SPAM: 'blocked',
  TEXT_INVALID: 'failed',
  TEXT_INVALID_MESSAGE: 'failed',
  TEXT_UNREACHABLE: 'failed',
  TEXT_CARRIER_UNREACHABLE: 'failed',
  TEXT_TTL_EXPIRED: 'failed',
  TEXT_UNKNOWN: 'failed',
  VOICE_INITIATED: 'pending',
  VOICE_RINGING: 'pending',
  VOICE_ANSWERED: 'pending',
  VOICE_COMPLETED: 'delivered',
  VOICE_BUSY: 'failed',
  VOICE_NO_ANSWER: 'failed',
  VOICE_FAILED: 'failed',
  VOICE_TTL_EXPIRED: 'failed',
};

/**
 * SMS failures that a call may cure: the handset could not be reached or the carrier gave no answer in time. Not
 * blocks (SMS Protect would refuse a call too), nor an invalid number.
 */
const FALLBACK_EVENT_TYPES = new Set([
  'TEXT_UNREACHABLE',
  'TEXT_CARRIER_UNREACHABLE',
  'TEXT_TTL_EXPIRED',
  'TEXT_UNKNOWN',
]);

export function warrantsVoiceFallback(eventType: string): boolean {
  return FALLBACK_EVENT_TYPES.has(eventType);
}

/** One delivery event record: the SNS `Message` JSON, or an EventBridge envelope's `detail`. */
export interface DeliveryEvent {
  eventType: string;
  status: DeliveryStatus;
  /** ms since the epoch */
  eventTimestamp: number;
  isFinal: boolean;
  messageId: string;
  description?: string;
  /** The destination number, when the record names it (SNS records do, EventBridge details do not). */
  to?: string;
  /** The Context sent with the message; ours holds `verificationId`. */
  context: Record<string, string>;
}

export type ParsedEvent =
  | { kind: 'event'; event: DeliveryEvent }
  /** Well-formed, but of a type this service does not know: acknowledged and ignored. */
  | { kind: 'unknown_type'; eventType: string }
  | { kind: 'invalid'; reason: string };

/** Reads a delivery event record defensively: it comes from the network, and only some fields matter to us. */
export function parseDeliveryEvent(input: unknown): ParsedEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { kind: 'invalid', reason: 'the event record is not an object' };
  }
  const record = input as Record<string, unknown>;
  const { eventType, messageId, eventTimestamp, isFinal } = record;
  if (typeof eventType !== 'string' || !/^(TEXT|VOICE)_[A-Z_]+$/.test(eventType)) {
    return { kind: 'invalid', reason: 'eventType is missing or not TEXT_* / VOICE_*' };
  }
  if (typeof messageId !== 'string' || messageId.length === 0 || messageId.length > 128) {
    return { kind: 'invalid', reason: 'messageId is missing' };
  }
  const timestamp = typeof eventTimestamp === 'string' ? Number(eventTimestamp) : eventTimestamp;
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp <= 0) {
    return { kind: 'invalid', reason: 'eventTimestamp is missing' };
  }
  const status = DELIVERY_STATUS[eventType];
  if (!status) return { kind: 'unknown_type', eventType };
  const description = record.messageStatusDescription;
  return {
    kind: 'event',
    event: {
      eventType,
      status,
      eventTimestamp: timestamp,
      // A record without isFinal is judged by its status: only `pending` is on its way.
      isFinal: typeof isFinal === 'boolean' ? isFinal : isFinal === 'true' || status !== 'pending',
      messageId,
      description: typeof description === 'string' ? description.slice(0, 256) : undefined,
      ...(typeof record.destinationPhoneNumber === 'string' &&
        /^\+[1-9]\d{1,14}$/.test(record.destinationPhoneNumber) && { to: record.destinationPhoneNumber }),
      context: stringMap(record.context),
    },
  };
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
