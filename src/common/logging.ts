import { Params } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { Settings } from '../config/settings';
import { maskPhoneNumbersIn } from './redaction';

/**
 * JSON logs with a request id on every line. Secrets never reach them: the Authorization header, codes, numbers and
 * template variables are redacted by path, and numbers anywhere in a URL are masked.
 */
export function loggerParams(settings: Settings, stream?: DestinationStream): Params {
  return {
    pinoHttp: {
      stream,
      level: settings.app.logLevel,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.code',
          '*.to',
          '*.variables',
          '*.templateVariables',
          '*.TemplateVariables',
          '*.destinationPhoneNumber',
          '*.DestinationPhoneNumber',
        ],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: maskPhoneNumbersIn(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    },
  };
}
