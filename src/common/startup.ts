import { LoggerService } from '@nestjs/common';
import { Settings } from '../config/settings';

/** Nest's own start-up chatter (a line per module and per route): useful when debugging, noise otherwise. */
const STARTUP_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

/** Passes everything to the app's logger, but Nest's start-up lines at `debug` instead of `info`. */
export class QuietStartupLogger implements LoggerService {
  constructor(private readonly inner: LoggerService) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    if (typeof context === 'string' && STARTUP_CONTEXTS.has(context)) this.inner.debug?.(message, ...params);
    else this.inner.log(message, ...params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.inner.error(message, ...params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.inner.warn(message, ...params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.inner.debug?.(message, ...params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.inner.verbose?.(message, ...params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    (this.inner.fatal ?? this.inner.error).call(this.inner, message, ...params);
  }
}

/** A URL a person can open: a server bound to every interface is reached on localhost. */
export function publicUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/** Which API keys this service accepts, by name only. */
export function acceptedKeys(settings: Settings): string {
  if (settings.auth.sandboxKey) return 'API key "sandbox" (no API_KEYS set)';
  const names = settings.auth.apiKeys.map((key) => key.name);
  return `API keys of API_KEYS (${names.join(', ')})`;
}

/**
 * The one line a person reads at start: where it listens, the mode, the store, the keys, and where to go next. No
 * secret: keys by name, Redis without its credentials.
 */
export function startupLine(settings: Settings, url: string): string {
  const mode =
    settings.notify.mode === 'sandbox'
      ? 'sandbox mode (in-process Notify emulator: read codes at /sandbox/messages)'
      : `AWS mode (Notify configuration ${settings.notify.configurationId}` +
        (settings.notify.endpoint ? ` at ${settings.notify.endpoint})` : `, ${settings.notify.region})`);
  const store = settings.redis.url
    ? `Redis at ${redisAddress(settings.redis.url)}`
    : 'embedded (the same Lua scripts in process; single instance, forgets on restart)';
  const secret = settings.otp.hashSecretGenerated
    ? '; random OTP_HASH_SECRET: codes do not survive a restart'
    : '';
  return (
    `notify-otp listening on ${url}; ${mode}; store: ${store}; accepts ${acceptedKeys(settings)}${secret}. ` +
    `Console: ${url}/console  API docs: ${url}/docs`
  );
}

function redisAddress(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'REDIS_URL';
  }
}
