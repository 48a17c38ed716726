import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Settings } from '../config/settings';
import { createEmbeddedRedis } from './embedded-redis';
import { checkEvictionPolicy, readRedisMemory } from './redis-memory';

/** The shared ioredis connection: to REDIS_URL, or the embedded in-process store when no REDIS_URL is set. */
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
  // Without a listener ioredis prints every failed reconnect to stderr; log a failure once until the link is back.
  const logger = new Logger('Redis');
  let failure: string | undefined;
  redis.on('error', (error: Error) => {
    if (error.message === failure) return;
    failure = error.message;
    logger.warn(`Redis connection failed: ${error.message}; reconnecting`);
  });
  redis.on('ready', () => {
    if (failure !== undefined) logger.log('Redis connection restored');
    failure = undefined;
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect(); // stops the reconnect loop, so a failed start exits instead of hanging
    const reason = failure ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`Redis at ${safeAddress(url)} is unreachable at startup (${reason}); check REDIS_URL`);
  }
  return redis;
}

/** scheme://host:port, without the password a URL may carry. */
function safeAddress(url: string): string {
  try {
    const { protocol, hostname, port } = new URL(url);
    return `${protocol}//${hostname}:${port || '6379'}`;
  } catch {
    return 'REDIS_URL';
  }
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [Settings],
      useFactory: async (settings: Settings): Promise<Redis> => {
        if (!settings.redis.url) {
          // The startup line says so too (store: embedded).
          new Logger('Redis').debug(
            'No REDIS_URL: using the embedded store (the same Lua scripts, in process). It is single-instance and forgets everything on restart.',
          );
          return createEmbeddedRedis(settings.redis.keyPrefix);
        }
        const redis = await connectRedis(settings.redis.url, settings.redis);
        try {
          checkEvictionPolicy(await readRedisMemory(redis), {
            production: settings.app.production,
            allowEviction: settings.redis.allowEviction,
          });
        } catch (error) {
          redis.disconnect();
          throw error;
        }
        return redis;
      },
    },
    RedisLifecycle,
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule {}
