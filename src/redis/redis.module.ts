import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { Settings } from '../config/settings';
import { createEmbeddedRedis } from './embedded-redis';
import { connectRedis, connectRedisCluster } from './redis-connection';
import { checkEvictionPolicy, readRedisMemory } from './redis-memory';

export { connectRedis, connectRedisCluster } from './redis-connection';

/**
 * The shared ioredis connection: to REDIS_URL (one node), to the Redis Cluster of REDIS_CLUSTER_NODES (typed as
 * `Redis`: ioredis's Cluster has the same command API), or the embedded in-process store when neither is set.
 */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

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
        const logger = new Logger('Redis');
        const { url, clusterNodes } = settings.redis;
        if (!url && !clusterNodes) {
          // The startup line says so too (store: embedded).
          logger.debug(
            'No REDIS_URL or REDIS_CLUSTER_NODES: using the embedded store (the same Lua scripts, in process). It is single-instance and forgets everything on restart.',
          );
          return createEmbeddedRedis(settings.redis.keyPrefix);
        }
        if (settings.notify.mode === 'sandbox') {
          logger.warn(
            'Sandbox mode on a shared Redis: this instance runs a Notify emulator of its own, so codes it sends are seen only by its /sandbox/messages and each instance counts the emulator limits apart. To run several instances, start one emulator (npm run emulator) and give every instance NOTIFY_CONFIGURATION_ID and NOTIFY_ENDPOINT.',
          );
        }
        const redis = clusterNodes
          ? await connectRedisCluster(clusterNodes, settings.redis)
          : await connectRedis(url!, settings.redis);
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
