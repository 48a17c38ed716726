import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { NotifyEmulator, PENDING_CONFIGURATION_ID } from '@app/notify-emulator';
import { createApp } from '../../src/app.factory';
import { deletePrefix, testRedisEnv, uniquePrefix } from '../support/redis';
import { RunningService, startService } from '../support/service';

describe('health probes', () => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService({}, 'health');
  });
  afterAll(() => svc.close());

  it('live answers without credentials', async () => {
    const res = await svc.http.get('/health/live');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('ready checks Redis and that the Notify configuration is ACTIVE', async () => {
    const res = await svc.http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.info).toMatchObject({
      redis: { status: 'up' },
      notify: { status: 'up', tier: 'ADVANCED' },
    });
  });
});

describe('readiness with a Notify configuration that is not ACTIVE (AWS mode against a standalone emulator)', () => {
  const emulator = new NotifyEmulator();
  const prefix = uniquePrefix('health-inactive');
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const endpoint = await emulator.listen(0);
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    app = await createApp({
      NODE_ENV: 'test',
      NOTIFY_CONFIGURATION_ID: PENDING_CONFIGURATION_ID,
      NOTIFY_ENDPOINT: endpoint,
      ...testRedisEnv(),
      REDIS_KEY_PREFIX: prefix,
      API_KEYS: 'acme:' + 'a'.repeat(64),
      OTP_HASH_SECRET: 'x'.repeat(32),
      LOG_LEVEL: 'silent',
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app?.close();
    await emulator.close();
    await deletePrefix(prefix);
  });

  it('ready is a 503 problem naming the notify check; live stays 200', async () => {
    const ready = await request(app.getHttpServer()).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.headers['content-type']).toContain('application/problem+json');
    expect(ready.body).toMatchObject({
      status: 503,
      code: 'not_ready',
      detail: 'Not ready: notify.',
      info: { redis: { status: 'up' } },
      error: { notify: { status: 'down', configurationStatus: expect.any(String) } },
    });
    expect(ready.body.error.notify.configurationStatus).not.toBe('ACTIVE');
    expect((await request(app.getHttpServer()).get('/health/live')).status).toBe(200);
    const metrics = await request(app.getHttpServer()).get('/metrics');
    expect(metrics.text).toContain('otp_problems_total{status="503",code="not_ready"} 1\n');
  });
});
