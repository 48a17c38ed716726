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
 * A master that is down fails readiness at once, before the cluster itself declares it failed: the masters are those
 * the slot map names, not only those the client still holds a connection to.
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
  // The masters the slot map names, as one answering master sees it: ioredis drops a dead node from its pool, so
  // the pool alone would not show it missing.
  const pool = (redis as unknown as Cluster).nodes('master');
  const address = (node: Redis) => `${node.options.host}:${node.options.port}`;
  let slots: [number, number, ...[string, number, ...unknown[]][]][] | undefined;
  for (const node of pool) {
    slots = await node.cluster('SLOTS').catch(() => undefined);
    if (slots) break;
  }
  if (!slots) return { up: false, details: { mode: 'cluster', message: 'no Redis Cluster master answers' } };
  const owners = [...new Set(slots.flatMap(([, , owner]) => (owner ? [`${owner[0]}:${owner[1]}`] : [])))];
  const masters = owners.length;
  const states = await Promise.all(
    owners.map(async (owner) => {
      const node = pool.find((n) => address(n) === owner);
      if (!node) return 'unreachable';
      try {
        const info = await node.cluster('INFO');
        return /^cluster_state:(\w+)/m.exec(info)?.[1] ?? 'unknown';
      } catch {
        return 'unreachable';
      }
    }),
  );
  const bad = states.filter((state) => state !== 'ok').length;
  if (bad === 0 && masters > 0) return { up: true, details: { mode: 'cluster', masters } };
  return {
    up: false,
    details: {
      mode: 'cluster',
      masters,
      message: `${bad} of ${masters} Redis Cluster masters are unreachable or not cluster_state:ok`,
    },
  };
}
