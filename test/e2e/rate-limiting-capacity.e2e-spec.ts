import { BASIC_CONFIGURATION_ID, EmulatedMessage, NotifyEmulator } from '@app/notify-emulator';
import { deletePrefix, uniquePrefix } from '../support/redis';
import { auth, AWS_MODE_API_KEY, RunningService, startService, withAwsModeApp } from '../support/service';

/** Distinct numbers over a few prefixes, so that no per-number or pumping limit takes part. */
const numbers = (count: number) =>
  Array.from({ length: count }, (_, i) => `+1${[206, 212, 312, 415][i % 4]}555${3000 + i}`);

describe('Notify capacity: one token bucket per configuration, shared by every instance', () => {
  const shared = uniquePrefix('rl-capacity');
  const instances: RunningService[] = [];

  beforeAll(async () => {
    const env = { REDIS_KEY_PREFIX: shared, NOTIFY_SENDS_PER_SECOND: '10', NOTIFY_CAPACITY_WAIT_MS: '10000' };
    instances.push(await startService(env, 'rl-capacity-a'), await startService(env, 'rl-capacity-b'));
  });
  afterAll(async () => {
    for (const svc of instances) await svc.close();
    await deletePrefix(shared);
  });

  it('holds its rate across two instances on one Redis: sends per second counted at Notify', async () => {
    const rate = 10;
    const burst = 10;
    const to = numbers(40);
    const answers = await Promise.all(
      to.map((n, i) => instances[i % 2].http.post('/v1/verifications').set(auth).send({ to: n })),
    );
    expect(answers.map((res) => res.status)).toEqual(to.map(() => 201));

    const sent = instances
      .flatMap((svc) => svc.emulator.messages())
      .filter((m: EmulatedMessage) => to.includes(m.destinationPhoneNumber))
      .map((m) => m.sentAt.getTime())
      .sort((a, b) => a - b);
    expect(sent).toHaveLength(40);
    expect(instances.every((svc) => svc.emulator.messages().length === 20)).toBe(true);

    // After the burst the bucket gives `rate` a second: 30 more sends need about 3 s, whichever instance asks.
    const spanMs = sent[sent.length - 1] - sent[0];
    expect(spanMs).toBeGreaterThan(((to.length - burst) / rate) * 1000 * 0.8);
    expect(spanMs).toBeLessThan(((to.length - burst) / rate) * 1000 * 2);
    // No second sees more than a second's rate plus the burst (with a little room for HTTP jitter).
    for (const from of sent) {
      const inSecond = sent.filter((t) => t >= from && t < from + 1000).length;
      expect(inSecond).toBeLessThanOrEqual(rate + burst + 2);
    }
  });
});

describe('Notify capacity refusals', () => {
  const services: RunningService[] = [];
  afterAll(async () => {
    for (const svc of services) await svc.close();
  });

  async function boot(env: Record<string, string>) {
    const svc = await startService(env, 'rl-capacity-refusals');
    services.push(svc);
    return { svc, start: (to: string) => svc.http.post('/v1/verifications').set(auth).send({ to }) };
  }

  it('a send that would wait longer than NOTIFY_CAPACITY_WAIT_MS is a 503 notify_capacity with Retry-After', async () => {
    const { svc, start } = await boot({ NOTIFY_SENDS_PER_SECOND: '1', NOTIFY_CAPACITY_WAIT_MS: '0' });
    expect((await start('+12065554000')).status).toBe(201);
    const refused = await start('+12065554001');
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'notify_capacity', status: 503 });
    expect(refused.headers['retry-after']).toBe('1');
    expect(svc.emulator.messages({ to: '+12065554001' })).toHaveLength(0);
  });

  it("the configuration's daily cap is a 503 notify_daily_limit until midnight UTC", async () => {
    const { svc, start } = await boot({ NOTIFY_DAILY_MESSAGE_LIMIT: '3' });
    svc.clock.startWindow(86_400_000);
    for (const to of ['+12065554002', '+12065554003', '+12065554004'])
      expect((await start(to)).status).toBe(201);
    const refused = await start('+12065554005');
    expect(refused.status).toBe(503);
    expect(refused.body.code).toBe('notify_daily_limit');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86400);
    expect(svc.emulator.messages({ to: '+12065554005' })).toHaveLength(0);
    svc.clock.advance(retryAfter * 1000);
    expect((await start('+12065554005')).status).toBe(201);
  });
});

describe("Notify capacity from the configuration's tier (AWS mode, Basic tier: 1 send a second)", () => {
  const emulator = new NotifyEmulator();
  const prefix = uniquePrefix('rl-tier');

  beforeAll(async () => {
    await emulator.listen(0);
  });
  afterAll(async () => {
    await emulator.close();
    await deletePrefix(prefix);
  });

  it('takes the rate from DescribeNotifyConfigurations when NOTIFY_SENDS_PER_SECOND is unset', async () => {
    await withAwsModeApp(
      emulator,
      BASIC_CONFIGURATION_ID,
      prefix,
      { NOTIFY_CAPACITY_WAIT_MS: '0' },
      async (http) => {
        const send = (to: string) =>
          http
            .post('/v1/verifications')
            .set({ Authorization: `Bearer ${AWS_MODE_API_KEY}` })
            .send({ to });
        expect((await send('+12065554100')).status).toBe(201);
        const refused = await send('+12065554101');
        expect(refused.status).toBe(503);
        expect(refused.body.code).toBe('notify_capacity');
      },
    );
  });
});
