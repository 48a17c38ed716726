import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { SystemClock } from '../../src/common/clock';
import { Outbox } from '../../src/outbox/outbox';
import { RedisOutboxStore } from '../../src/outbox/redis-outbox.store';
import { connectRedisCluster } from '../../src/redis/redis-connection';
import { RedisClusterProcess } from '../support/redis-cluster-process';

/**
 * The outbox on a Redis Cluster of this test's own, while one of its shards' slots moves to another master key by
 * key: enqueues and claims meet ASK and TRYAGAIN (a script's keys split between two nodes), ioredis retries them, and
 * every job still runs, each exactly once.
 */
describe('the outbox on Redis Cluster during a slot migration', () => {
  const cluster = new RedisClusterProcess();
  const clients: Redis[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    await cluster.start();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await cluster.stop();
  });

  async function worker(runs: Map<number, number>): Promise<{ outbox: Outbox; store: RedisOutboxStore }> {
    const redis = await connectRedisCluster(
      cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { keyPrefix: 'otp:', commandTimeoutMs: 1000 },
    );
    clients.push(redis);
    const store = new RedisOutboxStore(redis, 4);
    const outbox = new Outbox(store, new SystemClock(), {
      pollMs: 20,
      retryBaseMs: 20,
      maxAttempts: 10,
      batchSize: 5,
      leaseMs: 120_000,
    });
    outbox.register('count', async (payload) => {
      const n = (payload as { n: number }).n;
      runs.set(n, (runs.get(n) ?? 0) + 1);
      return { kind: 'done' };
    });
    return { outbox, store };
  }

  /** An enqueue that fails (the retries ran out mid-migration) is tried again: its dedup key keeps it one job. */
  async function enqueue(outbox: Outbox, n: number): Promise<string | undefined> {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const outcome = await outbox.enqueue({ type: 'count', payload: { n }, dedupKey: `count:${n}` });
        return outcome.kind === 'enqueued' ? outcome.id : undefined;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw new Error(`job ${n} could not be enqueued`);
  }

  it('runs every job exactly once while a shard moves to another master', async () => {
    const runs = new Map<number, number>();
    const workers = [await worker(runs), await worker(runs)];
    const producer = workers[0].outbox;

    // A first wave, so the shard to move has jobs waiting in it when the migration begins.
    const firstIds = await Promise.all(Array.from({ length: 60 }, (_, n) => enqueue(producer, n)));
    const shard = Number(firstIds[0]!.split('.')[0]);
    const probe = cluster.node(0);
    const slot = await probe.cluster('KEYSLOT', `{outbox:${shard}}`);
    probe.disconnect();
    const from = await cluster.ownerOf(slot);

    for (const { outbox } of workers) outbox.start();
    const total = 240;
    const migration = cluster.migrateSlot(slot, (from + 1) % 3, { batch: 1, pauseMs: 40 });
    const produced = (async () => {
      for (let n = 60; n < total; n++) await enqueue(producer, n);
    })();
    const moved = await migration;
    await produced;
    await workers[1].outbox.idle(60_000, 60_000);
    await Promise.all(workers.map(({ outbox }) => outbox.stop()));

    expect(moved).toBeGreaterThan(0);
    expect(await cluster.ownerOf(slot)).toBe((from + 1) % 3);
    expect([...runs.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, n) => n));
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(await workers[0].store.depth()).toBe(0);
  });
});
