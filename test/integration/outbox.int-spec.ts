import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { Clock } from '../../src/common/clock';
import { JobResult, Outbox, OutboxSettings } from '../../src/outbox/outbox';
import { OutboxStore } from '../../src/outbox/outbox-store';
import { RedisOutboxStore } from '../../src/outbox/redis-outbox.store';
import { createEmbeddedRedis } from '../../src/redis/embedded-redis';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';

const LEASE = 60_000;
const connections: Redis[] = [];
const prefixes: string[] = [];

function redisStore(prefix = uniquePrefix('outbox')): RedisOutboxStore {
  const redis = testRedis({ keyPrefix: prefix });
  connections.push(redis);
  prefixes.push(prefix);
  return new RedisOutboxStore(redis);
}

beforeAll(() => Logger.overrideLogger(false));
afterAll(async () => {
  await Promise.all(connections.map((c) => c.quit()));
  await Promise.all(prefixes.map((p) => deletePrefix(p)));
});

describe.each<[string, () => OutboxStore]>([
  [RedisOutboxStore.name, () => redisStore()],
  [`${RedisOutboxStore.name} on the embedded store`, () => new RedisOutboxStore(createEmbeddedRedis('otp:'))],
])('%s', (_, makeStore) => {
  let store: OutboxStore;
  const t0 = Date.now();

  beforeEach(() => {
    store = makeStore();
  });

  it('hands out a due job with its payload and counts the attempt; a job due later waits', async () => {
    await store.enqueue({ type: 'a', payload: { n: 1 } }, t0);
    await store.enqueue({ type: 'b', payload: { n: 2 }, runAt: t0 + 5000 }, t0);
    const [job, ...rest] = await store.claim(t0, 10, LEASE);
    expect(rest).toEqual([]);
    expect(job).toMatchObject({ type: 'a', payload: { n: 1 }, attempts: 1 });
    expect(await store.claim(t0 + 4999, 10, LEASE)).toEqual([]);
    expect((await store.claim(t0 + 5000, 10, LEASE)).map((j) => j.type)).toEqual(['b']);
    expect(await store.depth()).toBe(2);
  });

  it('enqueues one job per dedup key while the key lives', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => store.enqueue({ type: 'f', payload: {}, dedupKey: 'feedback:m1' }, t0)),
    );
    expect(outcomes.filter((o) => o.kind === 'enqueued')).toHaveLength(1);
    expect(await store.depth()).toBe(1);
    const short = { type: 'f', payload: {}, dedupKey: 'k2', dedupTtlMs: 1000 };
    expect((await store.enqueue(short, t0)).kind).toBe('enqueued');
    // The dedup key lives by Redis's own clock (PX), not the clock a test passes: its TTL is what expires it.
  });

  it('leases a claimed job: hidden from other workers until the lease ends, then due again', async () => {
    await store.enqueue({ type: 'a', payload: {} }, t0);
    const [first] = await store.claim(t0, 10, LEASE);
    expect(await store.claim(t0 + LEASE - 1, 10, LEASE)).toEqual([]);
    // The first worker died: after its lease, another one takes the job.
    const [second] = await store.claim(t0 + LEASE, 10, LEASE);
    expect(second).toMatchObject({ id: first.id, attempts: 2 });
    // The first worker wakes up: its lease is gone, it can neither complete nor reschedule.
    expect(await store.complete(first)).toBe(false);
    expect(await store.reschedule(first, t0, 'late')).toBe(false);
    expect(await store.depth()).toBe(1);
    expect(await store.complete(second)).toBe(true);
    expect(await store.depth()).toBe(0);
  });

  it('reschedules a job for later (a retry), and counts jobs due before a time', async () => {
    await store.enqueue({ type: 'a', payload: {} }, t0);
    const [job] = await store.claim(t0, 10, LEASE);
    expect(await store.reschedule(job, t0 + 2000, 'timeout')).toBe(true);
    expect(await store.dueBefore(t0 + 2000)).toBe(0);
    expect(await store.dueBefore(t0 + 2001)).toBe(1);
    expect(await store.claim(t0 + 1999, 10, LEASE)).toEqual([]);
    expect(await store.claim(t0 + 2000, 10, LEASE)).toEqual([expect.objectContaining({ attempts: 2 })]);
  });

  it('never gives one job to two concurrent claims', async () => {
    for (let i = 0; i < 30; i++) await store.enqueue({ type: 'a', payload: { i } }, t0);
    const batches = await Promise.all(Array.from({ length: 10 }, () => store.claim(t0, 7, LEASE)));
    const ids = batches.flat().map((j) => j.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });
});

