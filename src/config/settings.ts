import { randomBytes } from 'node:crypto';
import { EnvironmentVariables } from './env.validation';

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
  };
  readonly redis: { url?: string; keyPrefix: string; commandTimeoutMs: number };
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
  };

  constructor(env: EnvironmentVariables) {
    const production = env.NODE_ENV === 'production';
    this.app = {
      nodeEnv: env.NODE_ENV,
      production,
      port: env.PORT,
      host: env.HOST,
      logLevel: env.LOG_LEVEL,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
    };
    this.redis = {
      url: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    };
    const apiKeys = (env.API_KEYS ?? '')
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const [name, hex] = pair.split(':');
        return { name, sha256: Buffer.from(hex, 'hex') };
      });
    const sandbox = !production && !env.NOTIFY_CONFIGURATION_ID;
    this.auth = { apiKeys, sandboxKey: sandbox && apiKeys.length === 0 };
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
    };
  }
}
