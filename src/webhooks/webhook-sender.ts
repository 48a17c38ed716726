import { Webhook } from 'standardwebhooks';
import { Clock } from '../common/clock';
import { effectiveStatus } from '../issuance/verification';
import { VerificationStore } from '../issuance/verification-store';
import { JobResult } from '../outbox/outbox';
import { ExpiryJob, StatusWebhooks, WebhookJob } from './status-webhooks';

const TIMEOUT_MS = 10_000;

/**
 * Delivers one webhook as the Standard Webhooks specification describes: `webhook-id` (stable across retries),
 * `webhook-timestamp` (seconds, of this attempt) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
 * `id.timestamp.body` under the client's `whsec_` secret). Any 2xx is delivered; anything else is retried by the
 * outbox with backoff.
 */
export function webhookHandler(webhooks: StatusWebhooks): (payload: unknown) => Promise<JobResult> {
  const signers = new Map<string, Webhook>();
  return async (payload) => {
    const job = payload as WebhookJob;
    const endpoint = webhooks.endpointFor(job.clientId);
    if (!endpoint)
      return { kind: 'drop', reason: `no webhook configured for client ${job.clientId} any more` };
    let signer = signers.get(endpoint.secret);
    if (!signer) {
      signer = new Webhook(endpoint.secret);
      signers.set(endpoint.secret, signer);
    }
    // Wall time, not the domain clock: receivers check it against their own clock to refuse replays.
    const sentAt = new Date();
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'notify-otp-webhooks',
        'webhook-id': job.webhookId,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signer.sign(job.webhookId, sentAt, job.body),
      },
      body: job.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    await response.body?.cancel();
    return response.ok ? { kind: 'done' } : { kind: 'retry', reason: `webhook answered ${response.status}` };
  };
}

/**
 * Runs at a verification's expiry. Still pending with a later expiry (a resend moved it): watch the new one.
 * Expired: announce it. Finished otherwise: announce that status, which is a no-op unless the change's own webhook
 * was lost.
 */
export function expiryHandler(
  store: VerificationStore,
  webhooks: StatusWebhooks,
  clock: Clock,
): (payload: unknown) => Promise<JobResult> {
  return async (payload) => {
    const { id } = payload as ExpiryJob;
    const record = await store.get(id);
    if (!record) return { kind: 'done' };
    const status = effectiveStatus(record, clock.now());
    if (status === 'pending') {
      await webhooks.watchExpiry(record);
    } else {
      await webhooks.announce(`verification.${status}`, record, status);
    }
    return { kind: 'done' };
  };
}
