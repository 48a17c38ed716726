import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { validateEnv } from './env.validation';
import { Settings } from './settings';

describe(validateEnv.name, () => {
  it('runs on embedded defaults outside production: sandbox Notify, in-process store, sandbox key', () => {
    const settings = new Settings(validateEnv({}));
    expect(settings.notify.mode).toBe('sandbox');
    expect(settings.redis.url).toBeUndefined();
    expect(settings.auth.sandboxKey).toBe(true);
    expect(settings.otp).toMatchObject({
      ttlSeconds: 600,
      codeLength: 6,
      maxAttempts: 5,
      resendCooldownSeconds: 30,
      maxSends: 5,
    });
    expect(settings.otp.hashSecretGenerated).toBe(true);
  });

  it('loosens the limits a developer would hit in an afternoon, in sandbox mode only and where not set', () => {
    const sandbox = new Settings(validateEnv({ LIMIT_SENDS_PER_NUMBER_15_MIN: '7' }));
    expect(sandbox.limits).toMatchObject({
      sendsPerNumberPer15Min: 7,
      sendsPerNumberPerDay: 10,
      pumping: { minSends: 1000, blockSeconds: 600 },
    });
    expect(sandbox.otp.maxFailedChecksPerNumber).toBe(100);
    const aws = new Settings(validateEnv({ NOTIFY_CONFIGURATION_ID: 'nc-1' }));
    expect(aws.limits).toMatchObject({
      sendsPerNumberPer15Min: 5,
      sendsPerNumberPerDay: 8,
      pumping: { minSends: 30 },
    });
    expect(aws.otp.maxFailedChecksPerNumber).toBe(15);
  });

  it('accepts the key "sandbox" outside production whenever no API_KEYS are set, in AWS mode too', () => {
    expect(new Settings(validateEnv({ NOTIFY_CONFIGURATION_ID: 'nc-1' })).auth.sandboxKey).toBe(true);
    expect(new Settings(validateEnv({ API_KEYS: `acme:${'a'.repeat(64)}` })).auth.sandboxKey).toBe(false);
  });

  it('refuses to start in production without Redis, a hashing secret, API keys and Notify settings', () => {
    expect(() => validateEnv({ NODE_ENV: 'production' })).toThrow(
      /REDIS_URL or REDIS_CLUSTER_NODES is required[\s\S]*OTP_HASH_SECRET is required[\s\S]*API_KEYS is required[\s\S]*NOTIFY_CONFIGURATION_ID is required/,
    );
  });

  it('accepts a complete production configuration and never offers the sandbox key', () => {
    const settings = new Settings(
      validateEnv({
        NODE_ENV: 'production',
        REDIS_URL: 'redis://cache:6379',
        OTP_HASH_SECRET: 's'.repeat(40),
        API_KEYS: `acme:${'a'.repeat(64)}`,
        NOTIFY_CONFIGURATION_ID: 'nc-1234',
        ALLOWED_COUNTRIES: 'us,ca',
      }),
    );
    expect(settings.notify.mode).toBe('aws');
    expect(settings.auth).toMatchObject({ sandboxKey: false, apiKeys: [{ name: 'acme' }] });
    expect(settings.notify.allowedCountries).toEqual(['US', 'CA']);
  });

  it.each([
    ['OTP_TTL_SECONDS', 'ten'],
    ['OTP_CODE_LENGTH', '3'],
    ['API_KEYS', 'acme:not-a-digest'],
    ['ALLOWED_COUNTRIES', 'USA'],
    ['REDIS_URL', 'http://x'],
    ['OTP_HASH_SECRET', 'short'],
    ['AUTO_VOICE_ON_RESEND', 'maybe'],
  ])('names the bad variable %s', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(new RegExp(name));
  });
});

describe('Redis settings', () => {
  const secret = { OTP_HASH_SECRET: 's'.repeat(40) };

  it('reads cluster seeds, TLS and credentials (ElastiCache cluster mode or Serverless)', () => {
    const settings = new Settings(
      validateEnv({
        ...secret,
        REDIS_CLUSTER_NODES: 'clustercfg.otp.abc123.use1.cache.amazonaws.com:6379,10.0.0.2:7000',
        REDIS_TLS: 'true',
        REDIS_USERNAME: 'otp-service',
        REDIS_PASSWORD: 'p'.repeat(20),
      }),
    );
    expect(settings.redis).toMatchObject({
      url: undefined,
      clusterNodes: [
        { host: 'clustercfg.otp.abc123.use1.cache.amazonaws.com', port: 6379 },
        { host: '10.0.0.2', port: 7000 },
      ],
      tls: true,
      username: 'otp-service',
    });
  });

  it('turns TLS on for rediss:// and off for redis:// unless REDIS_TLS says otherwise', () => {
    expect(new Settings(validateEnv({ ...secret, REDIS_URL: 'rediss://cache:6379' })).redis.tls).toBe(true);
    expect(new Settings(validateEnv({ ...secret, REDIS_URL: 'redis://cache:6379' })).redis.tls).toBe(false);
    expect(new Settings(validateEnv({ ...secret, REDIS_CLUSTER_NODES: 'a:1' })).redis.tls).toBe(false);
    expect(() => validateEnv({ ...secret, REDIS_URL: 'rediss://cache:6379', REDIS_TLS: 'false' })).toThrow(
      /REDIS_TLS=false contradicts/,
    );
  });

  it.each([{ REDIS_URL: 'redis://cache:6379' }, { REDIS_CLUSTER_NODES: '10.0.0.1:6379' }])(
    'requires OTP_HASH_SECRET with %o, saying every instance must share it',
    (redis) => {
      expect(() => validateEnv(redis)).toThrow(
        /OTP_HASH_SECRET is required .*every instance sharing that Redis/,
      );
    },
  );

  it('refuses both topologies at once, bad seeds, and Redis options without a Redis', () => {
    expect(() => validateEnv({ ...secret, REDIS_URL: 'redis://a:1', REDIS_CLUSTER_NODES: 'a:1' })).toThrow(
      /REDIS_URL and REDIS_CLUSTER_NODES exclude each other/,
    );
    expect(() => validateEnv({ ...secret, REDIS_CLUSTER_NODES: 'redis://a:1' })).toThrow(
      /REDIS_CLUSTER_NODES/,
    );
    expect(() => validateEnv({ REDIS_TLS: 'true' })).toThrow(/need REDIS_URL or REDIS_CLUSTER_NODES/);
    expect(() => validateEnv({ OUTBOX_SHARDS: '0' })).toThrow(/OUTBOX_SHARDS/);
  });
});

