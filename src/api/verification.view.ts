import { DeliveryStatus, effectiveStatus, VerificationRecord } from '../core/verification';

export interface SendAttemptView {
  channel: string;
  messageId: string;
  sentAt: string;
  /** From Notify's delivery events; `pending` until one says otherwise. */
  deliveryStatus: DeliveryStatus;
  deliveryUpdatedAt: string | null;
  deliveryDescription: string | null;
}

export interface VerificationView {
  id: string;
  to: string;
  status: string;
  channel: string;
  purpose: string;
  createdAt: string;
  expiresAt: string;
  attemptsRemaining: number;
  sendAttempts: SendAttemptView[];
  nextResendAt: string | null;
}

/** The public shape of a verification. No code, no hash, no counters beyond what the caller needs. */
export function toVerificationView(
  record: VerificationRecord,
  now: number,
  resend: { cooldownMs: number; maxSends: number },
): VerificationView {
  const status = effectiveStatus(record, now);
  const canResend = status === 'pending' && record.sendCount < resend.maxSends;
  return {
    id: record.id,
    to: record.to,
    status,
    channel: record.channel,
    purpose: record.purpose,
    createdAt: new Date(record.createdAt).toISOString(),
    expiresAt: new Date(record.expiresAt).toISOString(),
    attemptsRemaining: Math.max(0, record.maxAttempts - record.attempts),
    sendAttempts: record.sends.map(({ channel, messageId, sentAt, delivery }) => ({
      channel,
      messageId,
      sentAt,
      deliveryStatus: delivery?.status ?? 'pending',
      deliveryUpdatedAt: delivery?.at ?? null,
      deliveryDescription: delivery?.description ?? null,
    })),
    nextResendAt: canResend
      ? new Date(Math.max(now, record.lastSendAt + resend.cooldownMs)).toISOString()
      : null,
  };
}
