import { deletePrefix, uniquePrefix } from '../support/redis';
import { auth, codeIn, latestMessage, RunningService, startService } from '../support/service';

/**
 * Two instances on one Redis (in `npm run test:cluster`, one Redis Cluster) with one OTP_HASH_SECRET: a number's
 * limits, an Idempotency-Key and a verification are one wherever a request lands. (The Notify token bucket across
 * two instances: rate-limiting-capacity.e2e-spec.ts, run on both topologies too.)
 */
describe('two instances on one Redis share limits, idempotency and verifications', () => {
  const shared = uniquePrefix('instances');
  const instances: RunningService[] = [];

  beforeAll(async () => {
    const env = { REDIS_KEY_PREFIX: shared };
    instances.push(await startService(env, 'instances-a'), await startService(env, 'instances-b'));
  });
  afterAll(async () => {
    for (const svc of instances) await svc.close();
    await deletePrefix(shared);
  });

  const [a, b] = [0, 1];
  const sentTo = (to: string) => instances.flatMap((svc) => svc.emulator.messages({ to }));
  /** The message of `to` whichever instance's emulator it went through. */
  const codeFor = (to: string) => {
    const [latest] = sentTo(to).sort((x, y) => y.sentAt.getTime() - x.sentAt.getTime());
    return codeIn(latest);
  };

  it("one number's sends are counted once across both: 12 concurrent starts send the limit of 5", async () => {
    for (const svc of instances) svc.clock.startWindow(15 * 60_000);
    const to = '+12065558100';
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        instances[i % 2].http.post('/v1/verifications').set(auth).send({ to, channel: 'sms' }),
      ),
    );
    expect(answers.filter((res) => res.status === 201)).toHaveLength(5);
    const refused = answers.filter((res) => res.status !== 201);
    expect(refused.map((res) => res.body.code)).toEqual(refused.map(() => 'rate_limited_destination'));
    expect(sentTo(to)).toHaveLength(5);
    // Each start canceled the one pending before it (create.lua, given the pending one's keys): one live code.
    const statuses = await Promise.all(
      answers
        .filter((res) => res.status === 201)
        .map(
          async (res) =>
            (await instances[b].http.get(`/v1/verifications/${res.body.id}`).set(auth)).body.status,
        ),
    );
    expect(statuses.sort()).toEqual(['canceled', 'canceled', 'canceled', 'canceled', 'pending']);
  });

  it('a code sent through one instance is checked, by id and by number, through the other; cancel likewise', async () => {
    const to = '+12065558101';
    const created = await instances[a].http.post('/v1/verifications').set(auth).send({ to, channel: 'sms' });
    expect(created.status).toBe(201);
    const code = codeIn(latestMessage(instances[a].emulator, to));
    const check = await instances[b].http
      .post(`/v1/verifications/${created.body.id}/check`)
      .set(auth)
      .send({ code });
    expect(check.body).toMatchObject({ valid: true, status: 'approved' });

    const other = '+12065558102';
    expect((await instances[b].http.post('/v1/verifications').set(auth).send({ to: other })).status).toBe(
      201,
    );
    const byNumber = await instances[a].http
      .post('/v1/verification-checks')
      .set(auth)
      .send({ to: other, code: codeFor(other) });
    expect(byNumber.body).toMatchObject({ valid: true, status: 'approved' });

    const third = '+12065558103';
    const started = await instances[a].http.post('/v1/verifications').set(auth).send({ to: third });
    const canceled = await instances[b].http.post(`/v1/verifications/${started.body.id}/cancel`).set(auth);
    expect(canceled.body).toMatchObject({ status: 'canceled' });
    // A new start on one instance replaces the pending verification started on the other.
    const first = await instances[a].http.post('/v1/verifications').set(auth).send({ to: '+12065558104' });
    const second = await instances[b].http.post('/v1/verifications').set(auth).send({ to: '+12065558104' });
    expect(second.status).toBe(201);
    expect((await instances[a].http.get(`/v1/verifications/${first.body.id}`).set(auth)).body.status).toBe(
      'canceled',
    );
  });

  it('one Idempotency-Key sent to both at once sends once and answers both with the same verification', async () => {
    const to = '+12065558105';
    const answers = await Promise.all(
      instances.map((svc) =>
        svc.http.post('/v1/verifications').set(auth).set('Idempotency-Key', 'signup-42').send({ to }),
      ),
    );
    expect(answers.map((res) => res.status)).toEqual([201, 201]);
    expect(answers[0].body.id).toBe(answers[1].body.id);
    expect(answers.filter((res) => res.headers['idempotent-replayed'] === 'true')).toHaveLength(1);
    expect(sentTo(to)).toHaveLength(1);
  });
});
