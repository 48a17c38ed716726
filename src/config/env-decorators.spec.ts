import { validateEnv } from './env.validation';

describe('the composite env decorators (IntEnv, BoolEnv, OptionalEnv) under validateEnv', () => {
  it('IntEnv: trims and parses, and names the variable in every failed rule, in the order they always came', () => {
    expect(validateEnv({ PORT: ' 8080 ' }).PORT).toBe(8080);
    expect(() => validateEnv({ PORT: 'abc' })).toThrow(
      'Invalid configuration:\n  - PORT must not be greater than 65535\n  - PORT must not be less than 0\n  - PORT must be an integer number',
    );
    expect(() => validateEnv({ LIMIT_SENDS_PER_NUMBER_DAY: '11' })).toThrow(
      "LIMIT_SENDS_PER_NUMBER_DAY must not exceed Notify's fixed cap of 10 per number per day",
    );
  });

  it('IntEnv optional and OptionalEnv: unset or blank is absent; BoolEnv reads true/false and 1/0', () => {
    const env = validateEnv({ NOTIFY_SENDS_PER_SECOND: ' ', REDIS_URL: '', AUTO_VOICE_FALLBACK: '0' });
    expect(env).toMatchObject({
      NOTIFY_SENDS_PER_SECOND: undefined,
      REDIS_URL: undefined,
      AUTO_VOICE_FALLBACK: false,
    });
    expect(validateEnv({ NOTIFY_SENDS_PER_SECOND: '20', AUTO_VOICE_FALLBACK: 'TRUE' })).toMatchObject({
      NOTIFY_SENDS_PER_SECOND: 20,
      AUTO_VOICE_FALLBACK: true,
    });
  });

  it('keeps only the schema: the rest of the environment is dropped, and an undefined value keeps the default', () => {
    const env = validateEnv({
      PATH: '/usr/bin',
      HOME: '/root',
      OTP_TTL_SECONDS: undefined,
      WEBHOOKS: undefined,
    });
    expect(env).not.toHaveProperty('PATH');
    expect(env).not.toHaveProperty('HOME');
    expect(env.OTP_TTL_SECONDS).toBe(600);
  });
});
