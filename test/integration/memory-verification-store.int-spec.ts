import { randomBytes } from 'node:crypto';
import { MemoryVerificationStore } from '../../src/issuance/memory-verification.store';
import { VerificationKeys } from '../../src/issuance/verification-keys';
import { verificationStoreContract } from './verification-store.contract';

verificationStoreContract(MemoryVerificationStore.name, async (policy) => {
  const store = new MemoryVerificationStore(policy);
  return { store, keys: new VerificationKeys(randomBytes(32)), cleanup: async () => store.close() };
});

describe(`${MemoryVerificationStore.name} sweeping`, () => {
  afterEach(() => jest.useRealTimers());

  it('runs one sweep timer per store, and close() stops it', () => {
    jest.useFakeTimers();
    const store = new MemoryVerificationStore({
      maxFailedChecksPerNumber: 10,
      failedChecksWindowMs: 1_000,
      retentionMs: 1_000,
      resendCooldownMs: 0,
      maxSends: 3,
    });
    expect(jest.getTimerCount()).toBe(1);

    store.close();
    expect(jest.getTimerCount()).toBe(0);
  });
});
