import { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import Redis from 'ioredis';
import { finalize, Observable } from 'rxjs';
import { NotifyEmulator } from '@app/notify-emulator';
import { createApp } from '../src/app.factory';
import { SANDBOX_EMULATOR } from '../src/sandbox/sandbox-emulator.module';

/** The service in this process on real Redis and the in-process emulator: what `npm run chaos` drives. */
export interface BenchService {
  url: string;
  emulator: NotifyEmulator;
  /**
   * Resolves once no handler is running. autocannon drops its connections at the end of a run, but the handlers of
   * the requests it had in flight go on hashing: waiting keeps them out of the next run, and keeps them from
   * reaching Redis after the app closed its connection.
   */
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Counts controller handlers in progress, whether or not their client is still connected. */
class HandlersInFlight implements NestInterceptor {
  count = 0;

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    this.count++;
    return next.handle().pipe(finalize(() => this.count--));
  }

  async idle(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietPolls = 0;
    while (quietPolls < 2) {
      if (Date.now() > deadline)
        throw new Error(`${this.count} requests still running after ${timeoutMs} ms`);
      await sleep(50);
      quietPolls = this.count === 0 ? quietPolls + 1 : 0;
    }
  }
}

/**
 * Boots the real service in sandbox mode on real Redis, listening on loopback: the real AWS SDK talks over HTTP to
 * the in-process Notify emulator. `env` overrides the process environment, which could otherwise leave API keys or
 * a Notify configuration id in place.
 */
export async function bootService(env: Record<string, string | undefined>): Promise<BenchService> {
  const app = await createApp({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    API_KEYS: undefined,
    NOTIFY_CONFIGURATION_ID: undefined,
    NOTIFY_ENDPOINT: undefined,
    NOTIFY_EMULATOR_PORT: '0',
    ...env,
  });
  const inFlight = new HandlersInFlight();
  app.useGlobalInterceptors(inFlight);
  try {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as AddressInfo;
    const emulator = app.get<NotifyEmulator | null>(SANDBOX_EMULATOR);
    if (!emulator) throw new Error('the bench expects sandbox mode (no NOTIFY_CONFIGURATION_ID)');
    return {
      url: `http://127.0.0.1:${address.port}`,
      emulator,
      idle: (timeoutMs = 30_000) => inFlight.idle(timeoutMs),
      close: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** A plain connection for the bench itself: the Redis version, and deleting the bench's keys. */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw new Error(`no Redis at ${url} (${(error as Error).message}); start one or set REDIS_URL`);
  }
}

export async function redisVersion(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}
