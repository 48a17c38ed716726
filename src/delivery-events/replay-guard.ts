import Redis from 'ioredis';
import { storeCall } from '../redis/store-errors';

/**
 * Remembers which SNS messages were handled, so a replayed or redelivered MessageId is a no-op. `claim` takes the
 * id before it is handled; `release` gives it back when handling failed, so that SNS's retry is not lost.
 */
export abstract class ReplayGuard {
  abstract claim(id: string, ttlMs: number): Promise<boolean>;
  abstract release(id: string): Promise<void>;
}

export class RedisReplayGuard extends ReplayGuard {
  constructor(private readonly redis: Redis) {
    super();
  }

  async claim(id: string, ttlMs: number): Promise<boolean> {
    return (await storeCall(this.redis.set(key(id), '1', 'PX', ttlMs, 'NX'))) === 'OK';
  }

  async release(id: string): Promise<void> {
    await storeCall(this.redis.del(key(id)));
  }
}

function key(id: string): string {
  return `sns:${id}`;
}
