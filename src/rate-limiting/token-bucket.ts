import { join } from 'node:path';
import Redis from 'ioredis';
import { LuaScripts } from '../redis/lua-scripts';

export interface BucketSpec {
  ratePerSecond: number;
  burst: number;
  maxWaitMs: number;
}

export type Reservation = { kind: 'granted'; waitMs: number } | { kind: 'refused'; waitMs: number };

/**
 * A token bucket that reserves: a caller is granted a token now or at a time within its longest wait, or refused
 * without reserving anything. The caller sleeps `waitMs` before it sends.
 */
export abstract class TokenBucket {
  abstract reserve(key: string, spec: BucketSpec): Promise<Reservation>;
}

/** One Lua step in Redis, shared by every instance on that Redis (token-bucket.lua). */
export class RedisTokenBucket extends TokenBucket {
  private readonly scripts: LuaScripts<'token-bucket'>;

  constructor(redis: Redis) {
    super();
    this.scripts = new LuaScripts(redis, 'otp:rl', join(__dirname, 'lua'), { 'token-bucket': 1 });
  }

  async reserve(key: string, spec: BucketSpec): Promise<Reservation> {
    const [kind, wait] = await this.scripts.run<string[]>(
      'token-bucket',
      [key],
      [spec.ratePerSecond, spec.burst, spec.maxWaitMs],
    );
    return { kind: kind === 'granted' ? 'granted' : 'refused', waitMs: Number(wait) };
  }
}

/** The same bucket in process memory, for running without Redis (one instance). */
export class MemoryTokenBucket extends TokenBucket {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async reserve(key: string, spec: BucketSpec): Promise<Reservation> {
    const now = this.now();
    const perMs = spec.ratePerSecond / 1000;
    const bucket = this.buckets.get(key) ?? { tokens: spec.burst, at: now };
    const tokens = Math.min(spec.burst, bucket.tokens + Math.max(0, now - bucket.at) * perMs) - 1;
    const waitMs = tokens < 0 ? Math.ceil(-tokens / perMs) : 0;
    if (waitMs > spec.maxWaitMs) return { kind: 'refused', waitMs };
    this.buckets.set(key, { tokens, at: now });
    return { kind: 'granted', waitMs };
  }
}
