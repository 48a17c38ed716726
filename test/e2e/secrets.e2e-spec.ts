import Redis from 'ioredis';
import { dumpPrefix, testRedis } from '../support/redis';
import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';

describe('a code never leaves the message that carries it', () => {
  let svc: RunningService;
  let redis: Redis;

  beforeAll(async () => {
    svc = await startService({ RESEND_COOLDOWN_SECONDS: '0', LOG_LEVEL: 'trace' }, 'secrets');
    redis = testRedis();
  });
  afterAll(async () => {
    redis.disconnect();
    await svc.close();
  });

  it('not in any response, log line, Redis key or value, or Notify Context; numbers are masked in logs', async () => {
    const to = '+12065550140';
    const bodies: string[] = [];
    const codes: string[] = [];
    const keep = (res: { text: string }) => bodies.push(res.text);

    const created = await svc.http
      .post('/v1/verifications')
      .set(auth)
      .send({ to, context: { app: 'shop' } });
    keep(created);
    codes.push(codeIn(latestMessage(svc.emulator, to)));
    keep(await svc.http.post(`/v1/verifications/${created.body.id}/resend`).set(auth).send({}));
    codes.push(codeIn(latestMessage(svc.emulator, to)));
    keep(await svc.http.get(`/v1/verifications/${created.body.id}`).set(auth));
    keep(await svc.http.get(`/v1/verifications/${created.body.id}`).set(auth).query({ to }));
    keep(
      await svc.http.post(`/v1/verifications/${created.body.id}/check`).set(auth).send({ code: codes[0] }),
    );

    const values = [...(await dumpPrefix(redis, svc.prefix)).entries()].flat().join('\n');
    keep(await svc.http.post('/v1/verification-checks').set(auth).send({ to, code: codes[1] }));
    keep(
      await svc.http
        .get('/sandbox/messages?to=%2B12065550140')
        .set({ ...auth, 'X-Request-Id': 'req-secrets-1' }),
    );
    await svc.settle();

    expect(codes.every((c) => /^\d{6}$/.test(c))).toBe(true);
    const messages = svc.emulator.messages({ to });
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      expect(message.context).toEqual({ app: 'shop', verificationId: created.body.id });
    }
    // The sandbox listing is the one place that shows delivered bodies, by design; every other answer is clean.
    const apiBodies = bodies.slice(0, -1);
    const logs = svc.logs.join('\n');
    for (const code of codes) {
      for (const body of apiBodies) expect(body).not.toContain(code);
      expect(logs).not.toContain(code);
      expect(values).not.toContain(code);
    }
    expect(values).toContain('$argon2id$');
    expect(logs).not.toContain('2065550140');
    expect(logs).toContain('1206*****40');
    expect(logs).not.toContain('Bearer');
    expect(svc.logs.some((line) => JSON.parse(line).req?.id === 'req-secrets-1')).toBe(true);
  });
});
