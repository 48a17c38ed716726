import { randomBytes } from 'node:crypto';
import { RedisVerificationStore } from '../../src/issuance/redis-verification.store';
import { VerificationKeys } from '../../src/issuance/verification-keys';
import { createEmbeddedRedis } from '../../src/redis/embedded-redis';
import { verificationStoreContract } from './verification-store.contract';

// The embedded default (`npm start` without REDIS_URL) runs the same Lua scripts on ioredis-mock: the same contract.
verificationStoreContract(`${RedisVerificationStore.name} on the embedded store`, async (policy) => {
  const redis = createEmbeddedRedis('otp:');
  const keys = new VerificationKeys(randomBytes(32));
  return {
    store: new RedisVerificationStore(redis, keys, policy),
    keys,
    redis,
    cleanup: async () => redis.disconnect(),
  };
});
