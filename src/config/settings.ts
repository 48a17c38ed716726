import { randomBytes } from 'node:crypto';
import { EnvironmentVariables } from './env.validation';

/** Where an API client's status webhooks go, and the Standard Webhooks secret (`whsec_…`) that signs them. */
export interface WebhookEndpoint {
  clientId: string;
  url: string;
  secret: string;
}

export interface RedisConnectionSettings {
  url?: string;
  clusterNodes?: { host: string; port: number }[];
  /** TLS on: REDIS_TLS, else a rediss:// URL. */
  tls: boolean;
  tlsCaFile?: string;
  username?: string;
  password?: string;
  keyPrefix: string;
  commandTimeoutMs: number;
  /** REDIS_ALLOW_EVICTION: start in production even when Redis may evict keys (not advised). */
  allowEviction: boolean;
}

export interface ApiKeyEntry {
  name: string;
  sha256: Buffer;
}

/**
 * The typed, namespaced view of the validated environment. It is both the DI token and the value; nothing outside
 * `src/config` reads `process.env`.
 */
export class Settings {
  readonly app: {
    nodeEnv: EnvironmentVariables['NODE_ENV'];
    production: boolean;
    port: number;
    host: string;
    logLevel: EnvironmentVariables['LOG_LEVEL'];
    bodyLimitBytes: number;
    /** Browser origins allowed to call the API; empty: CORS off. */
    corsOrigins: string[];
    /** On SIGTERM, how long readiness answers 503 while requests are still served, before the server closes. */
    shutdownDrainMs: number;
  };
  /** Where the store is: `url` (one node), `clusterNodes` (Redis Cluster seeds), or neither (the embedded store). */
  readonly redis: RedisConnectionSettings;
  readonly auth: { apiKeys: ApiKeyEntry[]; sandboxKey: boolean };
  readonly otp: {
    hashSecret: Buffer;
    hashSecretGenerated: boolean;
    ttlSeconds: number;
    codeLength: number;
    maxAttempts: number;
    maxFailedChecksPerNumber: number;
    failedChecksWindowSeconds: number;
    resendCooldownSeconds: number;
    maxSends: number;
    retentionSeconds: number;
    autoVoiceOnResend: boolean;
    argon2: { memoryCost: number; timeCost: number; parallelism: number };
  };
  readonly notify: {
    /** `sandbox`: the Notify emulator runs in-process and the SDK talks to it over loopback HTTP. */
    mode: 'sandbox' | 'aws';
    configurationId?: string;
    endpoint?: string;
    region: string;
    configurationSetName?: string;
    timeoutMs: number;
    maxAttempts: number;
    voiceId: string;
    emulatorPort: number;
    allowedCountries?: string[];
    blockedCountries: string[];
  };
  /** Rate limits and abuse protection (src/rate-limiting); the README's policy table explains each. */
  readonly limits: {
    sendsPerNumberPer15Min: number;
    sendsPerNumberPerDay: number;
    startsPerIpPerHour: number;
    startsPerApiKeyPerMinute: number;
    pumping: {
      prefixDigits: number;
      sendsPerPrefixPerHour: number;
      minSends: number;
      minApprovalPercent: number;
      blockSeconds: number;
    };
    notify: {
      /** Absent: the configuration's tier decides (1/s Basic, 25/s Advanced). */
      sendsPerSecond?: number;
      /** Absent: the tier decides (200 on Basic, none on Advanced); 0: none. */
      dailyMessages?: number;
      maxWaitMs: number;
    };
  };

  /** Notify's delivery events (src/delivery-events). */
  readonly deliveryEvents: {
    /** SNS topics whose notifications are accepted; empty: the SNS endpoint refuses everything. */
    snsTopicArns: string[];
    /** The `X-Notify-Events-Secret` an EventBridge API destination sends; absent: that endpoint is off. */
    eventBridgeSecret?: string;
    /** Call by itself, once, when the SMS of a pending `auto` verification is reported undeliverable. */
    autoVoiceFallback: boolean;
  };
  /** The durable outbox (src/outbox): feedback, webhooks, fallbacks and expiry checks. */
  readonly outbox: { pollMs: number; retryBaseMs: number; maxAttempts: number; shards: number };
  /** Status webhooks per API client (src/webhooks). */
  readonly webhooks: { endpoints: WebhookEndpoint[] };

