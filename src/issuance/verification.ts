export type Channel = 'sms' | 'voice';
export type RequestedChannel = Channel | 'auto';
export type VerificationStatus = 'pending' | 'approved' | 'failed' | 'expired' | 'canceled';
/** What the store keeps; `expired` is derived from the clock, never written. */
export type StoredStatus = Exclude<VerificationStatus, 'expired'>;

export interface SendAttempt {
  channel: Channel;
  messageId: string;
  /** ISO-8601 */
  sentAt: string;
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
  locale: string;
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
}

export function effectiveStatus(
  record: Pick<VerificationRecord, 'status' | 'expiresAt'>,
  now: number,
): VerificationStatus {
  return record.status === 'pending' && now >= record.expiresAt ? 'expired' : record.status;
}
