import { createEmbeddedRedis } from '../redis/embedded-redis';
import { RedisTokenBucket } from './token-bucket';

// token-bucket.lua reads Redis's own clock (TIME); on the embedded store that is the process clock, which a faked
// system time moves.
beforeEach(() =>
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: 1_000_000 }),
);
afterEach(() => jest.useRealTimers());

describe(`${RedisTokenBucket.name} on the embedded store`, () => {
  it('grants a burst at once, then reserves tokens at the rate, and refuses a wait longer than allowed', async () => {
    const bucket = new RedisTokenBucket(createEmbeddedRedis('otp:'));
    const spec = { ratePerSecond: 5, burst: 5, maxWaitMs: 1000 };
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await bucket.reserve('k', spec);
      expect(r.kind).toBe('granted');
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([0, 0, 0, 0, 0, 200, 400, 600, 800, 1000]);
    expect(await bucket.reserve('k', spec)).toEqual({ kind: 'refused', waitMs: 1200 });
    jest.setSystemTime(Date.now() + 2000);
    expect(await bucket.reserve('k', spec)).toEqual({ kind: 'granted', waitMs: 0 });
  });

  it('keeps one bucket per key', async () => {
    const bucket = new RedisTokenBucket(createEmbeddedRedis('otp:'));
    const spec = { ratePerSecond: 1, burst: 1, maxWaitMs: 0 };
    expect((await bucket.reserve('a', spec)).kind).toBe('granted');
    expect((await bucket.reserve('a', spec)).kind).toBe('refused');
    expect((await bucket.reserve('b', spec)).kind).toBe('granted');
  });
});
