import { LoggerService } from '@nestjs/common';
import { validateEnv } from '../config/env.validation';
import { Settings } from '../config/settings';
import { publicUrl, QuietStartupLogger, startupLine } from './startup';

describe(startupLine.name, () => {
  it('says where it listens, the mode, the store, the accepted keys and where the console and docs are', () => {
    const line = startupLine(new Settings(validateEnv({})), publicUrl('0.0.0.0', 3000));
    expect(line).toContain('listening on http://localhost:3000');
    expect(line).toContain('sandbox mode');
    expect(line).toContain('store: embedded');
    expect(line).toContain('accepts API key "sandbox"');
    expect(line).toContain('http://localhost:3000/console');
    expect(line).toContain('http://localhost:3000/docs');
  });

  it('in AWS mode names the configuration and the keys by name, and Redis without its password', () => {
    const settings = new Settings(
      validateEnv({
        NOTIFY_CONFIGURATION_ID: 'nc-1',
        REDIS_URL: 'redis://user:hunter2@cache:6379/0',
        API_KEYS: `web:${'a'.repeat(64)},ops:${'b'.repeat(64)}`,
        OTP_HASH_SECRET: 's'.repeat(32),
      }),
    );
    const line = startupLine(settings, publicUrl('127.0.0.1', 8080));
    expect(line).toContain('AWS mode (Notify configuration nc-1, us-east-1)');
    expect(line).toContain('store: Redis at redis://cache:6379');
    expect(line).toContain('API keys of API_KEYS (web, ops)');
    expect(line).not.toContain('hunter2');
    expect(line).not.toContain('a'.repeat(64));
  });
});

describe(QuietStartupLogger.name, () => {
  it("puts Nest's module and route lines at debug and passes everything else on as it came", () => {
    const calls: [string, unknown[]][] = [];
    const record =
      (level: string) =>
      (...args: unknown[]) =>
        calls.push([level, args]);
    const inner: LoggerService = {
      log: record('log'),
      error: record('error'),
      warn: record('warn'),
      debug: record('debug'),
    };
    const logger = new QuietStartupLogger(inner);
    logger.log('Mapped {/v1/templates, GET} route', 'RouterExplorer');
    logger.log('ApiModule dependencies initialized', 'InstanceLoader');
    logger.log('listening', 'Bootstrap');
    logger.warn('careful', 'Redis');
    expect(calls).toEqual([
      ['debug', ['Mapped {/v1/templates, GET} route', 'RouterExplorer']],
      ['debug', ['ApiModule dependencies initialized', 'InstanceLoader']],
      ['log', ['listening', 'Bootstrap']],
      ['warn', ['careful', 'Redis']],
    ]);
  });
});
