import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export { WebhookVerificationError };

export type WebhookEventType =
  | 'verification.approved'
  | 'verification.failed'
  | 'verification.expired'
  | 'verification.canceled'
  | 'verification.delivery_failed';

/** The `data` of a status webhook: what a backend needs to act on, never a code. */
export interface VerificationWebhookData {
  id: string;
  status: 'pending' | 'approved' | 'failed' | 'expired' | 'canceled';
  to: string;
  purpose: string;
  channel: 'sms' | 'voice' | 'auto';
  context?: Record<string, string>;
  createdAt: string;
  /** `verification.delivery_failed` only: the send Notify reported undeliverable. */
  sendAttempt?: {
    channel: 'sms' | 'voice';
    messageId: string;
    deliveryStatus: 'failed' | 'blocked';
    eventType: string;
    deliveryUpdatedAt: string;
    deliveryDescription: string | null;
  };
  /** `verification.delivery_failed` only: whether the service placed the automatic call. */
  voiceFallback?: boolean;
}

export interface OtpWebhookEvent {
  type: WebhookEventType;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  data: VerificationWebhookData;
}

/** Node's `IncomingHttpHeaders`, Fastify's and Express's `request.headers`, or a fetch `Headers`. */
export type WebhookHeaders =
  | { forEach(callback: (value: string, name: string) => void): void }
  | Record<string, string | string[] | undefined>;

function plainHeaders(headers: WebhookHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers.forEach === 'function' && !Array.isArray(headers)) {
    (headers as { forEach(cb: (value: string, name: string) => void): void }).forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  for (const [name, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(' ') : value;
  }
  return out;
}

/**
 * Checks a status webhook's Standard Webhooks signature (`webhook-id`, `webhook-timestamp`, `webhook-signature`)
 * against the endpoint's `whsec_…` secret, with the library the service signs with, and returns the event. Pass the
 * raw body exactly as received: a parsed and re-serialised body no longer matches. Throws WebhookVerificationError
 * when the signature is wrong or missing, or the timestamp is more than 5 minutes off.
 */
export function verifyWebhook(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
): OtpWebhookEvent {
  const payload = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const event = new Webhook(secret).verify(payload, plainHeaders(headers)) as OtpWebhookEvent | undefined;
  if (!event || typeof event !== 'object' || typeof event.type !== 'string') {
    throw new WebhookVerificationError('The webhook body is not a status event');
  }
  return event;
}
