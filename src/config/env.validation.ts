import { plainToInstance } from 'class-transformer';
import { IsIn, IsString, Matches, MinLength, validateSync } from 'class-validator';
import { BoolEnv, IntEnv, OptionalEnv } from './env-decorators';
import { SANDBOX_DEFAULTS } from './sandbox-defaults';

/**
 * Every environment variable the service reads, in one place. `.env.example` mirrors this class line by line;
 * the README documents each one.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IntEnv({ min: 0, max: 65535 })
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @IntEnv({ min: 1024, max: 1048576 })
  BODY_LIMIT_BYTES = 16384;

  @IntEnv({ min: 1000, max: 600000 })
  SERVER_REQUEST_TIMEOUT_MS = 10000;

  @IntEnv({ min: 0, max: 3600000 })
  SERVER_CONNECTION_TIMEOUT_MS = 60000;

  @IntEnv({ min: 1000, max: 3600000 })
  SERVER_KEEP_ALIVE_TIMEOUT_MS = 72000;

  @IntEnv({ min: 0, max: 120000 })
  SHUTDOWN_DRAIN_MS = 0;

  /**
   * After the drain, how long requests in flight may still take before their connections are closed. 10 s plus
   * the drain stays under the orchestrators' default stop timeouts: Kubernetes' terminationGracePeriodSeconds
   * (30 s, https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#lifecycle) and ECS's
   * stopTimeout (30 s, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html).
   */
  @IntEnv({ min: 0, max: 600000 })
  SHUTDOWN_GRACE_MS = 10000;

  @OptionalEnv(
    Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(,https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)*$/, {
      message:
        'CORS_ORIGINS must be comma-separated origins such as https://app.example.com (no path, no "*")',
    }),
  )
  CORS_ORIGINS?: string;

  @OptionalEnv(Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' }))
  REDIS_URL?: string;

  /** Seeds of a Redis Cluster (ElastiCache cluster mode or Serverless): `host:port`, comma-separated. */
  @OptionalEnv(
    Matches(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, {
      message:
        'REDIS_CLUSTER_NODES must be comma-separated host:port seeds such as 10.0.0.1:6379,10.0.0.2:6379',
    }),
  )
  REDIS_CLUSTER_NODES?: string;

  /** TLS to Redis; absent: on for rediss://, off otherwise. */
  @BoolEnv({ optional: true })
  REDIS_TLS?: boolean;

  @OptionalEnv(IsString())
  REDIS_TLS_CA_FILE?: string;

  @OptionalEnv(IsString())
  REDIS_USERNAME?: string;

  @OptionalEnv(IsString())
  REDIS_PASSWORD?: string;

  @Matches(/^[A-Za-z0-9:_-]{0,64}$/, {
    message: 'REDIS_KEY_PREFIX may hold letters, digits, ":", "_" and "-" only',
  })
  REDIS_KEY_PREFIX = 'otp:';

  @IntEnv({ min: 50, max: 60000 })
  REDIS_COMMAND_TIMEOUT_MS = 1000;

  /** Production refuses a Redis whose maxmemory-policy evicts keys unless this is true (README: Redis memory). */
  @BoolEnv()
  REDIS_ALLOW_EVICTION = false;

  @OptionalEnv(
    Matches(/^([A-Za-z0-9_.-]+:[0-9a-f]{64})(,[A-Za-z0-9_.-]+:[0-9a-f]{64})*$/, {
      message: 'API_KEYS must be comma-separated name:sha256hex pairs (npm run api-key prints one)',
    }),
  )
  API_KEYS?: string;

  @OptionalEnv(IsString(), MinLength(32, { message: 'OTP_HASH_SECRET must be at least 32 characters' }))
  OTP_HASH_SECRET?: string;

  @IntEnv({ min: 60, max: 86400 })
  OTP_TTL_SECONDS = 600;

  @IntEnv({ min: 4, max: 10 })
  OTP_CODE_LENGTH = 6;

  @IntEnv({ min: 1, max: 20 })
  OTP_MAX_ATTEMPTS = 5;

  @IntEnv({ min: 1, max: 100 })
  OTP_MAX_FAILED_CHECKS_PER_NUMBER = 15;

  @IntEnv({ min: 60, max: 604800 })
  OTP_FAILED_CHECKS_WINDOW_SECONDS = 86400;

  @IntEnv({ min: 0, max: 3600 })
  RESEND_COOLDOWN_SECONDS = 30;

  @IntEnv({ min: 1, max: 10 })
  MAX_SENDS_PER_VERIFICATION = 5;

  @IntEnv({ min: 60, max: 604800 })
  STATUS_RETENTION_SECONDS = 86400;

  @BoolEnv()
  AUTO_VOICE_ON_RESEND = true;

  @BoolEnv()
  AUTO_VOICE_FALLBACK = true;

  @IntEnv({ min: 1024, max: 1048576 })
  ARGON2_MEMORY_KIB = 19456;

  @IntEnv({ min: 1, max: 10 })
  ARGON2_TIME_COST = 2;

  @IntEnv({ min: 1, max: 16 })
  ARGON2_PARALLELISM = 1;

  @OptionalEnv(
    Matches(/^[A-Za-z]{2}(,[A-Za-z]{2})*$/, {
      message: 'ALLOWED_COUNTRIES must be comma-separated ISO 3166 alpha-2 codes',
    }),
  )
  ALLOWED_COUNTRIES?: string;

  @OptionalEnv(
    Matches(/^[A-Za-z]{2}(,[A-Za-z]{2})*$/, {
      message: 'BLOCKED_COUNTRIES must be comma-separated ISO 3166 alpha-2 codes',
    }),
  )
  BLOCKED_COUNTRIES?: string;

  @OptionalEnv(
    Matches(/^[A-Za-z0-9_:/-]{1,256}$/, {
      message: 'NOTIFY_CONFIGURATION_ID must be a Notify configuration id or ARN',
    }),
  )
  NOTIFY_CONFIGURATION_ID?: string;

  @OptionalEnv(Matches(/^https?:\/\/\S+$/, { message: 'NOTIFY_ENDPOINT must be an http(s) URL' }))
  NOTIFY_ENDPOINT?: string;

  // A name or an ARN: 1-256 of [A-Za-z0-9_:/-]
  // (https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2/send-notify-text-message.html).
  @OptionalEnv(
    Matches(/^[A-Za-z0-9_:/-]{1,256}$/, {
      message:
        'NOTIFY_CONFIGURATION_SET_NAME must be a configuration set name or ARN (1-256 of A-Z a-z 0-9 _ : / -)',
    }),
  )
  NOTIFY_CONFIGURATION_SET_NAME?: string;

  @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'AWS_REGION must look like us-east-1' })
  AWS_REGION = 'us-east-1';

  @IntEnv({ min: 100, max: 60000 })
  NOTIFY_TIMEOUT_MS = 5000;

  @IntEnv({ min: 1, max: 10 })
  NOTIFY_MAX_ATTEMPTS = 3;

  @Matches(/^[A-Z]+$/, { message: 'NOTIFY_VOICE_ID must be an Amazon Polly voice id such as JOANNA' })
  NOTIFY_VOICE_ID = 'JOANNA';

  @IntEnv({ min: 0, max: 65535 })
  NOTIFY_EMULATOR_PORT = 0;

  @OptionalEnv(
    Matches(
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(,arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256})*$/,
      {
        message: 'SNS_TOPIC_ARNS must be comma-separated SNS topic ARNs',
      },
    ),
  )
  SNS_TOPIC_ARNS?: string;

  @OptionalEnv(
    Matches(/^[\x21-\x7e]{32,256}$/, {
      message: 'EVENTBRIDGE_SECRET must be 32 to 256 printable ASCII characters without spaces',
    }),
  )
  EVENTBRIDGE_SECRET?: string;

  @OptionalEnv(
    Matches(
      /^[A-Za-z0-9_.-]+=https?:\/\/[^\s|,]+\|whsec_[A-Za-z0-9+/]+={0,2}(,[A-Za-z0-9_.-]+=https?:\/\/[^\s|,]+\|whsec_[A-Za-z0-9+/]+={0,2})*$/,
      { message: 'WEBHOOKS must be comma-separated client=https://url|whsec_<base64 secret> entries' },
    ),
  )
  WEBHOOKS?: string;

  @IntEnv({ min: 10, max: 60000 })
  OUTBOX_POLL_MS = 1000;

  @IntEnv({ min: 10, max: 3600000 })
  OUTBOX_RETRY_BASE_MS = 2000;

  @IntEnv({ min: 1, max: 50 })
  OUTBOX_MAX_ATTEMPTS = 10;

  /** Hash tags the outbox is spread over (one cluster slot each); every instance polls them all in turn. */
  @IntEnv({ min: 1, max: 256 })
  OUTBOX_SHARDS = 16;

  @IntEnv({ min: 1, max: 10000, optional: true })
  NOTIFY_SENDS_PER_SECOND?: number;

  @IntEnv({ min: 0, max: 10000000, optional: true })
  NOTIFY_DAILY_MESSAGE_LIMIT?: number;

  @IntEnv({ min: 0, max: 30000 })
  NOTIFY_CAPACITY_WAIT_MS = 2000;

  @IntEnv({ min: 1, max: 1000 })
  LIMIT_SENDS_PER_NUMBER_15_MIN = 5;

  @IntEnv({
    min: 1,
    max: 10,
    maxMessage: "LIMIT_SENDS_PER_NUMBER_DAY must not exceed Notify's fixed cap of 10 per number per day",
  })
  LIMIT_SENDS_PER_NUMBER_DAY = 8;

  @IntEnv({ min: 1, max: 1000000 })
  LIMIT_STARTS_PER_IP_HOUR = 20;

  @IntEnv({ min: 1, max: 1000000 })
  LIMIT_STARTS_PER_API_KEY_MINUTE = 300;

  @IntEnv({ min: 1, max: 12 })
  PUMPING_PREFIX_DIGITS = 6;

  @IntEnv({ min: 1, max: 1000000 })
  PUMPING_SENDS_PER_PREFIX_HOUR = 200;

  @IntEnv({ min: 1, max: 1000000 })
  PUMPING_MIN_SENDS = 30;

  @IntEnv({ min: 0, max: 100 })
  PUMPING_MIN_APPROVAL_PERCENT = 20;

  @IntEnv({ min: 60, max: 604800 })
  PUMPING_BLOCK_SECONDS = 43200;
}

