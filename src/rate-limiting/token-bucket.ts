import { join } from 'node:path';
import Redis from 'ioredis';
import { isEmbeddedRedis } from '../redis/embedded-redis';
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

  private readonly processClock: boolean;

  constructor(redis: Redis) {
    super();
    this.processClock = isEmbeddedRedis(redis);
    this.scripts = new LuaScripts(redis, 'otp:rl', join(__dirname, 'lua'), { 'token-bucket': 1 });
  }

  async reserve(key: string, spec: BucketSpec): Promise<Reservation> {
    const [kind, wait] = await this.scripts.run<string[]>(
      'token-bucket',
      [key],
      [spec.ratePerSecond, spec.burst, spec.maxWaitMs, this.processClock ? Date.now() : ''],
    );
    return { kind: kind === 'granted' ? 'granted' : 'refused', waitMs: Number(wait) };
  }
}
