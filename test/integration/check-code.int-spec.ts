import Redis from 'ioredis';
import { SystemClock } from '../../src/common/clock';
import { Argon2CodeHasher } from '../../src/issuance/code-hasher';
import { RedisVerificationStore } from '../../src/issuance/redis-verification.store';
import { VerificationRecord } from '../../src/core/verification';
import { VerificationKeys } from '../../src/issuance/verification-keys';
import { StorePolicy, VerificationStore } from '../../src/issuance/verification-store';
import { CheckCode } from '../../src/verification/check-code';
import { createEmbeddedRedis } from '../../src/redis/embedded-redis';
import { RecordingEvents } from '../support/recording-events';
import { deletePrefix, testRedis, uniquePrefix } from '../support/redis';
import { pendingRecord } from './verification-store.contract';

/** The real hasher, counting how many codes it actually compared. */
class CountingHasher extends Argon2CodeHasher {
  compared = 0;
  override async verify(hash: string, code: string): Promise<boolean> {
    this.compared++;
    return super.verify(hash, code);
  }
}

/** What a check tells Notify feedback: the message of each approval. */
class RecordingFeedback extends RecordingEvents {
  get messageIds(): string[] {
    return this.of('verification.approved').map((event) => event.messageId);
  }
}

const policy: StorePolicy = {
  maxFailedChecksPerNumber: 100,
  failedChecksWindowMs: 3_600_000,
  retentionMs: 60_000,
  resendCooldownMs: 30_000,
  maxSends: 5,
};
const secret = Buffer.from('integration-secret-integration-secret');
const keys = new VerificationKeys(secret);
const clock = new SystemClock();

function record(to: string, maxAttempts: number): VerificationRecord {
  return pendingRecord(keys, {
    to,
    maxAttempts,
    sends: [{ channel: 'sms', messageId: 'msg-1', sentAt: new Date().toISOString() }],
  });
}

describe.each([
  ['Redis', 'redis'],
  ['embedded', 'embedded'],
] as const)('CheckCode under concurrency (%s store)', (_label, kind) => {
  let store: VerificationStore;
  let redis: Redis | undefined;
  const prefix = uniquePrefix('check-code');

  beforeAll(() => {
    if (kind === 'redis') {
      redis = testRedis({ keyPrefix: prefix });
      store = new RedisVerificationStore(redis, keys, policy);
    } else {
      store = new RedisVerificationStore(createEmbeddedRedis('otp:'), keys, policy);
    }
  });
  afterAll(async () => {
    await redis?.quit();
    await deletePrefix(prefix);
  });

  it('50 concurrent checks with the right code: exactly one approval and one feedback', async () => {
    const hasher = new CountingHasher(secret, { memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const feedback = new RecordingFeedback();
    const check = new CheckCode(store, hasher, clock, feedback);
    const v = record('+12065550150', 50);
    await store.create(v, await hasher.hash('424242'), clock.now());

    const results = await Promise.all(
      Array.from({ length: 50 }, () => check.execute({ clientId: 'acme', id: v.id, code: '424242' })),
    );
    expect(results.filter((r) => r.valid)).toHaveLength(1);
    expect(results.filter((r) => r.status === 'approved')).toHaveLength(50);
    expect(feedback.messageIds).toEqual(['msg-1']);
  });

  it('200 concurrent wrong codes with a limit of 5: at most 5 compared, the verification fails', async () => {
    const hasher = new CountingHasher(secret, { memoryCost: 1024, timeCost: 1, parallelism: 1 });
    const check = new CheckCode(store, hasher, clock, new RecordingFeedback());
    const v = record('+12065550151', 5);
    await store.create(v, await hasher.hash('424242'), clock.now());

    const results = await Promise.all(
      Array.from({ length: 200 }, () => check.execute({ clientId: 'acme', id: v.id, code: '111111' })),
    );
    expect(hasher.compared).toBe(5);
    expect(results.every((r) => !r.valid)).toBe(true);
    expect(results.every((r) => r.attemptsRemaining === 0)).toBe(true);
    expect(results.filter((r) => r.status === 'failed')).toHaveLength(1);
    const after = await check.execute({ clientId: 'acme', id: v.id, code: '424242' });
    expect(after).toMatchObject({ valid: false, status: 'failed' });
    expect(hasher.compared).toBe(5);
  });
});
