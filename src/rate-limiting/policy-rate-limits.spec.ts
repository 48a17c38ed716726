import { Clock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { validateEnv } from '../config/env.validation';
import { Settings } from '../config/settings';
import { NotifyCatalog } from '../dispatch/notify-catalog';
import { createEmbeddedRedis } from '../redis/embedded-redis';
import { RecordingEvents } from '../../test/support/recording-events';
import { createRateLimits } from './rate-limiting.module';
import { RateLimits } from './rate-limits';

class FixedClock extends Clock {
  // A Monday, 10:00:00 UTC: every window starts here.
  t = Date.UTC(2026, 0, 5, 10, 0, 0);
  now(): number {
    return this.t;
  }
}

/** `null`: the configuration names no tier. */
function catalog(tier: string | null): NotifyCatalog {
  return {
    configurationId: 'cfg-1',
    describeConfigurationOrFail: async () => ({ tier: tier ?? undefined }),
  } as unknown as NotifyCatalog;
}

function setup(env: Record<string, string> = {}, tier: string | null = 'ADVANCED') {
  const clock = new FixedClock();
  const events = new RecordingEvents();
  const settings = new Settings(validateEnv({ NOTIFY_CAPACITY_WAIT_MS: '0', ...env }));
  const limits = createRateLimits(createEmbeddedRedis('otp:'), settings, clock, catalog(tier), events);
  return { clock, limits, seen: events.published };
}

async function refusal(admission: Promise<unknown>): Promise<{ code: string; retryAfter?: number }> {
  const error = await admission.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`);
  return { code: error.code, retryAfter: error.retryAfterSeconds };
}

const start = (limits: RateLimits, to: string, extra: { clientId?: string; endUserIp?: string } = {}) =>
  limits.admitStart({ clientId: extra.clientId ?? 'acme', to, endUserIp: extra.endUserIp, dryRun: false });

describe('PolicyRateLimits (in-process)', () => {
  it('limits sends per number per quarter hour, starts and resends alike, until the quarter hour ends', async () => {
    const { clock, limits } = setup({ LIMIT_SENDS_PER_NUMBER_15_MIN: '3' });
    await start(limits, '+12065550100');
    await limits.admitResend({ to: '+12065550100' });
    await start(limits, '+12065550100', { clientId: 'globex' });
    expect(await refusal(start(limits, '+12065550100'))).toEqual({
      code: 'rate_limited_destination',
      retryAfter: 900,
    });
    expect(await refusal(limits.admitResend({ to: '+12065550100' }))).toMatchObject({
      code: 'rate_limited_destination',
    });
    await start(limits, '+12065550101');
    clock.t += 15 * 60_000;
    await expect(start(limits, '+12065550100')).resolves.toBeDefined();
  });

  it('limits sends per number per UTC day, with Retry-After to midnight UTC', async () => {
    const { clock, limits } = setup({
      LIMIT_SENDS_PER_NUMBER_15_MIN: '100',
      LIMIT_SENDS_PER_NUMBER_DAY: '2',
    });
    await start(limits, '+12065550100');
    await start(limits, '+12065550100');
    expect(await refusal(start(limits, '+12065550100'))).toEqual({
      code: 'destination_daily_limit',
      retryAfter: 14 * 3600,
    });
    clock.t += 14 * 3600_000;
    await expect(start(limits, '+12065550100')).resolves.toBeDefined();
  });

  it('limits starts per end-user IP, counting an IPv6 /64 as one, and never applies it to resends', async () => {
    const { clock, limits } = setup({ LIMIT_STARTS_PER_IP_HOUR: '2' });
    await start(limits, '+12065550100', { endUserIp: '2001:db8:0:1:0:0:0:1' });
    await start(limits, '+12065550101', { endUserIp: '2001:db8:0:1:0:0:0:2' });
    expect(await refusal(start(limits, '+12065550102', { endUserIp: '2001:db8:0:1:0:0:0:3' }))).toEqual({
      code: 'rate_limited_ip',
      retryAfter: 3600,
    });
    await start(limits, '+12065550102', { endUserIp: '2001:db8:0:2:0:0:0:3' });
    await start(limits, '+12065550103');
    await limits.admitResend({ to: '+12065550100' });
    clock.t += 3600_000;
    await expect(start(limits, '+12065550104', { endUserIp: '2001:db8:0:1:0:0:0:1' })).resolves.toBeDefined();
  });

  it('limits starts per API key per minute, dry runs included', async () => {
    const { clock, limits } = setup({ LIMIT_STARTS_PER_API_KEY_MINUTE: '2' });
    await start(limits, '+12065550100');
    await limits.admitStart({ clientId: 'acme', to: '+12065550101', dryRun: true });
    expect(await refusal(start(limits, '+12065550102'))).toEqual({
      code: 'rate_limited_api_key',
      retryAfter: 60,
    });
    await start(limits, '+12065550102', { clientId: 'globex' });
    clock.t += 60_000;
    await expect(start(limits, '+12065550102')).resolves.toBeDefined();
  });

  it('a refusal gives back what earlier policies took', async () => {
    const { limits } = setup({ LIMIT_SENDS_PER_NUMBER_15_MIN: '1', LIMIT_STARTS_PER_API_KEY_MINUTE: '2' });
    await start(limits, '+12065550100');
    for (let i = 0; i < 5; i++) {
      expect(await refusal(start(limits, '+12065550100'))).toMatchObject({
        code: 'rate_limited_destination',
      });
    }
    await expect(start(limits, '+12065550101')).resolves.toBeDefined();
    expect(await refusal(start(limits, '+12065550102'))).toMatchObject({ code: 'rate_limited_api_key' });
  });

  it('a refund after a failed send gives every point back', async () => {
    const { limits } = setup({ LIMIT_SENDS_PER_NUMBER_15_MIN: '1', LIMIT_STARTS_PER_API_KEY_MINUTE: '1' });
    const admission = await start(limits, '+12065550100');
    await admission.refund();
    await expect(start(limits, '+12065550100')).resolves.toBeDefined();
  });

  it('a dry run counts as a start but not as a send to the number', async () => {
    const { limits } = setup({ LIMIT_SENDS_PER_NUMBER_15_MIN: '1' });
    for (let i = 0; i < 3; i++) {
      await limits.admitStart({ clientId: 'acme', to: '+12065550100', dryRun: true });
    }
    await expect(start(limits, '+12065550100')).resolves.toBeDefined();
  });

  it('reports the policy closest to its limit', async () => {
    const { limits } = setup({ LIMIT_SENDS_PER_NUMBER_15_MIN: '5', LIMIT_STARTS_PER_API_KEY_MINUTE: '300' });
    expect((await start(limits, '+12065550100')).quota).toEqual({
      policy: 'number-15min',
      limit: 5,
      remaining: 4,
      resetSeconds: 900,
    });
    const second = await start(limits, '+12065550101', { endUserIp: '192.0.2.1' });
    expect(second.quota).toMatchObject({ policy: 'number-15min', remaining: 4 });
  });

  describe('SMS-pumping guard', () => {
    const env = {
      NOTIFY_SENDS_PER_SECOND: '1000',
      PUMPING_MIN_SENDS: '10',
      PUMPING_MIN_APPROVAL_PERCENT: '20',
      PUMPING_BLOCK_SECONDS: '7200',
    };

    it('blocks a prefix that ran hot without approvals, for the block time, and reports it', async () => {
      const { clock, limits, seen } = setup(env);
      for (let i = 0; i < 10; i++) await start(limits, `+1206555${String(100 + i).padStart(4, '0')}`);
      expect(await refusal(start(limits, '+12065550200'))).toEqual({
        code: 'prefix_blocked',
        retryAfter: 7200,
      });
      expect(await refusal(limits.admitResend({ to: '+12065559999' }))).toMatchObject({
        code: 'prefix_blocked',
      });
      expect(seen).toEqual([
        {
          type: 'rate_limit.prefix_blocked',
          prefix: '+1206555',
          sends: 10,
          approvals: 0,
          blockSeconds: 7200,
        },
      ]);
      await start(limits, '+12065560100');
      clock.t += 7200_000;
      await expect(start(limits, '+12065550200')).resolves.toBeDefined();
    });

    it('lets a prefix whose codes are used go on', async () => {
      const { limits, seen } = setup(env);
      for (let i = 0; i < 40; i++) {
        const to = `+1206555${String(100 + i).padStart(4, '0')}`;
        await start(limits, to);
        if (i % 2 === 0) limits.approved(to);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(seen).toEqual([]);
    });

    it('caps sends per prefix per hour whatever the approvals', async () => {
      const { limits } = setup({ ...env, PUMPING_SENDS_PER_PREFIX_HOUR: '3' });
      for (let i = 0; i < 3; i++) await start(limits, `+1206555010${i}`);
      expect(await refusal(start(limits, '+12065550109'))).toEqual({
        code: 'rate_limited_prefix',
        retryAfter: 3600,
      });
    });
  });

  describe('Notify capacity', () => {
    it("takes the tier's daily cap (Basic: 200), and refuses with 503 notify_daily_limit until midnight UTC", async () => {
      const { clock, limits } = setup(
        {
          NOTIFY_SENDS_PER_SECOND: '1000',
          PUMPING_MIN_APPROVAL_PERCENT: '0',
          PUMPING_SENDS_PER_PREFIX_HOUR: '1000',
        },
        'BASIC',
      );
      for (let i = 0; i < 200; i++) await start(limits, `+1206555${1000 + i}`);
      const refused = await refusal(start(limits, '+14155550100'));
      expect(refused).toEqual({ code: 'notify_daily_limit', retryAfter: 14 * 3600 });
      clock.t += 14 * 3600_000;
      await expect(start(limits, '+14155550100')).resolves.toBeDefined();
    });

    it("takes the tier's rate (Basic: 1 a second) and refuses a send that would wait too long", async () => {
      const { limits } = setup({}, 'BASIC');
      await start(limits, '+12065550100');
      expect(await refusal(start(limits, '+12065550101'))).toEqual({
        code: 'notify_capacity',
        retryAfter: 1,
      });
    });

    it('an unknown tier is taken as Basic', async () => {
      const { limits } = setup({}, null);
      await start(limits, '+12065550100');
      expect(await refusal(start(limits, '+12065550101'))).toMatchObject({ code: 'notify_capacity' });
    });

    it('has no daily cap on Advanced, and a refusal for capacity gives the other points back', async () => {
      const { limits } = setup({ NOTIFY_SENDS_PER_SECOND: '1', LIMIT_SENDS_PER_NUMBER_15_MIN: '1' });
      await start(limits, '+12065550100');
      expect(await refusal(start(limits, '+12065550101'))).toMatchObject({ code: 'notify_capacity' });
      await new Promise((resolve) => setTimeout(resolve, 1050));
      await expect(start(limits, '+12065550101')).resolves.toBeDefined();
    });
  });
});
