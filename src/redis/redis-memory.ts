import { Logger } from '@nestjs/common';
import Redis from 'ioredis';

export interface RedisMemory {
  usedMemory: number;
  /** 0: no limit. */
  maxMemory: number;
  policy: string;
}

/** INFO memory (also served by ElastiCache, where CONFIG is not): used_memory, maxmemory, maxmemory_policy. */
export async function readRedisMemory(redis: Redis): Promise<RedisMemory> {
  const info = await redis.info('memory');
  const field = (name: string) => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  return {
    usedMemory: Number(field('used_memory') ?? 0),
    maxMemory: Number(field('maxmemory') ?? 0),
    policy: field('maxmemory_policy') ?? 'noeviction',
  };
}

/**
 * Failed-check counters, locks, codes and idempotency answers are security state: a Redis that evicts keys under
 * memory pressure (any maxmemory-policy but `noeviction`) can forget that a number is locked, or an answer a retry
 * needs. Production refuses to start on one unless REDIS_ALLOW_EVICTION=true; elsewhere it warns.
 */
export function checkEvictionPolicy(
  memory: RedisMemory,
  options: { production: boolean; allowEviction: boolean },
  logger = new Logger('Redis'),
): void {
  if (memory.policy === 'noeviction') return;
  const problem =
    `Redis maxmemory-policy is ${memory.policy}: under memory pressure it evicts keys, and with them failed-check ` +
    `counts, locks and idempotency answers. Set maxmemory-policy to noeviction`;
  if (options.production && !options.allowEviction) {
    throw new Error(`${problem} (or set REDIS_ALLOW_EVICTION=true to accept it).`);
  }
  logger.warn(`${problem}${options.allowEviction ? ' (accepted: REDIS_ALLOW_EVICTION=true)' : ''}.`);
}
