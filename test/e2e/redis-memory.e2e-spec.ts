import Redis from 'ioredis';
import { checkEvictionPolicy, readRedisMemory } from '../../src/redis/redis-memory';
import { eventually, RedisProcess } from '../support/redis-process';
import { auth, RunningService, startService } from '../support/service';

/** Redis memory: readiness follows writes (OOM) and recovers by itself; eviction policies are refused in production. */
describe('Redis memory: OOM, the limit, eviction policies', () => {
  let redis: RedisProcess;
  let admin: Redis;
  let svc: RunningService;

  beforeAll(async () => {
    redis = new RedisProcess(6402);
    await redis.start();
    admin = redis.client();
    svc = await startService({ REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '300' }, 'redis-memory');
  });
  afterAll(async () => {
    await admin?.config('SET', 'maxmemory', '0').catch(() => undefined);
    admin?.disconnect();
    await svc?.close();
    await redis.kill();
  });

  const usedMemory = async () => (await readRedisMemory(admin)).usedMemory;

  it('out of memory (noeviction): readiness 503 naming the refused writes, starts 503 with nothing sent; back to 200 by itself', async () => {
    expect((await svc.http.get('/health/ready')).status).toBe(200);
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    try {
      const probe = await svc.http.get('/health/ready');
      expect(probe.status).toBe(503);
      expect(probe.body.error.redis.message).toContain('Redis refuses writes (OOM');
      const to = '+12065550170';
      const start = await svc.http.post('/v1/verifications').set(auth).send({ to, channel: 'sms' });
      expect(start.status).toBe(503);
      expect(start.body).toMatchObject({ code: 'store_unavailable' });
      expect(svc.emulator.messages({ to })).toHaveLength(0);
      // A retry with a key after an OOM runs afresh (nothing was stored), and succeeds once memory is back.
      await admin.config('SET', 'maxmemory', '0');
      await eventually(async () => (await svc.http.get('/health/ready')).status === 200, 5000, 'readiness');
      const retry = await svc.http
        .post('/v1/verifications')
        .set(auth)
        .set('Idempotency-Key', 'oom-170')
        .send({ to, channel: 'sms' });
      expect(retry.status).toBe(201);
      expect(svc.emulator.messages({ to })).toHaveLength(1);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
  });

  it('near maxmemory: readiness stays 200, warns, and the metrics carry used_memory against maxmemory', async () => {
    const limit = Math.ceil((await usedMemory()) / 0.95);
    await admin.config('SET', 'maxmemory', String(limit));
    try {
      const probe = await svc.http.get('/health/ready');
      expect(probe.status).toBe(200);
      expect(probe.body.details.redis).toMatchObject({ status: 'up', maxMemory: limit });
      expect(svc.logs.some((line) => line.includes('% of maxmemory'))).toBe(true);
      const metrics = await svc.http.get('/metrics');
      expect(metrics.text).toContain(`otp_redis_maxmemory_bytes ${limit}`);
      expect(metrics.text).toMatch(/otp_redis_used_memory_bytes [1-9]\d*/);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
  });

  it('an eviction policy: production refuses to start naming it and noeviction, unless REDIS_ALLOW_EVICTION; development warns', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const memory = await readRedisMemory(admin);
      expect(memory.policy).toBe('allkeys-lru');
      expect(() => checkEvictionPolicy(memory, { production: true, allowEviction: false })).toThrow(
        /maxmemory-policy is allkeys-lru.*noeviction.*REDIS_ALLOW_EVICTION=true/,
      );
      const warnings: string[] = [];
      const logger = { warn: (message: string) => warnings.push(message) };
      checkEvictionPolicy(memory, { production: true, allowEviction: true }, logger as never);
      checkEvictionPolicy(memory, { production: false, allowEviction: false }, logger as never);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain('accepted: REDIS_ALLOW_EVICTION=true');
      expect(warnings[1]).toContain('allkeys-lru');
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
    }
    expect(() =>
      checkEvictionPolicy(
        { usedMemory: 1, maxMemory: 0, policy: 'noeviction' },
        { production: true, allowEviction: false },
      ),
    ).not.toThrow();
  });
});
