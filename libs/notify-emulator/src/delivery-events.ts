import { randomUUID } from 'node:crypto';
import { NOTIFY_EVENT_TYPE_NAMES, NOTIFY_EVENT_TYPES } from '@app/notify';
import type { SnsSigner } from './sns-signer';
import type { EmulatedMessage } from './types';

const EVENT_TYPES = NOTIFY_EVENT_TYPES;

/** The event types Notify reports, as the emulator plays them. */
export const DELIVERY_EVENT_TYPES = NOTIFY_EVENT_TYPE_NAMES;

/**
 * The record Notify publishes for one delivery event to a configuration set's destinations (SNS's `Message`, as
 * JSON), shaped as https://docs.aws.amazon.com/sms-voice/latest/userguide/configuration-sets-event-format.html shows
 * it: with the destination number and the Context of the send. EventBridge's `detail` is `EventBridgeDetail`.
 */
export interface DeliveryEventRecord {
  eventType: string;
  eventVersion: '1.0';
  eventTimestamp: number;
  isFinal: boolean;
  originationPhoneNumber: string;
  destinationPhoneNumber: string;
  isoCountryCode: string;
  isInternationalSend: boolean;
  mcc: string;
  mnc: string;
  messageId: string;
  messageRequestTimestamp: number;
  messageEncoding: 'GSM' | 'UCS2';
  messageType: 'TRANSACTIONAL';
  messageStatus: string;
  messageStatusDescription: string;
  context: Record<string, string>;
  totalMessageParts: number;
  totalMessagePrice: number;
  totalCarrierFee: number;
}

/**
 * EventBridge's `detail`, as in https://docs.aws.amazon.com/sms-voice/latest/userguide/monitor-event-bridge.html:
 * no destination number and no Context (so a consumer can only go by messageId), but the carrier's name, the SMS
 * Protect verdict and, for a Notify send, a sender ID as the origination.
 */
export type EventBridgeDetail = Omit<DeliveryEventRecord, 'destinationPhoneNumber' | 'context'> & {
  carrierName: string;
  protectConfiguration: { protectConfigurationId: string; protectStatus: 'ALLOW' };
};

/** One HTTP delivery to the service: a signed SNS notification or an EventBridge API-destination call. */
export interface EmittedEvent {
  via: 'sns' | 'eventbridge';
  headers: Record<string, string>;
  body: string;
  /** What the body carries: the SNS record, or the EventBridge detail. */
  record: DeliveryEventRecord | EventBridgeDetail;
}

/** Where emitted events go: a test posts them to the app; `httpEventDestination` posts them over HTTP. */
export interface EventDestination {
  deliver(event: EmittedEvent): Promise<void>;
}

export interface EmitOptions {
  /** Default 'eventbridge'. */
  via?: 'sns' | 'eventbridge';
  /** Deliver every event twice (SNS: the same MessageId; EventBridge: the same event id), as both services may. */
  duplicate?: boolean;
  /** Deliver the events newest first; their timestamps keep the order in which they happened. */
  reorder?: boolean;
  /** SNS only: sign with SignatureVersion 1 (SHA1) instead of 2 (SHA256). */
  signatureVersion?: '1' | '2';
  /** Replaces the Context the SNS records echo, e.g. `{}` for events that lost it (EventBridge never has one). */
  context?: Record<string, string>;
}

export const EVENTBRIDGE_SECRET_HEADER = 'x-notify-events-secret';

/** Events were asked for a message the emulator did not deliver (or has forgotten). */
export class UnknownMessageError extends Error {
  constructor(readonly messageId: string) {
    super(`No delivered message ${messageId}`);
    this.name = 'UnknownMessageError';
  }
}

/** Events were asked for while there is nowhere to deliver them (no destination, or no URL for that kind). */
export class NoEventDestinationError extends Error {
  constructor(message = 'No event destination: call setEventDestination first') {
    super(message);
    this.name = 'NoEventDestinationError';
  }
}

/** The destination refused an event or could not be reached; events before it were delivered. */
export class EventDeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventDeliveryError';
  }
}

export function isDeliveryEventType(eventType: string): boolean {
  return eventType in EVENT_TYPES;
}

