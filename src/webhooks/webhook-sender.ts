import { Webhook } from 'standardwebhooks';
import { JobResult } from '../outbox/outbox';
import { StatusWebhooks, WebhookJob } from './status-webhooks';

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
