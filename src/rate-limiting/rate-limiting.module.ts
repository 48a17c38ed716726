import { Module } from '@nestjs/common';
import Redis from 'ioredis';
import { Clock, SystemClock } from '../common/clock';
import { Settings } from '../config/settings';
import { DispatchModule } from '../dispatch/dispatch.module';
import { NotifyCatalog } from '../dispatch/notify-catalog';
import { REDIS_CLIENT } from '../redis/redis.module';
import { Idempotency, RedisIdempotencyStore } from './idempotency';
import { NotifyCapacity } from './notify-capacity';
import { PolicyRateLimits } from './policy-rate-limits';
import { PumpingGuard } from './pumping-guard';
import { DomainEvents } from '../core/domain-events';
import { ApprovalsListener } from './approvals-listener';
import { RateLimits } from './rate-limits';
import { RedisTokenBucket } from './token-bucket';
import { SubjectWindows } from './subject-windows';
import { createLimiter, WindowCounter } from './window-counter';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;
/** How long a request with the same Idempotency-Key waits for the first one's answer before a 409. */
const IDEMPOTENCY_WAIT_MS = 5000;

/** Every policy of the README's table. */
export function createRateLimits(
  redis: Redis,
  settings: Settings,
  clock: Clock,
  catalog: NotifyCatalog,
  events: DomainEvents,
): PolicyRateLimits {
  const { limits } = settings;
  const counter = (name: string, limit: number, windowSeconds: number) =>
    WindowCounter.create(redis, { name, limit, windowSeconds }, clock);
  const { pumping } = limits;
  const guard = new PumpingGuard(
    counter('prefix-sends', pumping.sendsPerPrefixPerHour, HOUR),
    counter('prefix-approvals', Number.MAX_SAFE_INTEGER, HOUR),
    createLimiter(redis, { keyPrefix: 'rl:prefix-block', points: 1, durationSeconds: pumping.blockSeconds }),
    pumping,
    clock,
    events,
    settings.otp.hashSecret,
  );
  const capacity = new NotifyCapacity(new RedisTokenBucket(redis), catalog, limits.notify, (limit) =>
    counter('notify-daily', limit, DAY),
  );
  const numberShort = counter('number-15min', limits.sendsPerNumberPer15Min, 15 * MINUTE);
  const numberDaily = counter('number-day', limits.sendsPerNumberPerDay, DAY);
  return new PolicyRateLimits(
    {
      apiKey: counter('api-key', limits.startsPerApiKeyPerMinute, MINUTE),
      endUserIp: counter('end-user-ip', limits.startsPerIpPerHour, HOUR),
      numberShort,
      numberDaily,
      numberWindows: new SubjectWindows(redis, [numberShort, numberDaily]),
    },
    guard,
    capacity,
    settings.otp.hashSecret,
  );
}

/**
 * Rate limits and abuse protection: the policies every send passes (RateLimits, used by the start and resend use
 * cases; approvals feed the SMS-pumping guard), and Idempotency-Key handling. On the shared Redis connection, or in
 * process memory when the service runs without Redis.
 */
@Module({
  imports: [DispatchModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    {
      provide: RateLimits,
      inject: [REDIS_CLIENT, Settings, Clock, NotifyCatalog, DomainEvents],
      useFactory: createRateLimits,
    },
    ApprovalsListener,
    {
      provide: Idempotency,
      inject: [REDIS_CLIENT, Settings],
      useFactory: (redis: Redis, settings: Settings) =>
        new Idempotency(new RedisIdempotencyStore(redis), {
          answerTtlMs: DAY * 1000,
          // Longer than any request can run: the capacity wait, every Notify attempt, and hashing and storing.
          holdMs:
            settings.limits.notify.maxWaitMs +
            settings.notify.timeoutMs * settings.notify.maxAttempts +
            30_000,
          waitMs: IDEMPOTENCY_WAIT_MS,
          pollMs: 50,
        }),
    },
  ],
  exports: [RateLimits, Idempotency],
})
export class RateLimitingModule {}