  constructor(env: EnvironmentVariables) {
    const production = env.NODE_ENV === 'production';
    this.app = {
      nodeEnv: env.NODE_ENV,
      production,
      port: env.PORT,
      host: env.HOST,
      logLevel: env.LOG_LEVEL,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      corsOrigins: env.CORS_ORIGINS?.split(',') ?? [],
      shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    };
    this.redis = {
      url: env.REDIS_URL,
      clusterNodes: env.REDIS_CLUSTER_NODES?.split(',').map((seed) => {
        const at = seed.lastIndexOf(':');
        return { host: seed.slice(0, at), port: Number(seed.slice(at + 1)) };
      }),
      tls: env.REDIS_TLS ?? Boolean(env.REDIS_URL?.startsWith('rediss://')),
      tlsCaFile: env.REDIS_TLS_CA_FILE,
      username: env.REDIS_USERNAME,
      password: env.REDIS_PASSWORD,
      keyPrefix: env.REDIS_KEY_PREFIX,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
      allowEviction: env.REDIS_ALLOW_EVICTION,
    };
    const apiKeys = (env.API_KEYS ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const [name, hex] = pair.split(':');
        return { name, sha256: Buffer.from(hex, 'hex') };
      });
    const sandbox = !production && !env.NOTIFY_CONFIGURATION_ID;
    // Outside production a service with no API_KEYS accepts the key "sandbox", in AWS mode too (`npm run emulator`
    // plus the service); startup says which keys are accepted.
    this.auth = { apiKeys, sandboxKey: !production && apiKeys.length === 0 };
    this.otp = {
      hashSecret: env.OTP_HASH_SECRET ? Buffer.from(env.OTP_HASH_SECRET, 'utf8') : randomBytes(32),
      hashSecretGenerated: !env.OTP_HASH_SECRET,
      ttlSeconds: env.OTP_TTL_SECONDS,
      codeLength: env.OTP_CODE_LENGTH,
      maxAttempts: env.OTP_MAX_ATTEMPTS,
      maxFailedChecksPerNumber: env.OTP_MAX_FAILED_CHECKS_PER_NUMBER,
      failedChecksWindowSeconds: env.OTP_FAILED_CHECKS_WINDOW_SECONDS,
      resendCooldownSeconds: env.RESEND_COOLDOWN_SECONDS,
      maxSends: env.MAX_SENDS_PER_VERIFICATION,
      retentionSeconds: env.STATUS_RETENTION_SECONDS,
      autoVoiceOnResend: env.AUTO_VOICE_ON_RESEND,
      argon2: {
        memoryCost: env.ARGON2_MEMORY_KIB,
        timeCost: env.ARGON2_TIME_COST,
        parallelism: env.ARGON2_PARALLELISM,
      },
    };
    this.notify = {
      mode: sandbox ? 'sandbox' : 'aws',
      configurationId: env.NOTIFY_CONFIGURATION_ID,
      endpoint: env.NOTIFY_ENDPOINT,
      region: env.AWS_REGION,
      configurationSetName: env.NOTIFY_CONFIGURATION_SET_NAME,
      timeoutMs: env.NOTIFY_TIMEOUT_MS,
      maxAttempts: env.NOTIFY_MAX_ATTEMPTS,
      voiceId: env.NOTIFY_VOICE_ID,
      emulatorPort: env.NOTIFY_EMULATOR_PORT,
      allowedCountries: env.ALLOWED_COUNTRIES?.split(',').map((c) => c.toUpperCase()),
      blockedCountries: env.BLOCKED_COUNTRIES?.split(',').map((c) => c.toUpperCase()) ?? [],
    };
    this.limits = {
      sendsPerNumberPer15Min: env.LIMIT_SENDS_PER_NUMBER_15_MIN,
      sendsPerNumberPerDay: env.LIMIT_SENDS_PER_NUMBER_DAY,
      startsPerIpPerHour: env.LIMIT_STARTS_PER_IP_HOUR,
      startsPerApiKeyPerMinute: env.LIMIT_STARTS_PER_API_KEY_MINUTE,
      pumping: {
        prefixDigits: env.PUMPING_PREFIX_DIGITS,
        sendsPerPrefixPerHour: env.PUMPING_SENDS_PER_PREFIX_HOUR,
        minSends: env.PUMPING_MIN_SENDS,
        minApprovalPercent: env.PUMPING_MIN_APPROVAL_PERCENT,
        blockSeconds: env.PUMPING_BLOCK_SECONDS,
      },
      notify: {
        sendsPerSecond: env.NOTIFY_SENDS_PER_SECOND,
        dailyMessages: env.NOTIFY_DAILY_MESSAGE_LIMIT,
        maxWaitMs: env.NOTIFY_CAPACITY_WAIT_MS,
      },
    };
    this.deliveryEvents = {
      snsTopicArns: env.SNS_TOPIC_ARNS?.split(',') ?? [],
      eventBridgeSecret: env.EVENTBRIDGE_SECRET,
      autoVoiceFallback: env.AUTO_VOICE_FALLBACK,
    };
    this.outbox = {
      pollMs: env.OUTBOX_POLL_MS,
      retryBaseMs: env.OUTBOX_RETRY_BASE_MS,
      maxAttempts: env.OUTBOX_MAX_ATTEMPTS,
      shards: env.OUTBOX_SHARDS,
    };
    this.webhooks = {
      endpoints: (env.WEBHOOKS ?? '')
        .split(',')
        .filter(Boolean)
        .map((entry) => {
          const [clientId, rest] = [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)];
          const [url, secret] = rest.split('|');
          return { clientId, url, secret };
        }),
    };
  }
}
