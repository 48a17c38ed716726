import { readFileSync } from 'node:fs';
import { ConnectionOptions } from 'node:tls';
import { Logger } from '@nestjs/common';
import Redis, { Cluster, ClusterOptions, RedisOptions } from 'ioredis';
import { RedisConnectionSettings } from '../config/settings';

/** What the connection needs beside where Redis is; tests pass only the first two. */
export type ConnectOptions = Pick<RedisConnectionSettings, 'keyPrefix' | 'commandTimeoutMs'> &
  Partial<Pick<RedisConnectionSettings, 'tls' | 'tlsCaFile' | 'username' | 'password'>>;

/**
 * The connection options both topologies share. Fails fast: no offline queue, a command timeout and one retry per
 * request, so that a Redis outage turns into quick 503 answers instead of piling up requests.
 */
function nodeOptions(options: ConnectOptions): RedisOptions {
  return {
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: options.commandTimeoutMs,
    connectTimeout: 2000,
    ...(options.username !== undefined && { username: options.username }),
    ...(options.password !== undefined && { password: options.password }),
    ...(options.tls && { tls: tlsOptions(options.tlsCaFile) }),
  };
}

function tlsOptions(caFile: string | undefined): ConnectionOptions {
  if (!caFile) return {};
  try {
    return { ca: readFileSync(caFile) };
  } catch (error) {
    throw new Error(`REDIS_TLS_CA_FILE ${caFile} cannot be read (${(error as Error).message})`);
  }
}

/**
 * The ioredis Cluster options: MOVED and ASK are followed up to `maxRedirections` times; a node that went away
 * (failover), CLUSTERDOWN and TRYAGAIN (a multi-key command during a slot migration) are retried after 100 ms within
 * that same budget, so a request fails (503) after about 1.6 s at worst, never hangs. With TLS, node host names are
 * passed to the TLS layer as they are (`dnsLookup`), so the certificate of an ElastiCache endpoint matches.
 */
export function clusterOptions(options: ConnectOptions): ClusterOptions {
  const { keyPrefix, ...redisOptions } = nodeOptions(options);
  return {
    keyPrefix,
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: true,
    maxRedirections: 16,
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    retryDelayOnTryAgain: 100,
    retryDelayOnMoved: 0,
    slotsRefreshTimeout: 2000,
    clusterRetryStrategy: (times) => Math.min(times * 100, 2000),
    ...(options.tls && { dnsLookup: (address, callback) => callback(null, address) }),
    redisOptions,
  };
}

/** Logs a failed connection once until it is restored: without a listener ioredis prints every failed reconnect. */
function watch(redis: Redis | Cluster): { failure: () => string | undefined } {
  const logger = new Logger('Redis');
  let failure: string | undefined;
  redis.on('error', (error: Error) => {
    const message = describeFailure(error);
    if (message === failure) return;
    failure = message;
    logger.warn(`Redis connection failed: ${message}; reconnecting`);
  });
  redis.on('ready', () => {
    if (failure !== undefined) logger.log('Redis connection restored');
    failure = undefined;
  });
  return { failure: () => failure };
}

async function open(redis: Redis | Cluster, address: string, variable: string): Promise<void> {
  const watched = watch(redis);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect(); // stops the reconnect loop, so a failed start exits instead of hanging
    const reason = watched.failure() ?? (error instanceof Error ? describeFailure(error) : String(error));
    throw new Error(`Redis at ${address} is unreachable at startup (${reason}); check ${variable}`);
  }
}

/** One Redis node (REDIS_URL). ioredis keeps reconnecting in the background (100 ms, growing to 2 s). */
export async function connectRedis(url: string, options: ConnectOptions): Promise<Redis> {
  const redis = new Redis(url, {
    ...nodeOptions(options),
    lazyConnect: true,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  await open(redis, safeAddress(url), 'REDIS_URL');
  return redis;
}

/**
 * A Redis Cluster (REDIS_CLUSTER_NODES). The rest of the service sees the ioredis `Redis` API, which the Cluster
 * client implements command for command (our scripts keep every key of one call in one slot), hence the one cast.
 */
export async function connectRedisCluster(
  nodes: { host: string; port: number }[],
  options: ConnectOptions,
): Promise<Redis> {
  const cluster = new Cluster(nodes, clusterOptions(options));
  await open(cluster, nodes.map(({ host, port }) => `${host}:${port}`).join(','), 'REDIS_CLUSTER_NODES');
  return cluster as unknown as Redis;
}

export function isCluster(redis: Redis): boolean {
  return (redis as unknown) instanceof Cluster;
}

/**
 * The error and, for a cluster whose every seed failed, why the last one did ("Failed to refresh slots cache." alone
 * does not say that a seed is a standalone Redis, or refused the password).
 */
function describeFailure(error: Error): string {
  const last = (error as { lastNodeError?: unknown }).lastNodeError;
  return last instanceof Error ? `${error.message} ${last.message}` : error.message;
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
