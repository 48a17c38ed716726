import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { Clock } from '../common/clock';
import { Quota } from './rate-limits';
import { storeCall } from '../redis/store-errors';

export interface WindowPolicy {
  /** Names the policy in RateLimit-* choices, logs and Redis keys. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export type Take =
  | { kind: 'taken'; quota: Quota; refund: () => Promise<void> }
  | { kind: 'refused'; retryAfterSeconds: number };

/**
 * rate-limiter-flexible's own INCR-with-TTL script (its `customIncrTtlLuaScript` option; ARGV: points, TTL seconds,
 * the limiter's points, its duration), plus two rules: a take that goes past the limit gives its points straight
 * back, in the same step, so that a refusal is one round trip and changes nothing (the reply still shows the count
 * past the limit, so the limiter refuses); and a count that a refund brings back to zero is deleted, so that a
 * refused or failed request leaves no key behind, and a refund that arrives after its window ended cannot leave a
 * negative count. Atomic, so no concurrent take is lost.
 */
const INCR_TTL_DROP_EMPTY = `redis.call('set', KEYS[1], 0, 'EX', ARGV[2], 'NX')
local consumed = redis.call('incrby', KEYS[1], ARGV[1])
if consumed <= 0 then
  redis.call('del', KEYS[1])
  return {consumed, 0}
end
if tonumber(ARGV[1]) > 0 and consumed > tonumber(ARGV[3]) then
  if redis.call('decrby', KEYS[1], ARGV[1]) <= 0 then
    redis.call('del', KEYS[1])
    return {consumed, 0}
  end
end
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 then
  redis.call('expire', KEYS[1], ARGV[2])
  ttl = 1000 * ARGV[2]
end
return {consumed, ttl}`;

/**
 * rate-limiter-flexible over the shared ioredis connection (keys under the connection's prefix). No insurance
 * limiter: when Redis cannot be reached the limiter throws, and the request fails closed.
 */
export function createLimiter(
  redis: Redis,
  options: { keyPrefix: string; points: number; durationSeconds: number },
): RateLimiterAbstract {
  const common = { keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSeconds };
  return new RateLimiterRedis({ ...common, storeClient: redis, customIncrTtlLuaScript: INCR_TTL_DROP_EMPTY });
}

/**
 * A fixed-window counter: at most `limit` takes per subject per window. Windows are aligned to the service clock
 * (minutes, quarter hours, hours, UTC days), and the window's index is part of the key, so that a day's count ends at
 * midnight UTC as Notify's own daily caps do, and a test can move past a window by moving the clock. Redis expires
 * each window's key soon after it ends.
 */
export class WindowCounter {
  constructor(
    private readonly limiter: RateLimiterAbstract,
    readonly policy: WindowPolicy,
    private readonly clock: Clock,
  ) {}

  static create(redis: Redis, policy: WindowPolicy, clock: Clock): WindowCounter {
    const limiter = createLimiter(redis, {
      keyPrefix: `rl:${policy.name}`,
      points: policy.limit,
      durationSeconds: policy.windowSeconds,
    });
    return new WindowCounter(limiter, policy, clock);
  }

  /**
   * Takes one point. A refusal has given its point back already, in the script's own step (rate-limiter-flexible
   * counts before it compares), so a refused request leaves the count as it found it at the cost of one round trip.
   */
  async take(subject: string): Promise<Take> {
    const { key, resetMs, options } = this.window(subject);
    try {
      const res = await storeCall(this.limiter.consume(key, 1, options));
      return {
        kind: 'taken',
        quota: {
          policy: this.policy.name,
          limit: this.policy.limit,
          remaining: res.remainingPoints,
          resetSeconds: toSeconds(resetMs),
        },
        refund: async () => {
          await storeCall(this.limiter.reward(key, 1, options));
        },
      };
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      return { kind: 'refused', retryAfterSeconds: toSeconds(resetMs) };
    }
  }

  /** Counts without a limit (e.g. approvals), in the current window. */
  async add(subject: string, points = 1): Promise<void> {
    const { key, options } = this.window(subject);
    await storeCall(this.limiter.penalty(key, points, options));
  }

  /** The current window's count. */
  async count(subject: string): Promise<number> {
    const { key } = this.window(subject);
    return (await storeCall(this.limiter.get(key)))?.consumedPoints ?? 0;
  }

  /** Deletes the current window's count. */
  async forget(subject: string): Promise<void> {
    await this.limiter.delete(this.window(subject).key);
  }

  /** The current window of `subject`: its key (under the connection's prefix), when it ends, and its key's TTL. */
  slot(subject: string): { key: string; resetMs: number; ttlSeconds: number } {
    const { key, resetMs, options } = this.window(subject);
    return { key: `rl:${this.policy.name}:${key}`, resetMs, ttlSeconds: options.customDuration };
  }

  private window(subject: string) {
    const now = this.clock.now();
    const windowMs = this.policy.windowSeconds * 1000;
    const index = Math.floor(now / windowMs);
    const resetMs = (index + 1) * windowMs - now;
    // The key outlives its window by a second; customDuration is whole seconds, and 0 would mean "never expires".
    return { key: `${subject}:${index}`, resetMs, options: { customDuration: toSeconds(resetMs) + 1 } };
  }
}

/** Whole seconds, at least 1: what Retry-After and RateLimit-Reset carry. */
export function toSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