describe(Outbox.name, () => {
  const clock: Clock = { now: () => Date.now() };
  const settings: OutboxSettings = {
    pollMs: 10,
    retryBaseMs: 10,
    maxAttempts: 4,
    batchSize: 5,
    leaseMs: LEASE,
  };

  it('retries a failing job with backoff until it succeeds, and gives up after its last attempt', async () => {
    const outbox = new Outbox(redisStore(), clock, settings);
    const calls: Record<string, number> = {};
    outbox.register('flaky', async (payload): Promise<JobResult> => {
      const { name, failures } = payload as { name: string; failures: number };
      calls[name] = (calls[name] ?? 0) + 1;
      if (calls[name] <= failures) throw new Error('not yet');
      return { kind: 'done' };
    });
    outbox.register('refused', async () => ({ kind: 'drop', reason: 'never' }));
    await outbox.enqueue({ type: 'flaky', payload: { name: 'twice', failures: 2 } });
    await outbox.enqueue({ type: 'flaky', payload: { name: 'forever', failures: 99 } });
    await outbox.enqueue({ type: 'refused', payload: {} });
    await outbox.idle();
    expect(calls).toEqual({ twice: 3, forever: settings.maxAttempts });
    expect(await outbox.depth()).toBe(0);
  });

  it('several instances on one Redis run each job exactly once', async () => {
    const prefix = uniquePrefix('outbox-shared');
    const instances = [1, 2, 3].map(() => new Outbox(redisStore(prefix), clock, settings));
    const runs: number[] = [];
    for (const outbox of instances) {
      outbox.register('work', async (payload) => {
        runs.push((payload as { i: number }).i);
        await new Promise((resolve) => setTimeout(resolve, 2));
        return { kind: 'done' };
      });
    }
    for (let i = 0; i < 60; i++) await instances[i % 3].enqueue({ type: 'work', payload: { i } });
    instances.forEach((outbox) => outbox.start());
    await Promise.all(instances.map((outbox) => outbox.idle()));
    await Promise.all(instances.map((outbox) => outbox.stop()));
    expect(runs.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('keeps jobs across a restart: a new instance on the same Redis finishes them', async () => {
    const prefix = uniquePrefix('outbox-restart');
    const before = new Outbox(redisStore(prefix), clock, settings);
    await before.enqueue({ type: 'later', payload: { ok: true } });
    await before.stop();
    const after = new Outbox(redisStore(prefix), clock, settings);
    const seen: unknown[] = [];
    after.register('later', async (payload) => {
      seen.push(payload);
      return { kind: 'done' };
    });
    await after.idle();
    expect(seen).toEqual([{ ok: true }]);
  });
});

describe(`${RedisOutboxStore.name} shards`, () => {
  const t0 = Date.now();

  it('spreads jobs over its shards, and claims from every one of them with a small batch in turn', async () => {
    const store = redisStore();
    for (let n = 0; n < 40; n++) await store.enqueue({ type: 's', payload: { n } }, t0);
    const shards = new Set<string>();
    const claimed: number[] = [];
    for (let poll = 0; poll < 20; poll++) {
      for (const job of await store.claim(t0, 2, LEASE)) {
        shards.add(job.id.split('.')[0]);
        claimed.push((job.payload as { n: number }).n);
        expect(await store.complete(job)).toBe(true);
      }
    }
    expect(claimed.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, n) => n));
    expect(shards.size).toBeGreaterThan(8);
    expect(await store.depth()).toBe(0);
  });

  it('still works off jobs of the layout before shards (one {outbox} tag)', async () => {
    const prefix = uniquePrefix('outbox-legacy');
    const store = redisStore(prefix);
    const raw = testRedis({ keyPrefix: prefix });
    connections.push(raw);
    await raw.hset(
      'ob:{outbox}:j:0123abcd',
      'type',
      'old',
      'payload',
      '{"n":7}',
      'attempts',
      '0',
      'lease',
      '',
    );
    await raw.zadd('ob:{outbox}:due', t0, '0123abcd');
    expect(await store.depth()).toBe(1);
    const [job] = await store.claim(t0, 10, LEASE);
    expect(job).toMatchObject({ id: '0123abcd', type: 'old', payload: { n: 7 }, attempts: 1 });
    expect(await store.complete(job)).toBe(true);
    expect(await store.depth()).toBe(0);
    expect(await raw.exists('ob:{outbox}:j:0123abcd')).toBe(0);
  });
});
