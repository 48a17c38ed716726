import { randomBytes, randomUUID } from 'node:crypto';
import * as argon2 from 'argon2';
import Redis from 'ioredis';
import { RedisVerificationStore } from '../../src/issuance/redis-verification.store';
import { VerificationKeys } from '../../src/issuance/verification-keys';
import { StorePolicy } from '../../src/issuance/verification-store';
import { deletePrefix, dumpPrefix, flushScripts, testRedis } from '../support/redis';
import { pendingRecord, verificationStoreContract } from './verification-store.contract';

const prefix = `test:${randomUUID()}:`;
const keys = new VerificationKeys(randomBytes(32));
let redis: Redis;

beforeAll(() => {
  redis = testRedis({ keyPrefix: prefix });
});

afterAll(async () => {
  await deletePrefix(prefix);
  await redis.quit();
});

verificationStoreContract(RedisVerificationStore.name, async (policy) => ({
  store: new RedisVerificationStore(redis, keys, policy),
  keys,
  redis,
  cleanup: async () => undefined,
}));

describe(`${RedisVerificationStore.name} on Redis`, () => {
  const policy: StorePolicy = {
    maxFailedChecksPerNumber: 10,
    failedChecksWindowMs: 45_000,
    retentionMs: 120_000,
    resendCooldownMs: 0,
    maxSends: 5,
  };
  const codeTtl = 60_000;
  let store: RedisVerificationStore;

  beforeAll(() => {
    store = new RedisVerificationStore(redis, keys, policy);
  });

  async function started(hash = 'hash-1') {
    const record = pendingRecord(keys, { expiresAt: Date.now() + codeTtl });
    await store.create(record, hash, Date.now());
    return record;
  }

  /** PTTL within the second before `ttl`: set to that TTL just now. */
  async function expectTtl(key: string, ttl: number): Promise<void> {
    const pttl = await redis.pttl(key);
    expect(pttl).toBeLessThanOrEqual(ttl);
    expect(pttl).toBeGreaterThan(ttl - 1_000);
  }

  it('sets the TTL of the record, its code, the pending index and the failed-check counter', async () => {
    const record = await started();

    await expectTtl(keys.record(record.id), codeTtl + policy.retentionMs);
    await expectTtl(keys.codeHash(record.id), codeTtl);
    await expectTtl(keys.pending('acme', 'login', record.to), codeTtl);

    await store.reserveAttempt(record, Date.now());
    await store.reject(record, Date.now());
    await expectTtl(keys.failedChecks(record.clientId, record.to), policy.failedChecksWindowMs);
  });

  it('moves the TTLs with a resent code, and keeps only the retention once finished', async () => {
    const record = await started();
    const now = Date.now();
    const newTtl = 90_000;
    const code = {
      hash: 'hash-2',
      messageId: 'msg-2',
      channel: 'sms' as const,
      sentAt: now,
      expiresAt: now + newTtl,
    };
    await store.commitResend(record, code, now);

    await expectTtl(keys.record(record.id), newTtl + policy.retentionMs);
    await expectTtl(keys.codeHash(record.id), newTtl);
    await expectTtl(keys.pending('acme', 'login', record.to), newTtl);

    await store.reserveAttempt(record, Date.now());
    await store.approve(record, 2, Date.now());
    await expectTtl(keys.record(record.id), policy.retentionMs);
    expect(await redis.exists(keys.codeHash(record.id), keys.pending('acme', 'login', record.to))).toBe(0);
  });

  it('checks the same after SCRIPT FLUSH: EVALSHA falls back to EVAL', async () => {
    const record = await started();
    expect(await store.reserveAttempt(record, Date.now())).toMatchObject({
      kind: 'reserved',
      attemptsRemaining: 4,
    });
    await store.reject(record, Date.now());

    await flushScripts(redis);

    expect(await store.reserveAttempt(record, Date.now())).toMatchObject({
      kind: 'reserved',
      attemptsRemaining: 3,
    });
    expect(await store.approve(record, 1, Date.now())).toEqual({ kind: 'approved', messageId: 'msg-1' });
    expect(await store.get(record.id)).toMatchObject({ status: 'approved', attempts: 2, failures: 1 });
  });

  it('keeps no plain code in any key or value', async () => {
    const secret = randomBytes(32);
    const cost = { memoryCost: 4096, timeCost: 2, parallelism: 1 };
    const [first, second] = ['73920186', '51846027'];
    const record = await started(await argon2.hash(first, { type: argon2.argon2id, secret, ...cost }));
    const now = Date.now();
    const hash = await argon2.hash(second, { type: argon2.argon2id, secret, ...cost });
    await store.commitResend(
      record,
      { hash, messageId: 'msg-2', channel: 'sms', sentAt: now, expiresAt: now + codeTtl },
      now,
    );
    const reserved = await store.reserveAttempt(record, Date.now());
    if (reserved.kind !== 'reserved') throw new Error(`expected a reservation, got ${reserved.kind}`);
    expect(await argon2.verify(reserved.hash, second, { secret })).toBe(true);

    const stored: string[] = [];
    for (const [name, value] of await dumpPrefix(redis, prefix)) {
      // A hash (its fields as JSON) or a string, which may itself be JSON (an idempotency answer) holding non-strings.
      const fields = value.startsWith('{') ? (JSON.parse(value) as Record<string, unknown>) : undefined;
      const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
      stored.push(name, ...(fields ? Object.entries(fields).flatMap(([k, v]) => [k, text(v)]) : [value]));
    }

    expect(stored).toContain(hash);
    for (const code of [first, second]) expect(stored.filter((value) => value.includes(code))).toEqual([]);
  });
});
