import { Writable } from 'node:stream';
import pinoHttp, { Options } from 'pino-http';
import { validateEnv } from '../config/env.validation';
import { Settings } from '../config/settings';
import { loggerParams } from './logging';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const params = loggerParams(new Settings(validateEnv({ LOG_LEVEL: 'info' })), stream);
  const { logger } = pinoHttp(params.pinoHttp as Options);
  return { logger, lines };
}

describe(loggerParams.name, () => {
  it('masks numbers in messages, error messages, stacks and nested fields', () => {
    const { logger, lines } = capture();
    const error = new Error('DestinationPhoneNumber +12065550100 is not valid');
    Object.assign(error, { detail: 'to=%2B12065550100' });

    logger.error(error);
    logger.warn(
      { err: error, attempt: { number: '+442071838750', list: ['+12065550100'] } },
      'send to +12065550100',
    );
    logger.info('retrying %s', '+12065550100');

    const text = JSON.stringify(lines);
    expect(text).not.toMatch(/2065550100|2071838750/);
    expect(text).toContain('+1206*****00');
    expect(lines[0]).toMatchObject({
      msg: 'DestinationPhoneNumber +1206*****00 is not valid',
      err: { message: 'DestinationPhoneNumber +1206*****00 is not valid', detail: 'to=%2B1206*****00' },
    });
    expect(lines[1]).toMatchObject({ msg: 'send to +1206*****00', attempt: { number: '+4420******50' } });
    expect(lines[2]).toMatchObject({ msg: 'retrying +1206*****00' });
    expect(error.message).toBe('DestinationPhoneNumber +12065550100 is not valid'); // the caller's error is untouched
  });

  it('redacts codes, numbers and template variables by path', () => {
    const { logger, lines } = capture();
    logger.info(
      { request: { to: '+12065550100', code: '482913', TemplateVariables: { code: '482913' } } },
      'x',
    );
    expect(lines[0]).toMatchObject({
      request: { to: '[redacted]', code: '[redacted]', TemplateVariables: '[redacted]' },
    });
  });
});
