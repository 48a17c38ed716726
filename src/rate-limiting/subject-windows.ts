import Redis from 'ioredis';
import { forEmbeddedRedis, isEmbeddedRedis } from '../redis/embedded-redis';
import { storeCall } from '../redis/store-errors';
import { Quota } from './rate-limits';
import { toSeconds, WindowCounter } from './window-counter';

/**
 * Takes one point in each window, or none: refused at the first window whose count is at its limit. KEYS: the
 * windows' keys, one hash tag (one subject), so it runs unchanged on Redis Cluster. ARGV: per window, its limit and
 * its key's TTL in seconds. Answers {0, count of each window} when taken, or {i} for the window (1-based) that
 * refused. A key is created with its TTL, as rate-limiter-flexible's own script does; a missing value reads as 0 on
 * Redis and ioredis-mock alike.
 */
const TAKE_ALL = `for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('get', key)) or 0
  if count >= tonumber(ARGV[2 * i - 1]) then
    return {i}
  end
end
local counts = {0}
for i, key in ipairs(KEYS) do
  redis.call('set', key, 0, 'EX', ARGV[2 * i], 'NX')
  counts[i + 1] = redis.call('incr', key)
end
return counts`;

/** Gives one point back in each window; a count brought to zero (or below: a window that ended) is deleted. */
const GIVE_BACK_ALL = `for i, key in ipairs(KEYS) do
  if redis.call('decr', key) <= 0 then
    redis.call('del', key)
  end
end
return 0`;

type Command = (...args: (string | number)[]) => Promise<unknown>;

export type WindowsTake =
  | { kind: 'taken'; quotas: Quota[]; refund: () => Promise<void> }
  | { kind: 'refused'; counter: WindowCounter; retryAfterSeconds: number };

/**
 * Several fixed-window counters of one subject (a number's quarter hour and its day) taken in one round trip
 * instead of one each, with the same keys, limits and answers as each WindowCounter's own `take`. The subject must
 * be a Redis hash tag (`{...}`) so that every window's key lands in one slot.
 */
export class SubjectWindows {
  private readonly takeAll: Command;
  private readonly giveBackAll: Command;

  constructor(
    redis: Redis,
    private readonly counters: WindowCounter[],
  ) {
    // Named by their key count: defineCommand with a fixed numberOfKeys works on ioredis-mock too.
    const take = `rlTakeAll${counters.length}`;
    const giveBack = `rlGiveBackAll${counters.length}`;
    const commands = redis as unknown as Record<string, Command | undefined>;
    const lua = (script: string) => (isEmbeddedRedis(redis) ? forEmbeddedRedis(script) : script);
    if (!commands[take]) {
      redis.defineCommand(take, { numberOfKeys: counters.length, lua: lua(TAKE_ALL) });
      redis.defineCommand(giveBack, { numberOfKeys: counters.length, lua: lua(GIVE_BACK_ALL) });
    }
    this.takeAll = (...args) => commands[take]!.call(redis, ...args);
    this.giveBackAll = (...args) => commands[giveBack]!.call(redis, ...args);
  }

  async take(subject: string): Promise<WindowsTake> {
    if (!/^\{[^{}]+\}$/.test(subject)) throw new Error('SubjectWindows needs a hash-tagged subject ({...})');
    const slots = this.counters.map((counter) => counter.slot(subject));
    const keys = slots.map((s) => s.key);
    const args = this.counters.flatMap((counter, i) => [counter.policy.limit, slots[i].ttlSeconds]);
    const [refusedAt, ...counts] = (await storeCall(this.takeAll(...keys, ...args))) as number[];
    if (refusedAt > 0) {
      return {
        kind: 'refused',
        counter: this.counters[refusedAt - 1],
        retryAfterSeconds: toSeconds(slots[refusedAt - 1].resetMs),
      };
    }
    return {
      kind: 'taken',
      quotas: this.counters.map((counter, i) => ({
        policy: counter.policy.name,
        limit: counter.policy.limit,
        remaining: Math.max(counter.policy.limit - Number(counts[i]), 0),
        resetSeconds: toSeconds(slots[i].resetMs),
      })),
      refund: async () => {
        await storeCall(this.giveBackAll(...keys));
      },
    };
  }
}
