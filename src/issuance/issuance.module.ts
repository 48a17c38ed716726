import { Injectable, Logger, Module, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import Redis from 'ioredis';
import { Clock, SystemClock } from '../common/clock';
import { Settings } from '../config/settings';
import { CodeSender } from '../dispatch/code-sender';
import { DestinationPolicy } from '../dispatch/destination-policy';
import { DispatchModule } from '../dispatch/dispatch.module';
import { Outbox } from '../outbox/outbox';
import { OutboxModule } from '../outbox/outbox.module';
import { RateLimits } from '../rate-limiting/rate-limits';
import { RateLimitingModule } from '../rate-limiting/rate-limiting.module';
import { REDIS_CLIENT } from '../redis/redis.module';
import { AnnouncingVerificationStore } from '../webhooks/announcing-verification.store';
import { StatusWebhooks } from '../webhooks/status-webhooks';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CodeGenerator, RandomCodeGenerator } from './code-generator';
import { Argon2CodeHasher, CodeHasher } from './code-hasher';
import { EXPIRY_JOB, expiryHandler, ExpiryWatch, OutboxExpiryWatch } from './expiry-watch';
import { MemoryVerificationStore } from './memory-verification.store';
import { RedisVerificationStore } from './redis-verification.store';
import { ResendVerification } from './resend-verification';
import { IssuanceSettings, StartVerification } from './start-verification';
import { NoVerificationEvents, VerificationEvents } from './verification-events';
import { VerificationKeys } from './verification-keys';
import { StorePolicy, VerificationStore } from './verification-store';

function storePolicy(settings: Settings): StorePolicy {
  const { otp } = settings;
  return {
    maxFailedChecksPerNumber: otp.maxFailedChecksPerNumber,
    failedChecksWindowMs: otp.failedChecksWindowSeconds * 1000,
    retentionMs: otp.retentionSeconds * 1000,
    resendCooldownMs: otp.resendCooldownSeconds * 1000,
    maxSends: otp.maxSends,
  };
}

function issuanceSettings(settings: Settings): IssuanceSettings & { maxSends: number } {
  const { otp } = settings;
  return {
    ttlSeconds: otp.ttlSeconds,
    codeLength: otp.codeLength,
    maxAttempts: otp.maxAttempts,
    autoVoiceOnResend: otp.autoVoiceOnResend,
    maxSends: otp.maxSends,
  };
}

@Injectable()
class StoreLifecycle implements OnApplicationShutdown {
  constructor(private readonly store: VerificationStore) {}

  onApplicationShutdown(): void {
    if (this.store instanceof MemoryVerificationStore) this.store.close();
  }
}

/** Works off the expiry watches on this instance too; it reads the store that announces through the webhooks. */
@Injectable()
class ExpiryWatchWorker implements OnModuleInit {
  constructor(
    private readonly outbox: Outbox,
    private readonly store: VerificationStore,
    private readonly clock: Clock,
    private readonly webhooks: StatusWebhooks,
    @Optional() private readonly events?: VerificationEvents,
  ) {}

  onModuleInit(): void {
    const events = this.events ?? new NoVerificationEvents();
    this.outbox.register(
      EXPIRY_JOB,
      expiryHandler(this.store, this.outbox, this.clock, events, this.webhooks),
    );
  }
}

@Module({
  imports: [DispatchModule, RateLimitingModule, OutboxModule, WebhooksModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: CodeGenerator, useClass: RandomCodeGenerator },
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
      inject: [REDIS_CLIENT, VerificationKeys, Settings, StatusWebhooks],
      useFactory: (
        redis: Redis | null,
        keys: VerificationKeys,
        settings: Settings,
        webhooks: StatusWebhooks,
      ) => {
        const store = redis
          ? new RedisVerificationStore(redis, keys, storePolicy(settings))
          : new MemoryVerificationStore(storePolicy(settings));
        // With status webhooks, every state change the store makes is announced (expiries by the expiry watch).
        return settings.webhooks.endpoints.length > 0
          ? new AnnouncingVerificationStore(store, webhooks)
          : store;
      },
    },
    {
      provide: ExpiryWatch,
      inject: [Outbox, Clock],
      useFactory: (outbox: Outbox, clock: Clock) => new OutboxExpiryWatch(outbox, clock),
    },
    {
      provide: StartVerification,
      inject: [
        VerificationStore,
        ExpiryWatch,
        VerificationKeys,
        DestinationPolicy,
        CodeSender,
        CodeGenerator,
        CodeHasher,
        Clock,
        Settings,
        { token: VerificationEvents, optional: true },
        RateLimits,
      ],
      useFactory: (
        store: VerificationStore,
        expiry: ExpiryWatch,
        keys: VerificationKeys,
        destinations: DestinationPolicy,
        sender: CodeSender,
        generator: CodeGenerator,
        hasher: CodeHasher,
        clock: Clock,
        settings: Settings,
        events: VerificationEvents | undefined,
        limits: RateLimits,
      ) =>
        new StartVerification(
          store,
          expiry,
          keys,
          destinations,
          sender,
          generator,
          hasher,
          clock,
          issuanceSettings(settings),
          events,
          limits,
        ),
    },
    {
      provide: ResendVerification,
      inject: [
        VerificationStore,
        ExpiryWatch,
        CodeSender,
        CodeGenerator,
        CodeHasher,
        Clock,
        Settings,
        RateLimits,
      ],
      useFactory: (
        store: VerificationStore,
        expiry: ExpiryWatch,
        sender: CodeSender,
        generator: CodeGenerator,
        hasher: CodeHasher,
        clock: Clock,
        settings: Settings,
        limits: RateLimits,
      ) =>
        new ResendVerification(
          store,
          expiry,
          sender,
          generator,
          hasher,
          clock,
          issuanceSettings(settings),
          limits,
        ),
    },
    ExpiryWatchWorker,
    StoreLifecycle,
  ],
  exports: [VerificationStore, CodeHasher, Clock, StartVerification, ResendVerification],
})
export class IssuanceModule {}
