import { Params } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { Settings } from '../config/settings';
import { maskPhoneNumbersIn } from './redaction';

const MAX_DEPTH = 4;

function maskError(error: Error, depth: number): Error {
  const copy = new Error(maskPhoneNumbersIn(error.message));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : maskPhoneNumbersIn(error.stack);
  for (const [key, value] of Object.entries(error)) {
    (copy as unknown as Record<string, unknown>)[key] = maskValue(value, depth + 1);
  }
  return copy;
}

/** Masks numbers in strings, plain objects, arrays and errors; other objects (requests, streams) pass untouched. */
function maskValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhoneNumbersIn(value);
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (value instanceof Error) return maskError(value, depth);
  if (Array.isArray(value)) return value.map((item) => maskValue(item, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskValue(item, depth + 1)]));
}

/**
 * JSON logs with a request id on every line: nestjs-pino binds the request's logger for the whole request, so lines
 * written through Nest's Logger inside it carry `req.id` too. Secrets never reach them: the Authorization header,
 * codes, numbers and template variables are redacted by path, and numbers are masked in URLs and in every message,
 * error message, stack and field a log call is given.
 */
export function loggerParams(settings: Settings, stream?: DestinationStream): Params {
  return {
    pinoHttp: {
      stream,
      level: settings.app.logLevel,
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => maskValue(arg)) as Parameters<typeof method>);
        },
      },
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
