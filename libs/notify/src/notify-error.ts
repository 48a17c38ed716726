export type NotifyErrorKind =
  | 'validation'
  | 'not_found'
  | 'quota_exceeded'
  | 'conflict'
  | 'throttled'
  | 'access_denied'
  | 'internal'
  | 'timeout'
  | 'network'
  | 'unknown';

export interface NotifyErrorField {
  name: string;
  message: string;
}

export interface NotifyErrorInit {
  kind: NotifyErrorKind;
  operation: string;
  message: string;
  reason?: string;
  fields?: NotifyErrorField[];
  resourceType?: string;
  resourceId?: string;
  requestId?: string;
  httpStatusCode?: number;
  code?: string;
  attempts?: number;
}

const RETRYABLE_KINDS: ReadonlySet<NotifyErrorKind> = new Set([
  'throttled',
  'internal',
  'timeout',
  'network',
]);

/**
 * The only error NotifyClient throws. It carries no `cause`: the SDK error it replaces may hold text that the
 * redaction of a send did not scrub, and a logger that walks causes would print it.
 */
export class NotifyError extends Error {
  override readonly name = 'NotifyError';
  readonly kind: NotifyErrorKind;
  /** True when the same request may succeed later; the SDK has already spent its own retries. */
  readonly retryable: boolean;
  readonly operation: string;
  readonly reason?: string;
  readonly fields?: NotifyErrorField[];
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly requestId?: string;
  readonly httpStatusCode?: number;
  /** The Node.js error code (ECONNREFUSED, ETIMEDOUT, ...) of a timeout or network error. */
  readonly code?: string;
  /** HTTP attempts the SDK made, retries included. */
  readonly attempts?: number;

  constructor(init: NotifyErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.retryable = RETRYABLE_KINDS.has(init.kind);
    this.operation = init.operation;
    this.reason = init.reason;
    this.fields = init.fields;
    this.resourceType = init.resourceType;
    this.resourceId = init.resourceId;
    this.requestId = init.requestId;
    this.httpStatusCode = init.httpStatusCode;
    this.code = init.code;
    this.attempts = init.attempts;
  }

  toInit(): NotifyErrorInit {
    return {
      kind: this.kind,
      operation: this.operation,
      message: this.message,
      reason: this.reason,
      fields: this.fields,
      resourceType: this.resourceType,
      resourceId: this.resourceId,
      requestId: this.requestId,
      httpStatusCode: this.httpStatusCode,
      code: this.code,
      attempts: this.attempts,
    };
  }
}

// Matched by `name` rather than instanceof so that an exception from a second copy of the SDK, or one the SDK
// could not match to a modeled class (it then sets `name` from the wire `__type`), still maps.
const KIND_BY_EXCEPTION_NAME: ReadonlyMap<string, NotifyErrorKind> = new Map([
  ['ValidationException', 'validation'],
  ['ResourceNotFoundException', 'not_found'],
  ['ServiceQuotaExceededException', 'quota_exceeded'],
  ['ConflictException', 'conflict'],
  ['ThrottlingException', 'throttled'],
  ['AccessDeniedException', 'access_denied'],
  ['InternalServerException', 'internal'],
]);

const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

type Bag = Record<string, unknown>;

function isBag(value: unknown): value is Bag {
  return typeof value === 'object' && value !== null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function fieldsOf(value: unknown): NotifyErrorField[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .filter(isBag)
    .map((field) => ({ name: str(field.Name) ?? '', message: str(field.Message) ?? '' }));
}

const KNOWN_CODES = new RegExp(`\\b(${[...TIMEOUT_CODES, ...NETWORK_CODES].join('|')})\\b`);

function errnoCode(error: Bag, text: string | undefined): string | undefined {
  const own = str(error.code);
  if (own) return own;
  // Node reports a failed dual-stack (Happy Eyeballs) connect as an AggregateError without a code of its own.
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors) {
      if (isBag(inner) && str(inner.code)) return str(inner.code);
    }
  }
  // Inside a VM sandbox such as Jest's, a Node core error fails the SDK's `instanceof Error` and the retry
  // middleware rewraps it as plain text ("AWS SDK error wrapper for Error: connect ECONNREFUSED ..."), which
  // keeps the code only in the message.
  const named = text?.match(KNOWN_CODES)?.[1];
  if (named) return named;
  // Node raises every "socket hang up" with ECONNRESET; the rewrapped text above drops it.
  return text !== undefined && /socket hang up/i.test(text) ? 'ECONNRESET' : undefined;
}

function classify(name: string | undefined, code: string | undefined): NotifyErrorKind {
  const modeled = name !== undefined ? KIND_BY_EXCEPTION_NAME.get(name) : undefined;
  if (modeled) return modeled;
  // Checked before the timeout names: @smithy/node-http-handler renames ECONNRESET and EPIPE to TimeoutError.
  if (code !== undefined && NETWORK_CODES.has(code)) return 'network';
  if ((name !== undefined && TIMEOUT_NAMES.has(name)) || (code !== undefined && TIMEOUT_CODES.has(code))) {
    return 'timeout';
  }
  return 'unknown';
}

/** Maps whatever the SDK (or Node beneath it) threw into a NotifyError; a NotifyError passes through. */
export function toNotifyError(operation: string, error: unknown): NotifyError {
  if (error instanceof NotifyError) return error;
  if (!isBag(error)) {
    return new NotifyError({ kind: 'unknown', operation, message: `${operation} failed` });
  }
  const name = str(error.name);
  // Modeled exceptions keep AWS's text in `Message` when built by hand and in `message` once deserialized.
  const text = str(error.Message) ?? str(error.message);
  const code = errnoCode(error, text);
  const kind = classify(name, code);
  const metadata = isBag(error.$metadata) ? error.$metadata : {};
  return new NotifyError({
    kind,
    operation,
    message: text ? `${operation}: ${text}` : `${operation} failed${name ? ` (${name})` : ''}`,
    reason: str(error.Reason),
    fields: fieldsOf(error.Fields),
    resourceType: str(error.ResourceType),
    resourceId: str(error.ResourceId),
    requestId: str(metadata.requestId) ?? str(error.RequestId),
    httpStatusCode: num(metadata.httpStatusCode),
    code: kind === 'timeout' || kind === 'network' ? code : undefined,
    attempts: num(metadata.attempts),
  });
}

const REDACTED = '[redacted]';

/**
 * Returns a copy with every occurrence of the given secrets replaced. AWS's validation text may quote a
 * rejected variable value (a one-time code) or the destination number, and callers log error messages.
 * Secrets shorter than `minLength` are left alone: masking "10" everywhere would garble the text, and no code
 * is that short.
 */
export function redactNotifyError(
  error: NotifyError,
  secrets: readonly string[],
  minLength = 4,
): NotifyError {
  const targets = [...new Set(secrets.filter((secret) => secret.length >= minLength))].sort(
    (a, b) => b.length - a.length,
  );
  if (targets.length === 0) return error;
  const scrub = (text: string): string =>
    targets.reduce((acc, secret) => acc.split(secret).join(REDACTED), text);
  const init = error.toInit();
  return new NotifyError({
    ...init,
    message: scrub(init.message),
    fields: init.fields?.map((field) => ({ name: scrub(field.name), message: scrub(field.message) })),
    resourceId: init.resourceId !== undefined ? scrub(init.resourceId) : undefined,
  });
}
