import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Settings } from '../config/settings';

/** The shared ioredis connection, or null when no REDIS_URL is set (the in-process store is used then). */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/**
 * Fails fast: no offline queue, a command timeout and one retry per request, so that a Redis outage turns into quick
 * 503 answers instead of piling up requests. ioredis keeps reconnecting in the background.
 */
export async function connectRedis(
  url: string,
  options: { keyPrefix: string; commandTimeoutMs: number },
): Promise<Redis> {
  const redis = new Redis(url, {
    keyPrefix: options.keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  await redis.connect();
  return redis;
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [Settings],
      useFactory: async (settings: Settings): Promise<Redis | null> => {
        if (!settings.redis.url) {
          new Logger('Redis').warn(
            'No REDIS_URL: using the in-process store. It is single-instance and forgets everything on restart.',
          );
          return null;
        }
        return connectRedis(settings.redis.url, settings.redis);
      },
    },
    RedisLifecycle,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
