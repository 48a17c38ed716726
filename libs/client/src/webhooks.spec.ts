import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError } from './webhooks';

const SECRET = `whsec_${Buffer.from('client-spec-webhook-secret-0123456789').toString('base64')}`;
const EVENT = {
  type: 'verification.approved',
  timestamp: '2025-06-15T12:00:00.000Z',
  data: { id: 'VEabc', status: 'approved', to: '+12065550100', purpose: 'login', channel: 'auto' },
};

/** Signs as the service does (src/webhooks), with the same library. */
function signed(body: string, secret = SECRET) {
  const id = 'msg_0123456789abcdef';
  const at = new Date();
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

describe(verifyWebhook.name, () => {
  const body = JSON.stringify(EVENT);

  it('returns the event of a correctly signed body, from Node-style headers, arrays and fetch Headers alike', () => {
    const headers = signed(body);
    expect(verifyWebhook(body, headers, SECRET)).toEqual(EVENT);
    expect(verifyWebhook(new TextEncoder().encode(body), new Headers(headers), SECRET)).toEqual(EVENT);
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(verifyWebhook(body, upper, SECRET)).toEqual(EVENT);
  });

  it('refuses a changed body, another secret, and missing headers', () => {
    const headers = signed(body);
    expect(() => verifyWebhook(body.replace('approved', 'failed'), headers, SECRET)).toThrow(
      WebhookVerificationError,
    );
    const other = `whsec_${Buffer.from('another-secret-another-secret-0000').toString('base64')}`;
    expect(() => verifyWebhook(body, headers, other)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(body, { 'webhook-id': headers['webhook-id'] }, SECRET)).toThrow(
      WebhookVerificationError,
    );
  });

  it('refuses a signed body that is not an event', () => {
    expect(() => verifyWebhook('"hello"', signed('"hello"'), SECRET)).toThrow(WebhookVerificationError);
  });
});
