import { IdempotencyInProgress, IdempotencyKeyReused, InvalidRequest } from '../common/domain-error';
import { createEmbeddedRedis } from '../redis/embedded-redis';
import { fingerprintOf, Idempotency, parseIdempotencyKey, RedisIdempotencyStore } from './idempotency';

function setup(waitMs = 200) {
  return new Idempotency(new RedisIdempotencyStore(createEmbeddedRedis('otp:')), {
    answerTtlMs: 86_400_000,
    holdMs: 60_000,
    waitMs,
    pollMs: 5,
  });
}

describe(Idempotency.name, () => {
  it('gives the first answer again for the same key and body', async () => {
    const idempotency = setup();
    const first = await idempotency.begin('acme', 'k1', { to: '+12065550100' });
    expect(first.kind).toBe('hold');
    if (first.kind !== 'hold') return;
    await idempotency.complete(first, { status: 201, body: { id: 'VE1' } });
    expect(await idempotency.begin('acme', 'k1', { to: '+12065550100' })).toEqual({
      kind: 'replay',
      status: 201,
      body: { id: 'VE1' },
    });
  });

  it('refuses the key with another body, and scopes keys per API client', async () => {
    const idempotency = setup();
    const first = await idempotency.begin('acme', 'k1', { to: '+12065550100' });
    if (first.kind === 'hold') await idempotency.complete(first, { status: 201, body: {} });
    await expect(idempotency.begin('acme', 'k1', { to: '+12065550101' })).rejects.toBeInstanceOf(
      IdempotencyKeyReused,
    );
    expect((await idempotency.begin('globex', 'k1', { to: '+12065550101' })).kind).toBe('hold');
  });

  it('makes a concurrent repeat wait for the answer, or 409 when it does not come in time', async () => {
    const idempotency = setup(100);
    const first = await idempotency.begin('acme', 'k1', {});
    const waiting = idempotency.begin('acme', 'k1', {});
    if (first.kind === 'hold')
      setTimeout(() => void idempotency.complete(first, { status: 201, body: 1 }), 20);
    await expect(waiting).resolves.toMatchObject({ kind: 'replay', body: 1 });

    await idempotency.begin('acme', 'k2', {});
    await expect(idempotency.begin('acme', 'k2', {})).rejects.toBeInstanceOf(IdempotencyInProgress);
  });

  it('an error releases the key: a retry runs afresh', async () => {
    const idempotency = setup();
    const first = await idempotency.begin('acme', 'k1', {});
    if (first.kind === 'hold') await idempotency.release(first);
    expect((await idempotency.begin('acme', 'k1', {})).kind).toBe('hold');
  });
});

describe('Idempotency.releaseEventually', () => {
  /** A store that refuses to settle `failures` times (Redis down), then works. */
  class FlakyStore extends RedisIdempotencyStore {
    constructor(private failures: number) {
      super(createEmbeddedRedis('otp:'));
    }
    override async settle(...args: Parameters<RedisIdempotencyStore['settle']>): Promise<void> {
      if (this.failures-- > 0) throw new Error('Connection is closed.');
      return super.settle(...args);
    }
  }

  it('keeps trying in the background until the store takes the release, so the key does not stay held', async () => {
    const idempotency = new Idempotency(new FlakyStore(2), {
      answerTtlMs: 86_400_000,
      holdMs: 60_000,
      waitMs: 0,
      pollMs: 5,
    });
    const first = await idempotency.begin('acme', 'k1', {});
    if (first.kind !== 'hold') throw new Error('expected a hold');
    await idempotency.releaseEventually(first, true);
    await expect(idempotency.begin('acme', 'k1', {})).rejects.toBeInstanceOf(IdempotencyInProgress);
    await eventually(
      async () => (await idempotency.begin('acme', 'k1', {}).catch(() => null))?.kind === 'hold',
    );
  });

  it("changes nothing once the request's step recorded its answer", async () => {
    const idempotency = setup();
    const first = await idempotency.begin('acme', 'k1', {});
    if (first.kind !== 'hold') throw new Error('expected a hold');
    await idempotency.complete(first, { status: 200, body: { valid: true } });
    await idempotency.releaseEventually(first, true);
    expect(await idempotency.begin('acme', 'k1', {})).toEqual({
      kind: 'replay',
      status: 200,
      body: { valid: true },
    });
  });
});

async function eventually(probe: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('never happened');
}

describe(fingerprintOf.name, () => {
  it('ignores key order, not values', () => {
    expect(fingerprintOf({ a: 1, b: { c: 2, d: 3 } })).toBe(fingerprintOf({ b: { d: 3, c: 2 }, a: 1 }));
    expect(fingerprintOf({ a: 1 })).not.toBe(fingerprintOf({ a: 2 }));
    expect(fingerprintOf([1, 2])).not.toBe(fingerprintOf([2, 1]));
  });
});

describe(parseIdempotencyKey.name, () => {
  it('takes 1 to 255 visible ASCII characters', () => {
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe(
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
    );
    for (const bad of ['', 'a b', 'x'.repeat(256), 'clé', ['a', 'b']]) {
      expect(() => parseIdempotencyKey(bad)).toThrow(InvalidRequest);
    }
  });
});
