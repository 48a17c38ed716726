import { createApp } from '../../src/app.factory';
import { eventually, freePort, RedisProcess } from '../support/redis-process';
import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';

describe('Redis outages: fast 503s, no approval while down, recovery without a restart', () => {
  let redis: RedisProcess;
  let svc: RunningService;

  beforeAll(async () => {
    redis = new RedisProcess(await freePort());
    await redis.start();
    svc = await startService({ REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '300' }, 'redis-faults');
  });
  afterAll(async () => {
    redis.resume();
    await svc?.close();
    await redis.kill();
  });

  const ready = async () => (await svc.http.get('/health/ready')).status === 200;

  function expectStoreUnavailable(res: { status: number; headers: Record<string, string>; body: unknown }) {
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['retry-after']).toBe('1');
    expect(res.body).toMatchObject({ status: 503, code: 'store_unavailable' });
  }

  it('while Redis is down every store-backed route answers 503 within 1 s, and the right code is never approved', async () => {
    const to = '+12065550140';
    const created = await svc.http.post('/v1/verifications').set(auth).send({ to, channel: 'sms' });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    const code = codeIn(latestMessage(svc.emulator, to));

    await redis.kill();

    const requests = [
      () => svc.http.post(`/v1/verifications/${id}/check`).set(auth).send({ code }),
      () => svc.http.post('/v1/verification-checks').set(auth).send({ to, code }),
      () => svc.http.get(`/v1/verifications/${id}`).set(auth),
      () => svc.http.post(`/v1/verifications/${id}/resend`).set(auth).send({}),
      () => svc.http.post(`/v1/verifications/${id}/cancel`).set(auth),
      () => svc.http.post('/v1/verifications').set(auth).send({ to: '+12065550141', channel: 'sms' }),
    ];
    for (const send of requests) {
      const startedAt = performance.now();
      const res = await send();
      const elapsedMs = performance.now() - startedAt;
      expectStoreUnavailable(res);
      // The one timing requirement: an outage answers in under a second, not after a pile-up.
      expect(elapsedMs).toBeLessThan(1000);
    }

    const probe = await svc.http.get('/health/ready');
    expect(probe.status).toBe(503);
    expect(probe.body.error).toMatchObject({ redis: { status: 'down' } });
    expect((await svc.http.get('/health/live')).status).toBe(200);
    expect((await svc.http.get('/metrics')).status).toBe(200); // outages are when metrics matter most

    // Back on the same port, empty (no persistence): ioredis reconnects by itself and service resumes.
    await redis.start();
    await eventually(ready, 10_000, 'readiness after Redis returned');
    const after = await svc.http.post(`/v1/verifications/${id}/check`).set(auth).send({ code });
    expect(after.status).toBe(404);
    expect(after.body).toMatchObject({ code: 'verification_not_found' });

    const again = await svc.http
      .post('/v1/verifications')
      .set(auth)
      .send({ to: '+12065550142', channel: 'sms' });
    expect(again.status).toBe(201);
    const fresh = codeIn(latestMessage(svc.emulator, '+12065550142'));
    const approved = await svc.http
      .post(`/v1/verifications/${again.body.id}/check`)
      .set(auth)
      .send({ code: fresh });
    expect(approved.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('a Redis that hangs (paused) gets 503 after the command timeout, and the service resumes with it', async () => {
    const to = '+12065550143';
    const created = await svc.http.post('/v1/verifications').set(auth).send({ to, channel: 'sms' });
    expect(created.status).toBe(201);
    const code = codeIn(latestMessage(svc.emulator, to));

    redis.pause();
    try {
      expectStoreUnavailable(
        await svc.http.post(`/v1/verifications/${created.body.id}/check`).set(auth).send({ code }),
      );
      expect((await svc.http.get('/health/ready')).status).toBe(503);
    } finally {
      redis.resume();
    }

    await eventually(ready, 10_000, 'readiness after Redis resumed');
    const res = await svc.http.post(`/v1/verifications/${created.body.id}/check`).set(auth).send({ code });
    expect(res.body).toMatchObject({ valid: true, status: 'approved' });
  });

  it('a Redis out of memory (maxmemory, noeviction: "OOM command not allowed") answers 503, not 500', async () => {
    const to = '+12065550144';
    const created = await svc.http.post('/v1/verifications').set(auth).send({ to, channel: 'sms' });
    expect(created.status).toBe(201);
    const code = codeIn(latestMessage(svc.emulator, to));

    const admin = redis.client();
    try {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '1');
      expectStoreUnavailable(
        await svc.http.post('/v1/verifications').set(auth).send({ to: '+12065550145', channel: 'sms' }),
      );
      expectStoreUnavailable(
        await svc.http.post(`/v1/verifications/${created.body.id}/check`).set(auth).send({ code }),
      );
    } finally {
      await admin.config('SET', 'maxmemory', '0');
      admin.disconnect();
    }

    const res = await svc.http.post(`/v1/verifications/${created.body.id}/check`).set(auth).send({ code });
    expect(res.body).toMatchObject({ valid: true, status: 'approved' });
  });
});

describe('startup with Redis unreachable', () => {
  it('fails with a message naming Redis and its address, without the password', async () => {
    const port = await freePort();
    const boot = createApp({
      NODE_ENV: 'test',
      REDIS_URL: `redis://:hunter2-password@127.0.0.1:${port}`,
      OTP_HASH_SECRET: 'x'.repeat(32),
      // Not sandbox mode: no in-process emulator gets started by a boot that then fails.
      NOTIFY_CONFIGURATION_ID: 'otp-config',
      NOTIFY_ENDPOINT: 'http://127.0.0.1:9',
      LOG_LEVEL: 'silent',
    });
    await expect(boot).rejects.toThrow(`Redis at redis://127.0.0.1:${port} is unreachable at startup`);
    await boot.catch((error: Error) => expect(error.message).not.toContain('hunter2'));
  });
});
