import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own per test file, so files running in parallel never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** Every key and value under a prefix, for asserting what the service left in Redis. */
export async function dumpPrefix(redis: Redis, prefix: string): Promise<Map<string, string>> {
  const raw = new Redis(TEST_REDIS_URL); // without keyPrefix, to see the real key names
  try {
    const out = new Map<string, string>();
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await raw.type(key);
        if (type === 'string') out.set(key, (await raw.get(key)) ?? '');
        else if (type === 'hash') out.set(key, JSON.stringify(await raw.hgetall(key)));
        else out.set(key, type);
      }
    } while (cursor !== '0');
    return out;
  } finally {
    raw.disconnect();
    void redis;
  }
}

/**
 * What a request left behind, less the Notify token bucket: a send that fails still used its token (Notify's
 * throughput is spent whether or not the message went out), so only the bucket may change when nothing is stored.
 */
export function withoutNotifyCapacity(dump: Map<string, string>): Map<string, string> {
  return new Map([...dump].filter(([key]) => !key.includes(':rl:notify-bucket:')));
}

export async function deletePrefix(prefix: string): Promise<void> {
  const raw = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await raw.del(...keys);
    } while (cursor !== '0');
  } finally {
    raw.disconnect();
  }
}
