import { dumpPrefix, testRedis } from '../support/redis';
import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';

/** Every key name under the prefix, on every master of the test topology. */
async function keyNames(prefix: string): Promise<string[]> {
  return [...(await dumpPrefix(undefined as never, prefix)).keys()];
}

describe('Redis key names hold no phone number, nor any prefix of one', () => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService(
      { PUMPING_MIN_SENDS: '4', PUMPING_MIN_APPROVAL_PERCENT: '50', RESEND_COOLDOWN_SECONDS: '0' },
      'key-names',
    );
  });
  afterAll(() => svc.close());

  it('after every kind of write (starts, resends, checks, idempotency, a pumping block), no key names digits of a number', async () => {
    // One prefix (+1 212 468: the country code and 6 digits, the guard's unit) and its neighbours; one elsewhere.
    const numbers = [
      '+12124680100',
      '+12124680101',
      '+12124680102',
      '+12124680103',
      '+12124680104',
      '+14155550123',
    ];
    const start = (to: string, headers: Record<string, string> = {}) =>
      svc.http
        .post('/v1/verifications')
        .set({ ...auth, ...headers })
        .send({ to, purpose: 'login' });

    const first = await start(numbers[0], { 'Idempotency-Key': 'signup-1', 'X-End-User-IP': '203.0.113.7' });
    expect(first.status).toBe(201);
    expect((await svc.http.post(`/v1/verifications/${first.body.id}/resend`).set(auth).send({})).status).toBe(
      200,
    );
    const wrong = await svc.http
      .post(`/v1/verifications/${first.body.id}/check`)
      .set(auth)
      .send({ code: '000000' });
    expect(wrong.body.valid).toBe(false);
    const code = codeIn(latestMessage(svc.emulator, numbers[0]));
    const byNumber = await svc.http
      .post('/v1/verification-checks')
      .set(auth)
      .send({ to: numbers[0], code, purpose: 'login' });
    expect(byNumber.body.valid).toBe(true);
    expect((await start(numbers[5])).status).toBe(201);
    // Sends to the prefix without approvals until the pumping guard blocks it.
    const answers = [];
    for (const to of numbers.slice(1, 5)) answers.push((await start(to)).status);
    for (let i = 0; i < 3; i++) answers.push((await start(numbers[4])).status);
    expect(answers).toContain(429);
    await svc.settle();

    const names = await keyNames(svc.prefix);
    expect(names.some((name) => name.includes(':rl:prefix-block:'))).toBe(true);
    expect(names.some((name) => name.includes(':rl:prefix-sends:'))).toBe(true);
    // Any 6 digits in a row of a number used: its prefix (the guard's 212468), its line, its whole self.
    const runs = numbers.flatMap((to) => {
      const digits = to.slice(1);
      return Array.from({ length: digits.length - 5 }, (_, i) => digits.slice(i, i + 6));
    });
    const leaks = names.filter((name) => /\+|%2B/i.test(name) || runs.some((run) => name.includes(run)));
    expect(leaks).toEqual([]);
  });

  it("the block's log line names its key; deleting it and the prefix's counts lifts the block", async () => {
    const logged = svc.logs
      .map((line) => JSON.parse(line) as { event?: string; key?: string })
      .find((entry) => entry.event === 'prefix_blocked');
    expect(logged?.key).toMatch(/^rl:prefix-block:[0-9a-f]{24}$/);
    const refused = await svc.http.post('/v1/verifications').set(auth).send({ to: '+12124680199' });
    expect(refused.body.code).toBe('prefix_blocked');

    // Without its hour's counts the guard would judge the next send by them and block the prefix again.
    const subject = String(logged?.key).split(':').pop();
    const keys = (await keyNames(svc.prefix)).filter(
      (name) => name.endsWith(`:rl:prefix-block:${subject}`) || name.includes(`:rl:prefix-sends:${subject}:`),
    );
    expect(keys).toHaveLength(2);
    const raw = testRedis(); // no prefix: the names above are whole
    try {
      // One key a DEL: on a cluster the two keys may live in different slots.
      expect((await Promise.all(keys.map((key) => raw.del(key)))).reduce((a, b) => a + b, 0)).toBe(2);
    } finally {
      raw.disconnect();
    }
    expect((await svc.http.post('/v1/verifications').set(auth).send({ to: '+12124680199' })).status).toBe(
      201,
    );
  });
});
