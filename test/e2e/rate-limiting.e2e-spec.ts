import Redis from 'ioredis';
import { REDIS_CLIENT } from '../../src/redis/redis.module';
import { codeIn, latestMessage, RunningService, startService } from '../support/service';
import { TWO_CLIENTS_API_KEYS as API_KEYS, as, wrongCodeFor } from '../support/clients';

const acme = as('acme');

describe('rate limits over HTTP', () => {
  describe('per number (defaults: 5 sends a quarter hour, 8 a UTC day)', () => {
    // Each test uses numbers of its own prefix, so that the pumping guard (30 sends an hour without approvals) stays
    // out of the way.
    let svc: RunningService;

    beforeAll(async () => {
      svc = await startService(
        { API_KEYS, RESEND_COOLDOWN_SECONDS: '0', MAX_SENDS_PER_VERIFICATION: '10', OTP_TTL_SECONDS: '7200' },
        'rl-number',
      );
    });
    afterAll(() => svc.close());

    const startFor = (to: string, headers: Record<string, string> = acme) =>
      svc.http.post('/v1/verifications').set(headers).send({ to, channel: 'sms' });

    it('100 concurrent starts for one number: exactly 5 messages reach Notify, the rest are 429s', async () => {
      svc.clock.startWindow(15 * 60_000);
      const to = '+12065550100';
      const answers = await Promise.all(Array.from({ length: 100 }, () => startFor(to)));
      const created = answers.filter((res) => res.status === 201);
      const refused = answers.filter((res) => res.status === 429);
      expect(created).toHaveLength(5);
      expect(refused).toHaveLength(95);
      expect(svc.emulator.messages({ to })).toHaveLength(5);
      for (const res of refused) {
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.body).toMatchObject({ status: 429, code: 'rate_limited_destination' });
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(900);
      }
      const remaining = created.map((res) => Number(res.headers['ratelimit-remaining'])).sort();
      expect(remaining).toEqual([0, 1, 2, 3, 4]);
      for (const res of created) {
        expect(res.headers['ratelimit-limit']).toBe('5');
        expect(Number(res.headers['ratelimit-reset'])).toBeGreaterThan(0);
      }
    });

    it('rotating X-End-User-IP does not lift the limits of a number', async () => {
      svc.clock.startWindow(15 * 60_000);
      const to = '+12125550101';
      for (let i = 0; i < 5; i++) {
        const res = await startFor(to, { ...acme, 'X-End-User-IP': `198.51.100.${i}` });
        expect(res.status).toBe(201);
      }
      for (let i = 5; i < 10; i++) {
        const res = await startFor(to, { ...acme, 'X-End-User-IP': `2001:db8:${i}::1` });
        expect(res.status).toBe(429);
        expect(res.body.code).toBe('rate_limited_destination');
      }
      expect(svc.emulator.messages({ to })).toHaveLength(5);
    });

    it('resends count against the number, a refused resend costs the verification nothing, and the windows reset', async () => {
      svc.clock.startWindow(15 * 60_000);
      const to = '+13125550102';
      const created = await startFor(to);
      const resend = () => svc.http.post(`/v1/verifications/${created.body.id}/resend`).set(acme).send({});
      for (let i = 0; i < 4; i++) {
        const res = await resend();
        expect(res.status).toBe(200);
        expect(res.headers['ratelimit-remaining']).toBe(String(3 - i));
      }
      const refused = await resend();
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('rate_limited_destination');
      const read = await svc.http.get(`/v1/verifications/${created.body.id}`).set(acme);
      expect(read.body.sendAttempts).toHaveLength(5);

      svc.clock.advance(15 * 60_000);
      for (let i = 0; i < 3; i++) expect((await resend()).status).toBe(200);
      const daily = await resend();
      expect(daily.status).toBe(429);
      expect(daily.body.code).toBe('destination_daily_limit');
      expect(svc.emulator.messages({ to })).toHaveLength(8);

      svc.clock.advance(24 * 3600_000);
      expect((await startFor(to)).status).toBe(201);
    });

    it("a number's refusal reads the same whether or not it has a verification, whoever asks", async () => {
      svc.clock.startWindow(15 * 60_000);
      const withPending = '+14155550103';
      const withNone = '+14155550104';
      for (let i = 0; i < 5; i++) await startFor(withPending);
      let last: { body: { id: string } } | undefined;
      for (let i = 0; i < 5; i++) last = await startFor(withNone);
      await svc.http.post(`/v1/verifications/${last!.body.id}/cancel`).set(acme);

      const answers = [
        await startFor(withPending),
        await startFor(withNone),
        await startFor(withPending, as('globex')),
        await startFor(withNone, as('globex')),
      ];
      const [first, ...others] = answers;
      expect(first.status).toBe(429);
      for (const res of others) {
        expect(res.status).toBe(429);
        expect(res.text.replace(withNone, withPending)).toBe(first.text);
        expect(
          Math.abs(Number(res.headers['retry-after']) - Number(first.headers['retry-after'])),
        ).toBeLessThan(2);
      }
    });
  });

  describe('per end-user IP, per API key and the country lists', () => {
    let svc: RunningService;

    beforeAll(async () => {
      svc = await startService(
        {
          API_KEYS,
          LIMIT_STARTS_PER_IP_HOUR: '3',
          LIMIT_STARTS_PER_API_KEY_MINUTE: '6',
          BLOCKED_COUNTRIES: 'CA',
        },
        'rl-caller',
      );
    });
    afterAll(() => svc.close());

    const startFrom = (to: string, headers: Record<string, string>) =>
      svc.http.post('/v1/verifications').set(headers).send({ to });

    it('per IP: 3 starts an hour, reported in RateLimit-*; other IPs and calls without the header are not counted', async () => {
      svc.clock.startWindow(3600_000);
      const ip = { ...acme, 'X-End-User-IP': '203.0.113.7' };
      const first = await startFrom('+12125550100', ip);
      expect(first.status).toBe(201);
      expect(first.headers).toMatchObject({
        'ratelimit-limit': '3',
        'ratelimit-remaining': '2',
      });
      expect(Number(first.headers['ratelimit-reset'])).toBeLessThanOrEqual(3600);
      expect((await startFrom('+12125550101', ip)).status).toBe(201);
      expect((await startFrom('+12125550102', ip)).status).toBe(201);
      const refused = await startFrom('+12125550103', ip);
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('rate_limited_ip');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect((await startFrom('+12125550103', as('globex'))).status).toBe(201);
      expect(
        (await startFrom('+12125550104', { ...as('globex'), 'X-End-User-IP': '203.0.113.8' })).status,
      ).toBe(201);

      svc.clock.advance(3600_000);
      expect((await startFrom('+12125550105', ip)).status).toBe(201);
    });

    it('per API key: 6 starts a minute; another key is not counted; the minute resets it', async () => {
      svc.clock.startWindow(3600_000);
      for (let i = 0; i < 6; i++) expect((await startFrom(`+1312555010${i}`, acme)).status).toBe(201);
      const refused = await startFrom('+13125550106', acme);
      expect(refused.status).toBe(429);
      expect(refused.body.code).toBe('rate_limited_api_key');
      expect((await startFrom('+13125550106', as('globex'))).status).toBe(201);
      svc.clock.advance(60_000);
      expect((await startFrom('+13125550107', acme)).status).toBe(201);
    });

    it('an invalid X-End-User-IP is a 400 naming the header, and sends nothing', async () => {
      const to = '+14155550123';
      for (const value of ['localhost', '203.0.113.7, 198.51.100.1', '']) {
        const res = await startFrom(to, { ...as('globex'), 'X-End-User-IP': value });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: 'invalid_request', errors: [{ field: 'X-End-User-IP' }] });
      }
      expect(svc.emulator.messages({ to })).toEqual([]);
    });

    it('a country on BLOCKED_COUNTRIES is refused before any limit counts it', async () => {
      svc.clock.advance(3600_000);
      const ip = { ...acme, 'X-End-User-IP': '192.0.2.55' };
      for (let i = 0; i < 5; i++) {
        const res = await startFrom('+16045550100', ip);
        expect(res.status).toBe(422);
        expect(res.body).toMatchObject({ code: 'country_not_allowed', errors: [{ field: 'to' }] });
      }
      const allowed = await startFrom('+16175550100', ip);
      expect(allowed.status).toBe(201);
      expect(allowed.headers['ratelimit-remaining']).toBe('2');
    });
  });

  describe('failed checks per number (OTP_MAX_FAILED_CHECKS_PER_NUMBER)', () => {
    let svc: RunningService;

    beforeAll(async () => {
      svc = await startService({ API_KEYS, OTP_MAX_FAILED_CHECKS_PER_NUMBER: '3' }, 'rl-checks');
    });
    afterAll(() => svc.close());

    it('once reached, the right code fails exactly like a wrong one, by id and by number, even after a new code', async () => {
      const to = '+12065550105';
      const created = await svc.http.post('/v1/verifications').set(acme).send({ to });
      const code = codeIn(latestMessage(svc.emulator, to));
      const check = (id: string, body: { code: string }) =>
        svc.http.post(`/v1/verifications/${id}/check`).set(acme).send(body);
      for (let i = 0; i < 3; i++) await check(created.body.id, { code: wrongCodeFor(code) });

      const right = await check(created.body.id, { code });
      const wrong = await check(created.body.id, { code: wrongCodeFor(code) });
      expect(right.status).toBe(200);
      expect(right.body).toEqual({
        id: created.body.id,
        valid: false,
        status: 'pending',
        attemptsRemaining: 2,
      });
      expect(right.text).toBe(wrong.text);

      const again = await svc.http.post('/v1/verifications').set(acme).send({ to });
      const newCode = codeIn(latestMessage(svc.emulator, to));
      expect((await check(again.body.id, { code: newCode })).body).toMatchObject({ valid: false });
      const byNumber = await svc.http.post('/v1/verification-checks').set(acme).send({ to, code: newCode });
      const unknown = await svc.http
        .post('/v1/verification-checks')
        .set(acme)
        .send({ to: '+12065550199', code: newCode });
      expect(byNumber.status).toBe(200);
      expect(byNumber.text).toBe(unknown.text);
    });
  });

  describe('in process, without Redis (rate-limiter-flexible in memory)', () => {
    let svc: RunningService;

    beforeAll(async () => {
      svc = await startService(
        { API_KEYS, REDIS_URL: '', NOTIFY_SENDS_PER_SECOND: '2', NOTIFY_CAPACITY_WAIT_MS: '2000' },
        'rl-memory',
      );
    });
    afterAll(() => svc.close());

    it('enforces the same policies, waits for Notify capacity, and keeps idempotent answers', async () => {
      const to = '+12065550107';
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 7 }, () => svc.http.post('/v1/verifications').set(acme).send({ to })),
      );
      expect(answers.map((res) => res.status).sort()).toEqual([201, 201, 201, 201, 201, 429, 429]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
      expect(svc.emulator.messages({ to })).toHaveLength(5);

      const once = await svc.http
        .post('/v1/verifications')
        .set({ ...acme, 'Idempotency-Key': 'k' })
        .send({ to: '+12125550107' });
      const twice = await svc.http
        .post('/v1/verifications')
        .set({ ...acme, 'Idempotency-Key': 'k' })
        .send({ to: '+12125550107' });
      expect(twice.body).toEqual(once.body);
      expect(svc.emulator.messages({ to: '+12125550107' })).toHaveLength(1);
    });
  });

  describe('when Redis cannot be reached', () => {
    let svc: RunningService;

    beforeAll(async () => {
      svc = await startService({ API_KEYS }, 'rl-down');
    });
    afterAll(() => svc.close());

    it('limits fail closed: 503 with Retry-After, and nothing is sent; back once Redis is', async () => {
      const redis = svc.app.get<Redis>(REDIS_CLIENT);
      redis.disconnect();
      const res = await svc.http.post('/v1/verifications').set(acme).send({ to: '+12065550106' });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('store_unavailable');
      expect(res.headers['retry-after']).toBeDefined();
      expect(svc.emulator.messages()).toHaveLength(0);

      await redis.connect();
      expect((await svc.http.post('/v1/verifications').set(acme).send({ to: '+12065550106' })).status).toBe(
        201,
      );
    });
  });
});
