export type Channel = 'sms' | 'voice';
export type RequestedChannel = Channel | 'auto';
export type VerificationStatus = 'pending' | 'approved' | 'failed' | 'expired' | 'canceled';
/** What the store keeps; `expired` is derived from the clock, never written. */
export type StoredStatus = Exclude<VerificationStatus, 'expired'>;

/** What Notify's delivery events said about one message, reduced to four outcomes (see delivery-events/). */
export type DeliveryStatus = 'pending' | 'delivered' | 'blocked' | 'failed';

/** The latest delivery event that counts for a message: a final one is never replaced by a non-final one. */
export interface DeliveryReport {
  status: DeliveryStatus;
  /** Notify's event type, e.g. TEXT_DELIVERED. */
  eventType: string;
  /** ISO-8601 time of the event (Notify's eventTimestamp). */
  at: string;
  description?: string;
  final: boolean;
}

export interface SendAttempt {
  channel: Channel;
  messageId: string;
  /** ISO-8601 */
  sentAt: string;
  /** Absent until a delivery event for this message arrives. */
  delivery?: DeliveryReport;
}

/** A verification as stored. The code's hash lives beside it under its own TTL, never in this record. */
export interface VerificationRecord {
  id: string;
  clientId: string;
  to: string;
  country: string;
  purpose: string;
  channel: RequestedChannel;
  status: StoredStatus;
  /** As the caller asked; absent means the configuration's default template, and a resend keeps it so. */
  locale?: string;
  templateId?: string;
  voiceId?: string;
  /** The caller's Context for Notify (echoed into delivery events); every send carries it. */
  context?: Record<string, string>;
  /** Digits of this verification's codes; a resend keeps it. */
  codeLength?: number;
  createdAt: number;
  expiresAt: number;
  finishedAt?: number;
  attempts: number;
  failures: number;
  maxAttempts: number;
  codeVersion: number;
  /** The message that carried the current code: it gets the RECEIVED feedback on approval. */
  messageId: string;
  sends: SendAttempt[];
  sendCount: number;
  lastSendAt: number;
  /** When the automatic voice fallback was claimed; it happens at most once per verification. */
  fallbackAt?: number;
}

export function effectiveStatus(
  record: Pick<VerificationRecord, 'status' | 'expiresAt'>,
  now: number,
): VerificationStatus {
  return record.status === 'pending' && now >= record.expiresAt ? 'expired' : record.status;
}
