/**
 * The floor: the least a JSON-over-HTTP service on Redis can do per request, a plain Fastify server (no Nest, no
 * validation, no logging) making 3 sequential Redis round trips with ioredis. No request to the service can be
 * cheaper than this on the same machine, so the service's rates are stated as a share of it.
 *
 * Run as its own process by the bench: `node -r ts-node/register/transpile-only bench/floor-server.ts` with
 * FLOOR_PORT, FLOOR_REDIS_URL and FLOOR_KEY_PREFIX.
 */
import Fastify, { FastifyInstance } from 'fastify';
import Redis from 'ioredis';

export interface FloorOptions {
  redisUrl: string;
  keyPrefix: string;
}

export const FLOOR_ROUND_TRIPS = 3;

export async function createFloorServer(options: FloorOptions): Promise<FastifyInstance> {
  const redis = new Redis(options.redisUrl, { keyPrefix: options.keyPrefix, lazyConnect: true });
  await redis.connect();
  const app = Fastify({ logger: false });
  app.addHook('onClose', async () => {
    await redis.quit();
  });
  app.get('/ready', async () => ({ ok: true }));
  // As a start does in spirit: count the subject, store a record with a TTL, read it back.
  app.post<{ Body: { to?: unknown } }>('/floor', async (request, reply) => {
    const to = typeof request.body?.to === 'string' ? request.body.to : 'none';
    const count = await redis.incr(`floor:count:${to}`);
    await redis.set(`floor:record:${to}`, JSON.stringify({ to, count }), 'EX', 60);
    const record = await redis.get(`floor:record:${to}`);
    return reply.code(201).send({ record: record === null ? null : (JSON.parse(record) as unknown) });
  });
  return app;
}

if (require.main === module) {
  const port = Number(process.env.FLOOR_PORT ?? 0);
  createFloorServer({
    redisUrl: process.env.FLOOR_REDIS_URL ?? 'redis://127.0.0.1:6379',
    keyPrefix: process.env.FLOOR_KEY_PREFIX ?? 'bench:floor:',
  })
    .then(async (app) => {
      const shutdown = () => void app.close().then(() => process.exit(0));
      process.once('SIGTERM', shutdown);
      process.once('SIGINT', shutdown);
      const address = await app.listen({ port, host: '127.0.0.1' });
      console.log(`floor listening on ${address}`);
    })
    .catch((error: unknown) => {
      console.error('floor server failed:', error);
      process.exit(1);
    });
}
