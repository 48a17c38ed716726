import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : value;
};
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;
const toOptionalInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : toInt({ value });

/**
 * Every environment variable the service reads, in one place. `.env.example` mirrors this class line by line;
 * the README documents each one.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1048576)
  BODY_LIMIT_BYTES = 16384;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  SERVER_REQUEST_TIMEOUT_MS = 10000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600000)
  SERVER_CONNECTION_TIMEOUT_MS = 60000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(3600000)
  SERVER_KEEP_ALIVE_TIMEOUT_MS = 72000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120000)
  SHUTDOWN_DRAIN_MS = 0;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(,https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)*$/, {
    message: 'CORS_ORIGINS must be comma-separated origins such as https://app.example.com (no path, no "*")',
  })
  CORS_ORIGINS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Seeds of a Redis Cluster (ElastiCache cluster mode or Serverless): `host:port`, comma-separated. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9.-]+:\d{1,5}(,[A-Za-z0-9.-]+:\d{1,5})*$/, {
    message:
      'REDIS_CLUSTER_NODES must be comma-separated host:port seeds such as 10.0.0.1:6379,10.0.0.2:6379',
  })
  REDIS_CLUSTER_NODES?: string;

  /** TLS to Redis; absent: on for rediss://, off otherwise. */
  @Transform(({ value }: { value: unknown }) => toBool({ value: emptyToUndefined({ value }) }))
  @IsOptional()
  @IsBoolean()
  REDIS_TLS?: boolean;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  REDIS_TLS_CA_FILE?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  REDIS_USERNAME?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  REDIS_PASSWORD?: string;

  @Matches(/^[A-Za-z0-9:_-]{0,64}$/, {
    message: 'REDIS_KEY_PREFIX may hold letters, digits, ":", "_" and "-" only',
  })
  REDIS_KEY_PREFIX = 'otp:';

  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  REDIS_COMMAND_TIMEOUT_MS = 1000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^([A-Za-z0-9_.-]+:[0-9a-f]{64})(,[A-Za-z0-9_.-]+:[0-9a-f]{64})*$/, {
    message: 'API_KEYS must be comma-separated name:sha256hex pairs (npm run api-key prints one)',
  })
  API_KEYS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'OTP_HASH_SECRET must be at least 32 characters' })
  OTP_HASH_SECRET?: string;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86400)
  OTP_TTL_SECONDS = 600;

  @Transform(toInt)
  @IsInt()
  @Min(4)
  @Max(10)
  OTP_CODE_LENGTH = 6;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  OTP_MAX_ATTEMPTS = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  OTP_MAX_FAILED_CHECKS_PER_NUMBER = 15;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(604800)
  OTP_FAILED_CHECKS_WINDOW_SECONDS = 86400;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  RESEND_COOLDOWN_SECONDS = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  MAX_SENDS_PER_VERIFICATION = 5;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(604800)
  STATUS_RETENTION_SECONDS = 86400;

  @Transform(toBool)
  @IsBoolean()
  AUTO_VOICE_ON_RESEND = true;

  @Transform(toBool)
  @IsBoolean()
  AUTO_VOICE_FALLBACK = true;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1048576)
  ARGON2_MEMORY_KIB = 19456;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  ARGON2_TIME_COST = 2;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(16)
  ARGON2_PARALLELISM = 1;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z]{2}(,[A-Za-z]{2})*$/, {
    message: 'ALLOWED_COUNTRIES must be comma-separated ISO 3166 alpha-2 codes',
  })
  ALLOWED_COUNTRIES?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z]{2}(,[A-Za-z]{2})*$/, {
    message: 'BLOCKED_COUNTRIES must be comma-separated ISO 3166 alpha-2 codes',
  })
  BLOCKED_COUNTRIES?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_:/-]{1,256}$/, {
    message: 'NOTIFY_CONFIGURATION_ID must be a Notify configuration id or ARN',
  })
  NOTIFY_CONFIGURATION_ID?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'NOTIFY_ENDPOINT must be an http(s) URL' })
  NOTIFY_ENDPOINT?: string;

  // A name or an ARN: 1-256 of [A-Za-z0-9_:/-]
  // (https://docs.aws.amazon.com/cli/latest/reference/pinpoint-sms-voice-v2/send-notify-text-message.html).
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_:/-]{1,256}$/, {
    message:
      'NOTIFY_CONFIGURATION_SET_NAME must be a configuration set name or ARN (1-256 of A-Z a-z 0-9 _ : / -)',
  })
  NOTIFY_CONFIGURATION_SET_NAME?: string;

  @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'AWS_REGION must look like us-east-1' })
  AWS_REGION = 'us-east-1';

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  NOTIFY_TIMEOUT_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10)
  NOTIFY_MAX_ATTEMPTS = 3;

  @Matches(/^[A-Z]+$/, { message: 'NOTIFY_VOICE_ID must be an Amazon Polly voice id such as JOANNA' })
  NOTIFY_VOICE_ID = 'JOANNA';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  NOTIFY_EMULATOR_PORT = 0;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(
    /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(,arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256})*$/,
    {
      message: 'SNS_TOPIC_ARNS must be comma-separated SNS topic ARNs',
    },
  )
  SNS_TOPIC_ARNS?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[\x21-\x7e]{32,256}$/, {
    message: 'EVENTBRIDGE_SECRET must be 32 to 256 printable ASCII characters without spaces',
  })
  EVENTBRIDGE_SECRET?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(
    /^[A-Za-z0-9_.-]+=https?:\/\/[^\s|,]+\|whsec_[A-Za-z0-9+/]+={0,2}(,[A-Za-z0-9_.-]+=https?:\/\/[^\s|,]+\|whsec_[A-Za-z0-9+/]+={0,2})*$/,
    { message: 'WEBHOOKS must be comma-separated client=https://url|whsec_<base64 secret> entries' },
  )
  WEBHOOKS?: string;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60000)
  OUTBOX_POLL_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3600000)
  OUTBOX_RETRY_BASE_MS = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  OUTBOX_MAX_ATTEMPTS = 10;

  /** Hash tags the outbox is spread over (one cluster slot each); every instance polls them all in turn. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  OUTBOX_SHARDS = 16;

  @Transform(toOptionalInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  NOTIFY_SENDS_PER_SECOND?: number;

  @Transform(toOptionalInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10000000)
  NOTIFY_DAILY_MESSAGE_LIMIT?: number;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(30000)
  NOTIFY_CAPACITY_WAIT_MS = 2000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  LIMIT_SENDS_PER_NUMBER_15_MIN = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10, {
    message: "LIMIT_SENDS_PER_NUMBER_DAY must not exceed Notify's fixed cap of 10 per number per day",
  })
  LIMIT_SENDS_PER_NUMBER_DAY = 8;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  LIMIT_STARTS_PER_IP_HOUR = 20;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  LIMIT_STARTS_PER_API_KEY_MINUTE = 300;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(12)
  PUMPING_PREFIX_DIGITS = 6;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  PUMPING_SENDS_PER_PREFIX_HOUR = 200;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000000)
  PUMPING_MIN_SENDS = 30;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100)
  PUMPING_MIN_APPROVAL_PERCENT = 20;

  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(604800)
  PUMPING_BLOCK_SECONDS = 43200;
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
  const known = Object.keys(new EnvironmentVariables());
  const picked: Record<string, unknown> = {};
  for (const key of [
    ...known,
    'REDIS_URL',
    'REDIS_CLUSTER_NODES',
    'REDIS_TLS',
    'REDIS_TLS_CA_FILE',
    'REDIS_USERNAME',
    'REDIS_PASSWORD',
    'CORS_ORIGINS',
    'API_KEYS',
    'OTP_HASH_SECRET',
    'ALLOWED_COUNTRIES',
    'BLOCKED_COUNTRIES',
    'NOTIFY_CONFIGURATION_ID',
    'NOTIFY_ENDPOINT',
    'NOTIFY_CONFIGURATION_SET_NAME',
    'NOTIFY_SENDS_PER_SECOND',
    'NOTIFY_DAILY_MESSAGE_LIMIT',
    'SNS_TOPIC_ARNS',
    'EVENTBRIDGE_SECRET',
    'WEBHOOKS',
  ]) {
    if (raw[key] !== undefined) picked[key] = raw[key];
  }
  const env = plainToInstance(EnvironmentVariables, picked, { exposeDefaultValues: true });
  const problems = validateSync(env, { skipMissingProperties: false }).flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)),
  );
  problems.push(...redisProblems(env), ...productionProblems(env));
  if (problems.length > 0) throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return env;
}
