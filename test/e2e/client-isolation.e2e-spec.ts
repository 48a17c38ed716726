import { codeIn, latestMessage, RunningService, startService } from '../support/service';
import { freePort, RedisProcess } from '../support/redis-process';
import { TWO_CLIENTS_API_KEYS as API_KEYS, as, wrongCodeFor } from '../support/clients';

describe("one API client cannot lock out another's users (issue 11)", () => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService({ API_KEYS, OTP_MAX_FAILED_CHECKS_PER_NUMBER: '3' }, 'isolation');
  });
  afterAll(() => svc.close());

  it("globex's wrong codes for a number spend globex's budget only: acme's user still gets in", async () => {
    const to = '+12065550190';
    const mine = await svc.http.post('/v1/verifications').set(as('acme')).send({ to });
    expect(mine.status).toBe(201);
    const code = codeIn(latestMessage(svc.emulator, to));

    const theirs = await svc.http.post('/v1/verifications').set(as('globex')).send({ to });
    expect(theirs.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const wrong = await svc.http
        .post(`/v1/verifications/${theirs.body.id}/check`)
        .set(as('globex'))
        .send({ code: wrongCodeFor(code) });
      expect(wrong.body.valid).toBe(false);
    }
    const locked = await svc.http
      .post('/v1/verification-checks')
      .set(as('globex'))
      .send({ to, code: wrongCodeFor(code) });
    expect(locked.body).toEqual({ valid: false, status: 'pending' });

    const right = await svc.http
      .post(`/v1/verifications/${mine.body.id}/check`)
      .set(as('acme'))
      .send({ code });
    expect(right.body).toMatchObject({ valid: true, status: 'approved' });
  });
});

describe('check by number takes the same path with or without a verification (issue 11)', () => {
  let own: RedisProcess;
  let svc: RunningService;

  beforeAll(async () => {
    own = new RedisProcess(await freePort());
    await own.start();
    // The outbox would poll Redis in the background; at its slowest it stays out of the counts.
    svc = await startService({ REDIS_URL: own.url, OUTBOX_POLL_MS: '60000' }, 'same-path');
  });
  afterAll(async () => {
    await svc.close();
    await own.kill();
  });

  /**
   * The round trips one request made to Redis: the commands the service sent, by name and count, as MONITOR shows
   * them (the commands scripts run inside Redis are left out: they cost no round trip).
   */
  async function roundTripsOf(request: () => Promise<unknown>): Promise<Record<string, number>> {
    const monitor = await own.client().monitor();
    const counts: Record<string, number> = {};
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (source !== 'lua') counts[args[0].toLowerCase()] = (counts[args[0].toLowerCase()] ?? 0) + 1;
    });
    try {
      await request();
      await new Promise((resolve) => setTimeout(resolve, 100)); // MONITOR's lines trail the replies a little
      return counts;
    } finally {
      monitor.disconnect();
    }
  }

  const checkByNumber = (to: string, code: string) =>
    svc.http.post('/v1/verification-checks').set({ Authorization: 'Bearer sandbox' }).send({ to, code });

  it('makes the same Redis commands for a wrong code whether or not the number has a verification', async () => {
    const known = '+12065550191';
    const started = await svc.http
      .post('/v1/verifications')
      .set({ Authorization: 'Bearer sandbox' })
      .send({ to: known });
    expect(started.status).toBe(201);
    const wrong = wrongCodeFor(codeIn(latestMessage(svc.emulator, known)));
    // Once each first, so that both paths have their scripts loaded (EVALSHA, not EVAL after NOSCRIPT).
    await checkByNumber(known, wrong);
    await checkByNumber('+12065550192', wrong);

    const withVerification = await roundTripsOf(() => checkByNumber(known, wrong));
    const without = await roundTripsOf(() => checkByNumber('+12065550193', wrong));
    expect(withVerification).toEqual(without);
    expect(withVerification).toMatchObject({ get: 1, hgetall: 1, evalsha: 2 });
  });
});