const isUnset = (value: unknown) => value === undefined || (typeof value === 'string' && value.trim() === '');

/** Sandbox mode: the in-process Notify emulator, because no Notify configuration was named outside production. */
function sandboxMode(raw: Record<string, unknown>): boolean {
  return raw.NODE_ENV !== 'production' && isUnset(raw.NOTIFY_CONFIGURATION_ID);
}

/** The production rules: nothing may fall back to a sandbox default. */
function productionProblems(env: EnvironmentVariables): string[] {
  if (env.NODE_ENV !== 'production') return [];
  const missing: string[] = [];
  if (!env.REDIS_URL && !env.REDIS_CLUSTER_NODES)
    missing.push(
      'REDIS_URL or REDIS_CLUSTER_NODES is required in production (the in-process store is single-instance)',
    );
  if (!env.OTP_HASH_SECRET && !usesRedis(env)) missing.push('OTP_HASH_SECRET is required in production');
  if (!env.API_KEYS) missing.push('API_KEYS is required in production');
  if (!env.NOTIFY_CONFIGURATION_ID) missing.push('NOTIFY_CONFIGURATION_ID is required in production');
  if (env.WEBHOOKS?.split(',').some((entry) => entry.includes('=http://')))
    missing.push('WEBHOOKS URLs must use https in production');
  return missing;
}

