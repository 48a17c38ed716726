import { randomUUID } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';
import { connectRedis, connectRedisCluster } from '../../src/redis/redis-connection';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The topology the slow tiers run on: a Redis Cluster when TEST_REDIS_CLUSTER_NODES names its seeds
 * (`127.0.0.1:7001,127.0.0.1:7002`), else the standalone Redis of TEST_REDIS_URL. `.ci/run` runs the integration and
 * e2e tiers once on each.
 */
export const TEST_REDIS_CLUSTER_NODES: { host: string; port: number }[] | undefined = process.env
  .TEST_REDIS_CLUSTER_NODES
  ? process.env.TEST_REDIS_CLUSTER_NODES.split(',').map((seed) => {
      const [host, port] = seed.split(':');
      return { host, port: Number(port) };
    })
  : undefined;

/** The service's settings for the test topology. */
export function testRedisEnv(): { REDIS_URL: string; REDIS_CLUSTER_NODES: string } {
  return TEST_REDIS_CLUSTER_NODES
    ? { REDIS_URL: '', REDIS_CLUSTER_NODES: process.env.TEST_REDIS_CLUSTER_NODES! }
    : { REDIS_URL: TEST_REDIS_URL, REDIS_CLUSTER_NODES: '' };
}

/** A client of the test topology (a Cluster is typed as `Redis`, as the service types it). */
export function testRedis(options: { keyPrefix?: string } = {}): Redis {
  if (!TEST_REDIS_CLUSTER_NODES) return new Redis(TEST_REDIS_URL, options);
  return new Cluster(TEST_REDIS_CLUSTER_NODES, { keyPrefix: options.keyPrefix }) as unknown as Redis;
}

/** A key prefix of its own per test file, so files running in parallel never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** One plain connection per master (one in all on standalone Redis): SCAN sees only the node it is sent to. */
async function withMasters<T>(body: (masters: Redis[]) => Promise<T>): Promise<T> {
  if (!TEST_REDIS_CLUSTER_NODES) {
    const raw = new Redis(TEST_REDIS_URL); // without keyPrefix, to see the real key names
    try {
      return await body([raw]);
    } finally {
      raw.disconnect();
    }
  }
  const cluster = new Cluster(TEST_REDIS_CLUSTER_NODES);
  try {
    await new Promise<void>((resolve, reject) => {
      cluster.once('ready', resolve);
      cluster.once('error', reject);
    });
    return await body(cluster.nodes('master'));
  } finally {
    cluster.disconnect();
  }
}

async function scanAll(raw: Redis, prefix: string, each: (keys: string[]) => Promise<void>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await each(keys);
  } while (cursor !== '0');
}

/** Every key and value under a prefix, on every master, for asserting what the service left in Redis. */
export async function dumpPrefix(redis: Redis, prefix: string): Promise<Map<string, string>> {
  void redis;
  return withMasters(async (masters) => {
    const out = new Map<string, string>();
    for (const raw of masters) {
      await scanAll(raw, prefix, async (keys) => {
        for (const key of keys) {
          const type = await raw.type(key);
          if (type === 'string') out.set(key, (await raw.get(key)) ?? '');
          else if (type === 'hash') out.set(key, JSON.stringify(await raw.hgetall(key)));
          else out.set(key, type);
        }
      });
    }
    return out;
  });
}

/**
 * What a request left behind, less the Notify token bucket: a send that fails still used its token (Notify's
 * throughput is spent whether or not the message went out), so only the bucket may change when nothing is stored.
 */
export function withoutNotifyCapacity(dump: Map<string, string>): Map<string, string> {
  return new Map([...dump].filter(([key]) => !key.includes(':rl:notify-bucket:')));
}

/** Deletes a prefix's keys on every master (one key per DEL: a cluster refuses keys of several slots in one). */
export async function deletePrefix(prefix: string): Promise<void> {
  await withMasters(async (masters) => {
    for (const raw of masters) {
      await scanAll(raw, prefix, async (keys) => {
        await Promise.all(keys.map((key) => raw.del(key)));
      });
    }
  });
}

/** The service's own connection (fail-fast options) to the test topology. */
export function connectTestRedis(options: { keyPrefix: string; commandTimeoutMs: number }): Promise<Redis> {
  return TEST_REDIS_CLUSTER_NODES
    ? connectRedisCluster(TEST_REDIS_CLUSTER_NODES, options)
    : connectRedis(TEST_REDIS_URL, options);
}

/** SCRIPT FLUSH on every master (a Cluster client sends a keyless command to one node only). */
export async function flushScripts(redis: Redis): Promise<void> {
  const nodes =
    (redis as unknown) instanceof Cluster ? (redis as unknown as Cluster).nodes('master') : [redis];
  await Promise.all(nodes.map((node) => node.script('FLUSH')));
}
