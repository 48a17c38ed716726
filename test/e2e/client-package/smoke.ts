/**
 * Runs in a fresh project that installed the packed @notify-otp/client from its tarball: compiled once as ESM
 * (smoke.mts) and once as CommonJS (smoke.cts), with the DOM's fetch types and no @types/node.
 */
import {
  OtpApiError,
  OtpClient,
  verifyWebhook,
  type CheckResult,
  type Verification,
} from '@notify-otp/client';
import { Webhook } from 'standardwebhooks';

declare const process: { argv: string[]; exitCode?: number };

async function errorOf(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    if (error instanceof OtpApiError) {
      return { status: error.status, code: error.code, retryAfter: error.retryAfter, errors: error.errors };
    }
    throw error;
  }
  throw new Error('expected an OtpApiError');
}

async function main(): Promise<void> {
  const [baseUrl, format, to] = process.argv.slice(2);
  const otp = new OtpClient({ baseUrl, apiKey: 'sandbox' });

  const started: Verification = await otp.start({ to, purpose: 'smoke', context: { format } });
  // @ts-expect-error: the generated types know the channels
  void (() => otp.start({ to, channel: 'fax' }));
  // templates() is typed (GET /v1/templates is being added to the service): neither never nor unknown.
  void (async () => (await otp.templates()).templates.map((t) => t.id));
  const inbox = await fetch(`${baseUrl}/sandbox/messages?to=${encodeURIComponent(to)}`, {
    headers: { Authorization: 'Bearer sandbox' },
  });
  const [message] = (await inbox.json()) as { body: string }[];
  const code = /\b(\d{6})\b/.exec(message.body)![1];

  const wrong: CheckResult = await otp.check(started.id, code === '000000' ? '111111' : '000000');
  const resendTooSoon = await errorOf(() => otp.resend(started.id));
  const right = await otp.check(started.id, code);
  const read = await otp.get(started.id);
  const invalidNumber = await errorOf(() => otp.start({ to: '+1' }));
  const dryRun = await otp.start({ to, dryRun: true });
  const byNumber = await otp.checkByNumber({ to, code: '123456', purpose: 'smoke' });
  const notFound = await errorOf(() => otp.cancel('VE0000000000000000000000000000000a'));

  const secret = `whsec_${btoa('smoke-webhook-secret-0123456789abcdef')}`;
  const body = JSON.stringify({
    type: 'verification.approved',
    timestamp: read.createdAt,
    data: { id: read.id },
  });
  const at = new Date();
  const event = verifyWebhook(
    body,
    {
      'webhook-id': 'msg_smoke',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign('msg_smoke', at, body),
    },
    secret,
  );

  console.log(
    JSON.stringify({
      format,
      started: { status: started.status, to: started.to, sends: started.sendAttempts.length },
      wrong,
      resendTooSoon,
      right,
      read: read.status,
      invalidNumber,
      dryRun,
      byNumber,
      notFound,
      webhook: { type: event.type, id: event.data.id },
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
