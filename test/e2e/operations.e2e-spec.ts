import { Server } from 'node:http';
import Redis from 'ioredis';
import { VerificationKeys } from '../../src/issuance/verification-keys';
import { REDIS_CLIENT } from '../../src/redis/redis.module';
import { deletePrefix } from '../support/redis';
import { auth, RunningService, startService } from '../support/service';

describe('operations: CORS, server timeouts, logs', () => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService(
      {
        CORS_ORIGINS: 'https://app.example.com,http://localhost:5173',
        SERVER_REQUEST_TIMEOUT_MS: '7000',
        SERVER_CONNECTION_TIMEOUT_MS: '45000',
        SERVER_KEEP_ALIVE_TIMEOUT_MS: '65000',
      },
      'operations',
    );
  });
  afterAll(() => svc.close());

  const preflight = (origin: string) =>
    svc.http
      .options('/v1/verifications')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');

  it('answers CORS for the configured origins only', async () => {
    const allowed = await preflight('https://app.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/Authorization/);

    const other = await preflight('https://evil.example.com');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('applies the server timeouts from the configuration', () => {
    const server = svc.app.getHttpServer() as Server;
    expect(server.requestTimeout).toBe(7000);
    expect(server.timeout).toBe(45000);
    expect(server.keepAliveTimeout).toBe(65000);
  });

  it('puts the request id on lines logged inside a request, and masks numbers everywhere', async () => {
    const to = '+12065550160';
    const created = await svc.http.post('/v1/verifications').set(auth).send({ to });
    expect(created.status).toBe(201);
    await svc.http.get(`/sandbox/messages?to=${encodeURIComponent(to)}`).set(auth);
    // A corrupted record makes the read fail unexpectedly: the problem filter logs it through Nest's Logger.
    const redis = svc.app.get<Redis>(REDIS_CLIENT);
    await redis.set(svc.app.get(VerificationKeys).record(created.body.id as string), 'corrupted');
    const url = `/v1/verifications/${created.body.id}`;
    const broken = await svc.http.get(url).set(auth);
    expect(broken.status).toBe(500);
    expect(broken.body).toMatchObject({ code: 'internal_error' });

    type Line = { msg?: string; req?: { id?: string; url?: string }; res?: { statusCode?: number } };
    const lines = svc.logs.map((line) => JSON.parse(line) as Line);
    const completed = lines.find((l) => l.res?.statusCode === 500 && l.req?.url === url);
    const logged = lines.find((l) => l.msg === 'unhandled error');
    expect(completed?.req?.id).toEqual(expect.any(String));
    expect(logged?.req?.id).toBe(completed?.req?.id);
    expect(svc.logs.join('\n')).not.toContain('2065550160');
    expect(svc.logs.join('\n')).toContain('%2B1206*****60');
  });
});

describe('CORS off unless configured', () => {
  it('sends no CORS headers by default', async () => {
    const svc = await startService({}, 'no-cors');
    try {
      const res = await svc.http
        .options('/v1/verifications')
        .set('Origin', 'https://app.example.com')
        .set('Access-Control-Request-Method', 'POST');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await svc.close();
    }
  });
});

describe('graceful shutdown', () => {
  let svc: RunningService;

  beforeEach(async () => {
    svc = await startService({ SHUTDOWN_DRAIN_MS: '400' }, 'shutdown');
  });
  afterEach(() => deletePrefix(svc.prefix));

  it('finishes a request in flight, then closes Redis', async () => {
    const redis = svc.app.get<Redis>(REDIS_CLIENT);
    svc.emulator.injectFault({ operation: 'SendNotifyTextMessage', delayMs: 400 });
    const inFlight = svc.http
      .post('/v1/verifications')
      .set(auth)
      .send({ to: '+12065550161' })
      .then((r) => r);
    await new Promise((resolve) => setTimeout(resolve, 150)); // the request is waiting on Notify now

    await svc.app.close();

    const res = await inFlight;
    expect(res.status).toBe(201);
    // QUIT was answered during close; the socket ends right after.
    if (redis.status !== 'end') await new Promise<void>((resolve) => redis.once('end', () => resolve()));
    expect(redis.status).toBe('end');
  });

  it('on SIGTERM, probes answer 503 at once while requests are still served for SHUTDOWN_DRAIN_MS', async () => {
    // What Nest's shutdown hook does on SIGTERM (INestApplication's type omits the signal).
    const closing = (svc.app as unknown as { close(signal: string): Promise<void> }).close('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 50));

    const ready = await svc.http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ code: 'not_ready', detail: 'The service is shutting down.' });
    const served = await svc.http.post('/v1/verifications').set(auth).send({ to: '+12065550162' });
    expect(served.status).toBe(201);

    await closing;
  });
});