describe('.env.example', () => {
  const example = parse(readFileSync(`${__dirname}/../../.env.example`, 'utf8'));

  it('lists every variable the service reads, and validates as it stands', () => {
    const schema = readFileSync(`${__dirname}/env.validation.ts`, 'utf8');
    const declared = [...schema.matchAll(/^\s+([A-Z][A-Z0-9_]+)[?]?[:=! ]/gm)].map((m) => m[1]).sort();
    expect(Object.keys(example).sort()).toEqual(declared);
    expect(() => validateEnv(example)).not.toThrow();
  });
});

describe('delivery events, outbox and webhook settings', () => {
  const secret = `whsec_${Buffer.from('a'.repeat(32)).toString('base64')}`;

  it('reads webhook endpoints per API client, SNS topics and the EventBridge secret', () => {
    const settings = new Settings(
      validateEnv({
        WEBHOOKS: `acme=https://acme.example/hooks?x=1|${secret},beta=http://127.0.0.1:9000/h|${secret}`,
        SNS_TOPIC_ARNS:
          'arn:aws:sns:us-east-1:123456789012:notify-events,arn:aws:sns:eu-west-1:123456789012:b',
        EVENTBRIDGE_SECRET: 'e'.repeat(32),
        AUTO_VOICE_FALLBACK: 'false',
      }),
    );
    expect(settings.webhooks.endpoints).toEqual([
      { clientId: 'acme', url: 'https://acme.example/hooks?x=1', secret },
      { clientId: 'beta', url: 'http://127.0.0.1:9000/h', secret },
    ]);
    expect(settings.deliveryEvents).toEqual({
      snsTopicArns: [
        'arn:aws:sns:us-east-1:123456789012:notify-events',
        'arn:aws:sns:eu-west-1:123456789012:b',
      ],
      eventBridgeSecret: 'e'.repeat(32),
      autoVoiceFallback: false,
    });
    expect(settings.outbox).toEqual({ pollMs: 1000, retryBaseMs: 2000, maxAttempts: 10, shards: 16 });
  });

  it.each([
    ['WEBHOOKS', 'acme=https://acme.example/hooks'],
    ['WEBHOOKS', `acme=ftp://acme.example|${secret}`],
    ['SNS_TOPIC_ARNS', 'arn:aws:sqs:us-east-1:123456789012:q'],
    ['EVENTBRIDGE_SECRET', 'short'],
    ['OUTBOX_POLL_MS', '1'],
  ])('names the bad variable %s', (name, value) => {
    expect(() => validateEnv({ [name]: value })).toThrow(new RegExp(name));
  });

  // send-notify-text-message.html: ConfigurationSetName is a name or an ARN, 1-256 of [A-Za-z0-9_:/-].
  it('takes NOTIFY_CONFIGURATION_SET_NAME as a name or an ARN up to 256 characters, as AWS allows (send-notify-text-message)', () => {
    const arn = `arn:aws:sms-voice:us-east-1:123456789012:configuration-set/${'a'.repeat(197)}`;
    expect(arn.length).toBe(256);
    expect(
      new Settings(validateEnv({ NOTIFY_CONFIGURATION_SET_NAME: arn })).notify.configurationSetName,
    ).toBe(arn);
    expect(() => validateEnv({ NOTIFY_CONFIGURATION_SET_NAME: `${arn}a` })).toThrow(
      /NOTIFY_CONFIGURATION_SET_NAME/,
    );
    expect(() => validateEnv({ NOTIFY_CONFIGURATION_SET_NAME: 'otp events' })).toThrow(
      /NOTIFY_CONFIGURATION_SET_NAME/,
    );
  });

  it('refuses plain-http webhooks in production', () => {
    expect(() =>
      validateEnv({ NODE_ENV: 'production', WEBHOOKS: `acme=http://acme.example/h|${secret}` }),
    ).toThrow(/WEBHOOKS URLs must use https in production/);
  });
});
