import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';
import { EVENTS_ENV, routeEvents } from '../support/delivery-events';

const SECRET = `whsec_${Buffer.from('e2e-webhook-secret-0123456789abcdef').toString('base64')}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** The app backend: a loopback server that keeps every request and can be told to answer 503. */
class Receiver {
  readonly received: Received[] = [];
  failing = false;
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answered = this.failing ? 503 : 204;
      this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      res.writeHead(answered).end();
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Accepted deliveries as [type, verification id], after checking each one's signature. */
  accepted(): [string, string][] {
    const verifier = new Webhook(SECRET);
    return this.received
      .filter((r) => r.answered === 204)
      .map((r) => {
        const event = verifier.verify(r.body, r.headers as Record<string, string>) as {
          type: string;
          data: { id: string };
        };
        return [event.type, event.data.id];
      });
  }
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('status webhooks (Standard Webhooks, outbox, expiry schedule), across a restart', () => {
  const receiver = new Receiver();
  let env: Record<string, string>;
  let svc: RunningService | undefined;

  beforeAll(async () => {
    const url = await receiver.listen();
    env = {
      ...EVENTS_ENV,
      WEBHOOKS: `sandbox=${url}|${SECRET}`,
      OTP_MAX_ATTEMPTS: '2',
    };
  });
  afterAll(async () => {
    await svc?.close();
    await receiver.close();
  });

  it('delivers each event once with a valid signature, never a code, also when the service restarts mid-way', async () => {
    const first = await startService(env, 'webhooks', { keepData: true });
    svc = first;
    routeEvents(first);
    const codes: string[] = [];
    const start = async (to: string, channel = 'sms') => {
      const res = await first.http.post('/v1/verifications').set(auth).send({ to, channel });
      expect(res.status).toBe(201);
      codes.push(codeIn(latestMessage(first.emulator, to)));
      return res.body as { id: string; sendAttempts: { messageId: string }[] };
    };
    const check = (id: string, code: string) =>
      first.http.post(`/v1/verifications/${id}/check`).set(auth).send({ code });

    receiver.failing = true;
    const approved = await start('+12065553001');
    await check(approved.id, codes[codes.length - 1]);
    const failed = await start('+12065553002');
    const wrong = codes[codes.length - 1] === '000000' ? '111111' : '000000';
    await check(failed.id, wrong);
    await check(failed.id, wrong);
    const canceled = await start('+12065553003');
    await first.http.post(`/v1/verifications/${canceled.id}/cancel`).set(auth);
    const replaced = await start('+12065553004');
    const replacer = await start('+12065553004');
    const pending = await start('+12065553005');
    const unreachable = await start('+12065553006', 'auto');
    await first.emulator.emitEvents(unreachable.sendAttempts[0].messageId, ['TEXT_UNREACHABLE'], {
      via: 'sns',
      duplicate: true,
    });
    // Deliveries fail while the first instance runs; it stops with retries still queued.
    await until(() => receiver.received.length >= 8);
    await first.close();
    expect(receiver.accepted()).toEqual([]);

    receiver.failing = false;
    const second = await startService(env, 'webhooks', { prefix: first.prefix });
    svc = second;
    await second.settle();
    const beforeExpiry = receiver.accepted();
    second.clock.advance(601_000);
    await second.settle();
    // One automatic call for the unreachable SMS, from whichever instance ran the job.
    const calls = [first, second].flatMap((s) => s.emulator.messages({ to: '+12065553006' }));
    expect(calls.filter((m) => m.channel === 'VOICE')).toHaveLength(1);

    const accepted = receiver.accepted();
    expect(accepted.slice(0, beforeExpiry.length)).toEqual(beforeExpiry);
    expect([...accepted].sort()).toEqual(
      [
        ['verification.approved', approved.id],
        ['verification.failed', failed.id],
        ['verification.canceled', canceled.id],
        ['verification.canceled', replaced.id],
        ['verification.delivery_failed', unreachable.id],
        ['verification.expired', replacer.id],
        ['verification.expired', pending.id],
        ['verification.expired', unreachable.id],
      ].sort(),
    );
    const delivered = receiver.received.filter((r) => r.answered === 204);
    expect(new Set(delivered.map((r) => r.headers['webhook-id'])).size).toBe(delivered.length);
    for (const { body } of receiver.received) for (const code of codes) expect(body).not.toContain(code);

    const deliveryFailed = delivered
      .map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> })
      .find((e) => e.type === 'verification.delivery_failed');
    expect(deliveryFailed?.data).toMatchObject({
      id: unreachable.id,
      status: 'pending',
      voiceFallback: true,
      sendAttempt: { channel: 'sms', deliveryStatus: 'failed', eventType: 'TEXT_UNREACHABLE' },
    });
  });
});
