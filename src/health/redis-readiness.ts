import Redis, { Cluster } from 'ioredis';
import { isEmbeddedRedis } from '../redis/embedded-redis';
import { isCluster } from '../redis/redis-connection';

export type RedisReadiness =
  | { up: true; details: Record<string, string | number> }
  | { up: false; details: Record<string, string | number> };

/**
 * Can the store serve every key? One node: it answers PING. A cluster: every master the client routes to answers,
 * and each says `cluster_state:ok` (all slots served; CLUSTER INFO is among the commands ElastiCache Serverless
 * supports, answering for its one virtual shard: https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SupportedCommands.html).
 * A master that is down fails readiness at once, before the cluster itself declares it failed.
 */
export async function redisReadiness(redis: Redis): Promise<RedisReadiness> {
  if (isEmbeddedRedis(redis)) return { up: true, details: { store: 'in-process' } };
  if (!isCluster(redis)) {
    try {
      await redis.ping();
      return { up: true, details: {} };
    } catch {
      return { up: false, details: { message: 'Redis does not answer' } };
    }
  }
  const masters = (redis as unknown as Cluster).nodes('master');
  if (masters.length === 0) return { up: false, details: { message: 'no Redis Cluster master is known' } };
  const states = await Promise.all(
    masters.map(async (node) => {
      try {
        const info = await node.cluster('INFO');
        return /^cluster_state:(\w+)/m.exec(info)?.[1] ?? 'unknown';
      } catch {
        return 'unreachable';
      }
    }),
  );
  const bad = states.filter((state) => state !== 'ok').length;
  if (bad === 0) return { up: true, details: { mode: 'cluster', masters: masters.length } };
  return {
    up: false,
    details: {
      mode: 'cluster',
      masters: masters.length,
      message: `${bad} of ${masters.length} Redis Cluster masters are unreachable or not cluster_state:ok`,
    },
  };
}