export function deliveryEventRecord(
  message: EmulatedMessage,
  eventType: string,
  at: Date,
): DeliveryEventRecord {
  const spec = EVENT_TYPES[eventType];
  if (!spec) throw new TypeError(`Unknown delivery event type ${eventType}`);
  const channel = eventType.startsWith('TEXT_') ? 'SMS' : 'VOICE';
  if (channel !== message.channel) {
    throw new TypeError(`${eventType} does not fit the ${message.channel} message ${message.messageId}`);
  }
  return {
    eventType,
    eventVersion: '1.0',
    eventTimestamp: at.getTime(),
    isFinal: spec.final,
    originationPhoneNumber: '+18005550199',
    destinationPhoneNumber: message.destinationPhoneNumber,
    isoCountryCode: message.isoCountryCode,
    isInternationalSend: false,
    mcc: '310',
    mnc: '260',
    messageId: message.messageId,
    messageRequestTimestamp: message.sentAt.getTime(),
    messageEncoding: 'GSM',
    // Notify sends are transactional (the EventBridge example of a Notify send says so).
    messageType: 'TRANSACTIONAL',
    messageStatus: eventType.replace(/^(TEXT|VOICE)_/, ''),
    messageStatusDescription: spec.description,
    context: { ...message.context },
    totalMessageParts: 1,
    totalMessagePrice: channel === 'SMS' ? 0.00581 : 0.013,
    totalCarrierFee: channel === 'SMS' ? 0.00302 : 0,
  };
}

/** A sender ID of the example's form (10 capitals): Notify sends from its own pool, not from a number of ours. */
const SENDER_ID = 'NTFYOTPSBX';
const PROTECT_CONFIGURATION_ID = 'protect-0123456789abcdef0123456789abcdef';

export function eventBridgeDetail(record: DeliveryEventRecord): EventBridgeDetail {
  const rest: Partial<DeliveryEventRecord> = { ...record };
  delete rest.destinationPhoneNumber;
  delete rest.context;
  return {
    ...(rest as Omit<DeliveryEventRecord, 'destinationPhoneNumber' | 'context'>),
    originationPhoneNumber: SENDER_ID,
    carrierName: 'T-Mobile USA Inc.',
    protectConfiguration: { protectConfigurationId: PROTECT_CONFIGURATION_ID, protectStatus: 'ALLOW' },
  };
}

/** Builds the HTTP deliveries of events, signed (SNS) or with the API destination's secret header (EventBridge). */
export class DeliveryEventEmitter {
  constructor(
    private readonly sns: SnsSigner,
    private readonly env: { region: string; accountId: string; eventBridgeSecret?: string },
  ) {}

  build(records: DeliveryEventRecord[], now: Date, options: EmitOptions): EmittedEvent[] {
    const via = options.via ?? 'eventbridge';
    const once = records.map((record) =>
      via === 'sns'
        ? this.snsEvent(record, now, options.signatureVersion)
        : this.eventBridgeEvent(record, now),
    );
    const ordered = options.reorder ? [...once].reverse() : once;
    return options.duplicate ? ordered.flatMap((event) => [event, event]) : ordered;
  }

  private snsEvent(record: DeliveryEventRecord, now: Date, signatureVersion?: '1' | '2'): EmittedEvent {
    const message = this.sns.notification(JSON.stringify(record), now, { signatureVersion });
    return {
      via: 'sns',
      headers: {
        'content-type': 'text/plain; charset=UTF-8',
        'x-amz-sns-message-type': message.Type,
        'x-amz-sns-message-id': message.MessageId,
        'x-amz-sns-topic-arn': message.TopicArn,
      },
      body: JSON.stringify(message),
      record,
    };
  }

  private eventBridgeEvent(record: DeliveryEventRecord, now: Date): EmittedEvent {
    const detail = eventBridgeDetail(record);
    const envelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': record.eventType.startsWith('TEXT_')
        ? 'Text Message Delivery Status Updated'
        : 'Voice Message Delivery Status Updated',
      source: 'aws.sms-voice',
      account: this.env.accountId,
      time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.env.region,
      resources: [],
      detail,
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.env.eventBridgeSecret) headers[EVENTBRIDGE_SECRET_HEADER] = this.env.eventBridgeSecret;
    return { via: 'eventbridge', headers, body: JSON.stringify(envelope), record: detail };
  }
}

/** Posts events to a running service (e.g. `npm run emulator` beside `npm start`). */
export function httpEventDestination(urls: { sns?: string; eventbridge?: string }): EventDestination {
  return {
    async deliver(event) {
      const url = urls[event.via];
      if (!url) throw new NoEventDestinationError(`No URL for ${event.via} events`);
      let response: Response;
      try {
        response = await fetch(url, { method: 'POST', headers: event.headers, body: event.body });
      } catch (error) {
        // fetch says only 'fetch failed'; the reason (ECONNREFUSED, ENOTFOUND, ...) is in its cause, whose
        // message is empty when it aggregates several attempts (localhost on IPv4 and IPv6).
        const { cause, message } = error as {
          cause?: { code?: unknown; message?: unknown };
          message: string;
        };
        const reason = String(cause?.message || cause?.code || message);
        throw new EventDeliveryError(`${event.via} event could not reach ${url}: ${reason}`, {
          cause: error,
        });
      }
      await response.body?.cancel();
      if (!response.ok) throw new EventDeliveryError(`${event.via} event refused with ${response.status}`);
    },
  };
}
