import { randomBytes } from 'node:crypto';
import { Clock } from '../common/clock';
import { VerificationRecord } from '../core/verification';
import { Outbox } from '../outbox/outbox';
import { RedisOutboxStore } from '../outbox/redis-outbox.store';
import { createEmbeddedRedis } from '../redis/embedded-redis';
import { RecordingEvents } from '../../test/support/recording-events';
import { DomainEvent } from '../core/domain-events';
import { StatusWebhooks, WEBHOOK_JOB, WebhookJob } from '../webhooks/status-webhooks';
import { VerificationWebhooks } from '../webhooks/verification-webhooks';
import { EXPIRY_JOB, ExpiryWatch } from './expiry-watch';
import { RedisVerificationStore } from './redis-verification.store';
import { VerificationKeys } from './verification-keys';

class FixedClock extends Clock {
  t = 1_800_000_000_000;
  now(): number {
    return this.t;
  }
}

const TTL_MS = 600_000;

function setup() {
  const clock = new FixedClock();
  const keys = new VerificationKeys(randomBytes(32));
  const store = new RedisVerificationStore(createEmbeddedRedis('otp:'), keys, {
    maxFailedChecksPerNumber: 10,
    failedChecksWindowMs: 3_600_000,
    retentionMs: 86_400_000,
    resendCooldownMs: 30_000,
    maxSends: 3,
  });
  const outbox = new Outbox(new RedisOutboxStore(createEmbeddedRedis('otp:')), clock, {
    pollMs: 1000,
    retryBaseMs: 1000,
    maxAttempts: 3,
    batchSize: 20,
    leaseMs: 60_000,
  });
  // The status webhooks of the settled events, as the app subscribes them; their jobs are what `announced` lists.
  const webhooks = new StatusWebhooks(outbox, clock, [
    { clientId: 'acme', url: 'http://127.0.0.1:9/hooks', secret: 'whsec_c2VjcmV0' },
  ]);
  const subscriber = new VerificationWebhooks(webhooks, clock);
  const recorded = new (class extends RecordingEvents {
    override async publish(event: DomainEvent): Promise<void> {
      await super.publish(event);
      if (event.type === 'verification.settled') await subscriber.settled(event);
    }
  })();
  const announced: string[] = [];
  outbox.register(WEBHOOK_JOB, async (payload) => {
    announced.push((JSON.parse((payload as WebhookJob).body) as { type: string }).type);
    return { kind: 'done' };
  });
  const expiry = new ExpiryWatch(outbox, store, clock, recorded);
  outbox.register(EXPIRY_JOB, (payload) => expiry.runJob(payload));
  const watch = {
    watch: (verification: Pick<VerificationRecord, 'id' | 'expiresAt'>) =>
      expiry.watch({ type: 'verification.started', verification: verification as VerificationRecord }),
  };
  /** Expiries told (counted once). */
  const events = {
    get expiredIds() {
      return recorded.of('verification.expired').map((e) => e.verification.id);
    },
  };

  let n = 0;
  async function start(): Promise<VerificationRecord> {
    n += 1;
    const now = clock.t;
    const record: VerificationRecord = {
      id: keys.newId(`+1206555010${n}`),
      clientId: 'acme',
      to: `+1206555010${n}`,
      country: 'US',
      purpose: 'login',
      channel: 'sms',
      status: 'pending',
      locale: 'en',
      createdAt: now,
      expiresAt: now + TTL_MS,
      attempts: 0,
      failures: 0,
      maxAttempts: 5,
      codeVersion: 1,
      messageId: `m${n}`,
      sends: [{ channel: 'sms', messageId: `m${n}`, sentAt: new Date(now).toISOString() }],
      sendCount: 1,
      lastSendAt: now,
    };
    await store.create(record, 'hash', now);
    await watch.watch(record);
    return record;
  }
  async function resend(record: VerificationRecord, watched = true): Promise<number> {
    const now = clock.t;
    const code = { hash: 'hash-2', messageId: `${record.messageId}b`, channel: 'sms' as const, sentAt: now };
    const expiresAt = now + TTL_MS;
    expect(await store.commitResend(record, { ...code, expiresAt }, now)).toEqual({ kind: 'committed' });
    if (watched) await watch.watch({ id: record.id, expiresAt });
    return expiresAt;
  }
  /** Moves the clock to `at` and runs every job due by then. */
  async function runUntil(at: number): Promise<void> {
    clock.t = at;
    await outbox.poll();
    await outbox.poll(); // the webhooks the expiry jobs queued
  }
  return { store, clock, outbox, events, announced, watch, start, resend, runUntil };
}

describe('the expiry watch', () => {
  it('counts and announces a verification still pending at its deadline, once however often it was watched', async () => {
    const { events, announced, watch, start, runUntil, outbox } = setup();
    const pending = await start();
    await watch.watch(pending);
    await runUntil(pending.expiresAt - 1);
    expect(events.expiredIds).toEqual([]);

    await runUntil(pending.expiresAt);
    await runUntil(pending.expiresAt + 3600_000);
    expect(events.expiredIds).toEqual([pending.id]);
    expect(announced).toEqual(['verification.expired']);
    expect(await outbox.depth()).toBe(0);
  });

  it('counts nothing for a verification that finished before its deadline', async () => {
    const { store, clock, events, announced, start, runUntil } = setup();
    const approved = await start();
    expect(await store.approve(approved, 1, clock.t)).toMatchObject({ kind: 'approved' });
    const canceled = await start();
    expect(await store.cancel(canceled, clock.t)).toEqual({ kind: 'canceled' });
    await runUntil(canceled.expiresAt);
    expect(events.expiredIds).toEqual([]);
    // The safety net for webhooks the change itself could not queue (here it never queued them).
    expect(announced.sort()).toEqual(['verification.approved', 'verification.canceled']);
  });

  it('after a resend, re-watches at the old deadline and counts at the last one, also when its watch was lost', async () => {
    const { clock, events, start, resend, runUntil } = setup();
    const watched = await start();
    const lost = await start();
    clock.t += 30_000;
    const last = await resend(watched);
    expect(await resend(lost, false)).toBe(last);

    await runUntil(watched.expiresAt);
    expect(events.expiredIds).toEqual([]);
    await runUntil(last);
    expect(events.expiredIds.sort()).toEqual([watched.id, lost.id].sort());
  });

  it('counts once when the old and the last deadline come due in one poll (an outbox running late)', async () => {
    const { clock, events, announced, start, resend, runUntil } = setup();
    const behind = await start();
    clock.t += 30_000;
    const last = await resend(behind);
    await runUntil(last + 3600_000);
    expect(events.expiredIds).toEqual([behind.id]);
    expect(announced).toEqual(['verification.expired']);
  });
});
