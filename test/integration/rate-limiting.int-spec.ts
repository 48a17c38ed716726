import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { toProblem } from '../../src/api/problem.filter';
import { Clock } from '../../src/common/clock';
import { DomainError } from '../../src/common/domain-error';
import { validateEnv } from '../../src/config/env.validation';
import { Settings } from '../../src/config/settings';
import { NotifyCatalog } from '../../src/dispatch/notify-catalog';
import { Idempotency, RedisIdempotencyStore } from '../../src/rate-limiting/idempotency';
import { RecordingEvents } from '../support/recording-events';
import { createRateLimits } from '../../src/rate-limiting/rate-limiting.module';
import { RateLimits } from '../../src/rate-limiting/rate-limits';
import { RedisTokenBucket } from '../../src/rate-limiting/token-bucket';
import { connectTestRedis, deletePrefix, dumpPrefix, uniquePrefix } from '../support/redis';

/** Starts at the real time, so that Redis TTLs stay meaningful; moved by hand to cross windows. */
class ManualClock extends Clock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
}

const catalog = (tier: string) =>
  ({
    configurationId: 'cfg-int',
    describeConfigurationOrFail: async () => ({ tier }),
  }) as unknown as NotifyCatalog;

describe('rate limits on Redis (rate-limiter-flexible and the Lua scripts)', () => {
  beforeAll(() => Logger.overrideLogger(['error']));

  const prefix = uniquePrefix('rate-limiting');
  const clients: Redis[] = [];

  async function connect(keyPrefix = prefix): Promise<Redis> {
    const redis = await connectTestRedis({ keyPrefix, commandTimeoutMs: 1000 });
    clients.push(redis);
    return redis;
  }

  async function setup(env: Record<string, string> = {}, tier = 'ADVANCED') {
    const scope = `${prefix}${Math.random().toString(36).slice(2, 8)}:`;
    const redis = await connect(scope);
    const clock = new ManualClock();
    const events = new RecordingEvents();
    const seen = events.published;
    const settings = new Settings(
      validateEnv({ NOTIFY_CAPACITY_WAIT_MS: '0', NOTIFY_SENDS_PER_SECOND: '1000', ...env }),
    );
    const limits = createRateLimits(redis, settings, clock, catalog(tier), events);
    return { redis, scope, clock, limits, seen, dump: () => dumpPrefix(redis, scope) };
  }

  afterAll(async () => {
    await Promise.all(clients.filter((c) => c.status !== 'end').map((c) => c.quit()));
    await deletePrefix(prefix);
  });

  const start = (limits: RateLimits, to: string, extra: { clientId?: string; endUserIp?: string } = {}) =>
    limits.admitStart({ clientId: extra.clientId ?? 'acme', to, endUserIp: extra.endUserIp, dryRun: false });

  async function codeOf(admission: Promise<unknown>): Promise<string> {
    const error = await admission.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof DomainError)) throw new Error(`expected a refusal, got ${String(error)}`);
    return error.code;
  }

  it('per number: a quarter hour and a UTC day, across starts and resends, each until its window ends', async () => {
    const { clock, limits } = await setup({
      LIMIT_SENDS_PER_NUMBER_15_MIN: '2',
      LIMIT_SENDS_PER_NUMBER_DAY: '3',
    });
    const to = '+12065550100';
    await start(limits, to);
    await limits.admitResend({ to });
    expect(await codeOf(start(limits, to, { clientId: 'globex' }))).toBe('rate_limited_destination');
    clock.offset += 15 * 60_000;
    await start(limits, to);
    clock.offset += 15 * 60_000;
    expect(await codeOf(start(limits, to))).toBe('destination_daily_limit');
    clock.offset += 24 * 3600_000;
    await expect(start(limits, to)).resolves.toBeDefined();
  });

  it('per end-user IP and per API key, each until its window ends', async () => {
    const { clock, limits } = await setup({
      LIMIT_STARTS_PER_IP_HOUR: '2',
      LIMIT_STARTS_PER_API_KEY_MINUTE: '3',
    });
    await start(limits, '+12065550100', { endUserIp: '203.0.113.7' });
    await start(limits, '+12065550101', { endUserIp: '203.0.113.7' });
    expect(await codeOf(start(limits, '+12065550102', { endUserIp: '203.0.113.7' }))).toBe('rate_limited_ip');
    await start(limits, '+12065550102', { endUserIp: '203.0.113.8' });
    expect(await codeOf(start(limits, '+12065550103'))).toBe('rate_limited_api_key');
    clock.offset += 60_000;
    await start(limits, '+12065550103');
    expect(await codeOf(start(limits, '+12065550104', { endUserIp: '203.0.113.7' }))).toBe('rate_limited_ip');
    clock.offset += 3600_000;
    await expect(start(limits, '+12065550104', { endUserIp: '203.0.113.7' })).resolves.toBeDefined();
  });

  it('rotating the end-user IP does not lift the limits of a number', async () => {
    const { limits } = await setup({ LIMIT_SENDS_PER_NUMBER_15_MIN: '3' });
    for (let i = 0; i < 3; i++) await start(limits, '+12065550100', { endUserIp: `198.51.100.${i}` });
    for (let i = 3; i < 10; i++) {
      expect(await codeOf(start(limits, '+12065550100', { endUserIp: `198.51.100.${i}` }))).toBe(
        'rate_limited_destination',
      );
    }
  });

  it('100 concurrent admissions for one number admit exactly the limit, and the count stays at it', async () => {
    const { limits, dump, scope } = await setup({ LIMIT_SENDS_PER_NUMBER_15_MIN: '5' });
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, () => start(limits, '+12065550100')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const counts = [...(await dump())].filter(([key]) => key.startsWith(`${scope}rl:number-15min:`));
    expect(counts.map(([, value]) => value)).toEqual(['5']);
  });

  it('a refused request changes nothing in Redis, and a refunded one leaves no count behind', async () => {
    const { limits, dump } = await setup({ LIMIT_SENDS_PER_NUMBER_15_MIN: '1' });
    const admitted = await start(limits, '+12065550100', { endUserIp: '203.0.113.7' });
    const before = await dump();
    expect(await codeOf(start(limits, '+12065550100', { endUserIp: '203.0.113.7' }))).toBe(
      'rate_limited_destination',
    );
    expect(await dump()).toEqual(before);

    await admitted.refund();
    const left = [...(await dump()).keys()].filter((key) => !key.includes(':rl:notify-bucket:'));
    expect(left).toEqual([]);
  });

  it('a refusal gives its own point back in the step that counted it: the flood to one number costs 3 round trips, not 4', async () => {
    const { limits, redis, dump } = await setup({ LIMIT_SENDS_PER_NUMBER_15_MIN: '1' });
    await start(limits, '+12065550100');
    const before = await dump();
    const sent = jest.spyOn(redis, 'sendCommand'); // passes every command through to Redis; only counts them
    try {
      expect(await codeOf(start(limits, '+12065550100'))).toBe('rate_limited_destination');
      // The API key's take, the number's take (refused and undone in the same script), the API key's refund.
      expect(sent.mock.calls.map(([command]) => (command as { name: string }).name)).toEqual([
        'evalsha',
        'evalsha',
        'evalsha',
      ]);
    } finally {
      sent.mockRestore();
    }
    expect(await dump()).toEqual(before);
  });

  it("a number's quarter hour and day are taken in one round trip, their keys in one Redis Cluster slot (one hash tag)", async () => {
    const { limits, redis } = await setup();
    const sent = jest.spyOn(redis, 'sendCommand'); // passes every command through to Redis; only counts them
    try {
      await start(limits, '+12065550100');
      const touching = sent.mock.calls
        .map(([command]) => (command as { args: unknown[] }).args.map(String))
        .filter((args) => args.some((arg) => arg.includes('rl:number-')));
      expect(touching).toHaveLength(1);
      const keys = touching[0].filter((arg) => arg.includes('rl:number-'));
      expect(keys).toHaveLength(2);
      const tags = keys.map((key) => /\{([^}]+)\}/.exec(key)?.[1]);
      expect(tags[0]).toMatch(/^[0-9a-f]{24}$/);
      expect(tags[1]).toBe(tags[0]);
    } finally {
      sent.mockRestore();
    }
  });

  it('the pumping guard blocks a hot prefix without approvals, not one whose codes are used, until the block ends', async () => {
    const { clock, limits, seen } = await setup({
      PUMPING_MIN_SENDS: '10',
      PUMPING_MIN_APPROVAL_PERCENT: '20',
      PUMPING_BLOCK_SECONDS: '3600',
    });
    for (let i = 0; i < 10; i++) await start(limits, `+1206555${1000 + i}`);
    expect(await codeOf(start(limits, '+12065551010'))).toBe('prefix_blocked');
    expect(seen).toMatchObject([
      { type: 'rate_limit.prefix_blocked', prefix: '+1206555', sends: 10, approvals: 0 },
    ]);

    for (let i = 0; i < 30; i++) {
      const to = `+1212555${1000 + i}`;
      await start(limits, to);
      if (i % 3 !== 0) limits.approved(to);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(seen).toHaveLength(1);

    clock.offset += 3600_000;
    await expect(start(limits, '+12065551010')).resolves.toBeDefined();
  });

  it("Notify's daily cap (Basic: 200) per UTC day, and a prefix's hourly cap", async () => {
    const { clock, limits } = await setup(
      { PUMPING_MIN_APPROVAL_PERCENT: '0', PUMPING_SENDS_PER_PREFIX_HOUR: '150' },
      'BASIC',
    );
    const admissions = [];
    for (let i = 0; i < 150; i++) admissions.push(start(limits, `+1206555${1000 + i}`));
    await Promise.all(admissions);
    expect(await codeOf(start(limits, '+12065552000'))).toBe('rate_limited_prefix');
    for (let i = 0; i < 50; i++) await start(limits, `+1212555${1000 + i}`);
    expect(await codeOf(start(limits, '+14155550100'))).toBe('notify_daily_limit');
    clock.offset += 24 * 3600_000;
    await expect(start(limits, '+14155550100')).resolves.toBeDefined();
  });

  it('fails closed when Redis cannot be reached: the refusal is a 503', async () => {
    const { redis, limits } = await setup();
    redis.disconnect();
    const error = await start(limits, '+12065550100').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(toProblem(error)).toMatchObject({ problem: { status: 503, code: 'store_unavailable' } });
  });

  describe('the Notify token bucket (token-bucket.lua)', () => {
    it('serves a burst at once and then one reservation per 1/rate, shared by every connection', async () => {
      const a = await connect();
      const b = await connect();
      const buckets = [new RedisTokenBucket(a), new RedisTokenBucket(b)];
      const spec = { ratePerSecond: 10, burst: 10, maxWaitMs: 2000 };
      // Load the script on the bucket's node first (a key of the same slot), so NOSCRIPT round trips do not spread
      // the burst.
      await Promise.all(buckets.map((bucket) => bucket.reserve('rl:notify-bucket:{shared}:warm-up', spec)));
      const started = Date.now();
      const reservations = await Promise.all(
        Array.from({ length: 40 }, (_, i) => buckets[i % 2].reserve('rl:notify-bucket:{shared}', spec)),
      );
      // The bucket refills while the 40 calls are served (one token per 100 ms): on a busy machine or a cluster
      // that takes a few hundred ms.
      const refilled = Math.ceil((Date.now() - started) / 100);
      const granted = reservations.filter((r) => r.kind === 'granted').map((r) => r.waitMs);
      expect(granted.length).toBeGreaterThanOrEqual(29);
      expect(granted.length).toBeLessThanOrEqual(31 + refilled);
      expect(granted.filter((w) => w === 0).length).toBeGreaterThanOrEqual(10);
      const sorted = [...granted].sort((x, y) => x - y);
      // Within each second, no more than the rate (plus the burst at the start).
      for (let second = 1; second <= 2; second++) {
        const inSecond = sorted.filter((w) => w > (second - 1) * 1000 && w <= second * 1000).length;
        expect(inSecond).toBeLessThanOrEqual(11 + refilled);
      }
      expect(reservations.filter((r) => r.kind === 'refused').every((r) => r.waitMs > 2000)).toBe(true);
    });
  });

  describe('Idempotency on Redis', () => {
    it('concurrent requests with one key: exactly one holds it, the others get its answer', async () => {
      const redis = await connect();
      const idempotency = new Idempotency(new RedisIdempotencyStore(redis), {
        answerTtlMs: 60_000,
        holdMs: 10_000,
        waitMs: 2000,
        pollMs: 10,
      });
      const begun = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const result = await idempotency.begin('acme', 'key-1', { to: '+12065550100' });
          if (result.kind === 'hold') {
            await new Promise((resolve) => setTimeout(resolve, 50));
            await idempotency.complete(result, { status: 201, body: { id: 'VE1' } });
          }
          return result.kind;
        }),
      );
      expect(begun.filter((k) => k === 'hold')).toHaveLength(1);
      expect(begun.filter((k) => k === 'replay')).toHaveLength(19);
      await expect(idempotency.begin('acme', 'key-1', { to: '+12065550101' })).rejects.toMatchObject({
        code: 'idempotency_key_reused',
      });
    });

    it('a released key runs afresh, and only its holder settles it', async () => {
      const redis = await connect();
      const idempotency = new Idempotency(new RedisIdempotencyStore(redis), {
        answerTtlMs: 60_000,
        holdMs: 10_000,
        waitMs: 0,
        pollMs: 10,
      });
      const first = await idempotency.begin('acme', 'key-2', {});
      if (first.kind !== 'hold') throw new Error('expected to hold the key');
      await expect(idempotency.begin('acme', 'key-2', {})).rejects.toMatchObject({
        code: 'idempotency_in_progress',
      });
      await idempotency.release({ ...first, token: 'someone-else' });
      await expect(idempotency.begin('acme', 'key-2', {})).rejects.toMatchObject({
        code: 'idempotency_in_progress',
      });
      await idempotency.release(first);
      expect((await idempotency.begin('acme', 'key-2', {})).kind).toBe('hold');
    });
  });
});
