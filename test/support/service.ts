import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { EmulatedMessage, NotifyEmulator } from '@app/notify-emulator';
import { AppModule } from '../../src/app.module';
import { EnvironmentVariables } from '../../src/config/env.validation';
import { SANDBOX_DEFAULTS } from '../../src/config/sandbox-defaults';
import { configureApp, createAdapter, createApp } from '../../src/app.factory';
import { Clock } from '../../src/common/clock';
import { SANDBOX_EMULATOR } from '../../src/sandbox/sandbox-emulator.module';
import { Outbox } from '../../src/outbox/outbox';
import { deletePrefix, testRedisEnv, uniquePrefix } from './redis';

/** A clock the test moves by hand; it starts at the real time so Redis TTLs stay meaningful. */
export class ManualClock extends Clock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
  /**
   * Moves to just after the next boundary of fixed windows of `windowMs`, so that a test counting within one window
   * cannot straddle two (the rate limits use clock-aligned windows).
   */
  startWindow(windowMs: number): void {
    this.advance(windowMs - (this.now() % windowMs) + 1);
  }
}

export interface RunningService {
  app: NestFastifyApplication;
  http: TestAgent;
  emulator: NotifyEmulator;
  clock: ManualClock;
  prefix: string;
  logs: string[];
  /** Waits until the outbox (PutMessageFeedback, webhooks, fallbacks) has nothing due within a minute. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export const API_KEY = 'sandbox';
export const auth = { Authorization: `Bearer ${API_KEY}` };

export interface StartOptions {
  /** Reuse another service's Redis data (a restart); a fresh prefix when omitted. */
  prefix?: string;
  /** Leave the Redis data behind on close, for a service started after this one. */
  keepData?: boolean;
}

/** The tests run sandbox mode with production's limits, unless a test sets its own (SANDBOX_DEFAULTS loosens them). */
const PRODUCTION_LIMITS: Record<string, string> = Object.fromEntries(
  Object.keys(SANDBOX_DEFAULTS).map((key) => [
    key,
    String(new EnvironmentVariables()[key as keyof EnvironmentVariables]),
  ]),
);

/** Boots the whole app in sandbox mode on real Redis: the real SDK talks over HTTP to the in-process emulator. */
export async function startService(
  env: Record<string, string> = {},
  label = 'e2e',
  options: StartOptions = {},
): Promise<RunningService> {
  const prefix = options.prefix ?? uniquePrefix(label);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const fullEnv = {
    ...PRODUCTION_LIMITS,
    NODE_ENV: 'test',
    // A test that names its own Redis (or none: the embedded store) leaves the test topology out.
    ...('REDIS_URL' in env || 'REDIS_CLUSTER_NODES' in env
      ? { REDIS_URL: '', REDIS_CLUSTER_NODES: '' }
      : testRedisEnv()),
    REDIS_KEY_PREFIX: prefix,
    OTP_HASH_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123',
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_TIME_COST: '1',
    LOG_LEVEL: 'info',
    OUTBOX_POLL_MS: '25',
    OUTBOX_RETRY_BASE_MS: '20',
    ...env,
  };
  const clock = new ManualClock();
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(fullEnv, { logStream })] })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createAdapter(fullEnv), {
    bufferLogs: true,
  });
  configureApp(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const emulator = app.get<NotifyEmulator | null>(SANDBOX_EMULATOR);
  if (!emulator) throw new Error('startService expects sandbox mode');
  const outbox = app.get(Outbox);
  return {
    app,
    http: request(app.getHttpServer()),
    emulator,
    clock,
    prefix,
    logs,
    settle: () => outbox.idle(),
    close: async () => {
      await app.close();
      if (!options.keepData) await deletePrefix(prefix);
    },
  };
}

/** The code inside a delivered message: SMS "123456" or voice "1. 2. 3. 4. 5. 6.". */
export function codeIn(message: EmulatedMessage): string {
  const spaced = /((?:\d\. ?){4,10})/.exec(message.resolvedMessageBody);
  if (message.channel === 'VOICE' && spaced) return spaced[1].replace(/[^0-9]/g, '');
  const plain = /\b(\d{4,10})\b/.exec(message.resolvedMessageBody);
  if (!plain) throw new Error('no code in message');
  return plain[1];
}

export function latestMessage(emulator: NotifyEmulator, to: string): EmulatedMessage {
  const [message] = emulator.messages({ to });
  if (!message) throw new Error(`no message to ${to}`);
  return message;
}

export const AWS_MODE_API_KEY = 'acme-key';

/**
 * Boots the service in AWS mode (NOTIFY_CONFIGURATION_ID set) against a standalone emulator, runs `body` with an
 * HTTP agent, and closes the app. The API key is `AWS_MODE_API_KEY`; `env` adds or overrides settings.
 */
export async function withAwsModeApp(
  emulator: NotifyEmulator,
  configurationId: string,
  prefix: string,
  env: Record<string, string>,
  body: (http: TestAgent) => Promise<void>,
): Promise<void> {
  // The SDK's default credential chain reads these; the emulator does not check signatures.
  process.env.AWS_ACCESS_KEY_ID ??= 'test';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
  const app = await createApp({
    NODE_ENV: 'test',
    NOTIFY_CONFIGURATION_ID: configurationId,
    NOTIFY_ENDPOINT: emulator.endpoint,
    ...testRedisEnv(),
    REDIS_KEY_PREFIX: prefix,
    API_KEYS: 'acme:' + createHash('sha256').update(AWS_MODE_API_KEY).digest('hex'),
    OTP_HASH_SECRET: 'x'.repeat(32),
    LOG_LEVEL: 'silent',
    ...env,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  try {
    await body(request(app.getHttpServer()));
  } finally {
    await app.close();
  }
}