function usesRedis(env: EnvironmentVariables): boolean {
  return Boolean(env.REDIS_URL || env.REDIS_CLUSTER_NODES);
}

/**
 * The rules of a shared Redis. Verification ids, hash tags (so cluster slots), limit keys and code hashes all derive
 * from OTP_HASH_SECRET, so instances with different secrets (or a random one each) would count limits apart and
 * could not check each other's codes.
 */
function redisProblems(env: EnvironmentVariables): string[] {
  const problems: string[] = [];
  if (env.REDIS_URL && env.REDIS_CLUSTER_NODES)
    problems.push(
      'REDIS_URL and REDIS_CLUSTER_NODES exclude each other: set one (cluster mode: REDIS_CLUSTER_NODES)',
    );
  if (env.REDIS_URL?.startsWith('rediss://') && env.REDIS_TLS === false)
    problems.push('REDIS_TLS=false contradicts a rediss:// REDIS_URL');
  if (usesRedis(env) && !env.OTP_HASH_SECRET)
    problems.push(
      'OTP_HASH_SECRET is required with REDIS_URL or REDIS_CLUSTER_NODES, and every instance sharing that Redis must ' +
        'use the same value: verification ids, cluster hash tags, rate-limit keys and code hashes derive from it',
    );
  if (
    !usesRedis(env) &&
    (env.REDIS_TLS !== undefined || env.REDIS_TLS_CA_FILE || env.REDIS_USERNAME || env.REDIS_PASSWORD)
  )
    problems.push(
      'REDIS_TLS, REDIS_TLS_CA_FILE, REDIS_USERNAME and REDIS_PASSWORD need REDIS_URL or REDIS_CLUSTER_NODES',
    );
  return problems;
}

/** `ConfigModule.forRoot({ validate })`: fails fast with a message naming every bad variable. */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const set: Record<string, unknown> = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined),
  );
  if (sandboxMode(raw)) {
    for (const [key, value] of Object.entries(SANDBOX_DEFAULTS)) if (isUnset(set[key])) set[key] = value;
  }
  const env = plainToInstance(EnvironmentVariables, set, { exposeDefaultValues: true });
  // whitelist: the rest of the environment (PATH, HOME, ...) is dropped; the schema's decorators name every key.
  const problems = validateSync(env, { skipMissingProperties: false, whitelist: true }).flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)),
  );
  problems.push(...redisProblems(env), ...productionProblems(env));
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return env;
}
