import { Logger, Module } from '@nestjs/common';
import Redis from 'ioredis';
import { Clock, SystemClock } from '../common/clock';
import { Settings } from '../config/settings';
import { DispatchModule } from '../dispatch/dispatch.module';
import { OutboxModule } from '../outbox/outbox.module';
import { RateLimitingModule } from '../rate-limiting/rate-limiting.module';
import { REDIS_CLIENT } from '../redis/redis.module';
import { CodeGenerator, RandomCodeGenerator } from './code-generator';
import { Argon2CodeHasher, CodeHasher } from './code-hasher';
import { CodeIssuer } from './code-issuer';
import { ExpiryWatch } from './expiry-watch';
import { IssuancePolicy } from './issuance-policy';
import { RedisVerificationStore } from './redis-verification.store';
import { ResendVerification } from './resend-verification';
import { StartVerification } from './start-verification';
import { VerificationKeys } from './verification-keys';
import { StorePolicy, VerificationStore } from './verification-store';

/** Code issuance: generating, hashing and sending codes, and the verification record in Redis (Lua scripts). */
@Module({
  imports: [DispatchModule, RateLimitingModule, OutboxModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: CodeGenerator, useClass: RandomCodeGenerator },
    { provide: IssuancePolicy, inject: [Settings], useFactory: IssuancePolicy.from },
    { provide: StorePolicy, inject: [Settings], useFactory: StorePolicy.from },
    {
      provide: CodeHasher,
      inject: [Settings],
      useFactory: (settings: Settings) => {
        // In the sandbox that is expected, and the startup line says it.
        if (settings.otp.hashSecretGenerated && settings.notify.mode !== 'sandbox') {
          new Logger('Issuance').warn(
            'No OTP_HASH_SECRET: using a random one. Codes stop verifying on restart and across instances.',
          );
        }
        return new Argon2CodeHasher(settings.otp.hashSecret, settings.otp.argon2);
      },
    },
    {
      provide: VerificationKeys,
      inject: [Settings],
      useFactory: (settings: Settings) => new VerificationKeys(settings.otp.hashSecret),
    },
    {
      provide: VerificationStore,
      inject: [REDIS_CLIENT, VerificationKeys, StorePolicy],
      useFactory: (redis: Redis, keys: VerificationKeys, policy: StorePolicy) =>
        new RedisVerificationStore(redis, keys, policy),
    },
    CodeIssuer,
    ExpiryWatch,
    StartVerification,
    ResendVerification,
  ],
  exports: [VerificationStore, VerificationKeys, CodeHasher, Clock, StartVerification, ResendVerification],
})
export class IssuanceModule {}
