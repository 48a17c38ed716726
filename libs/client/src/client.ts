import { errorFromResponse, OtpApiError } from './errors';
import type {
  CheckByNumberParams,
  CheckByNumberResult,
  CheckResult,
  DryRunResult,
  ResendParams,
  StartParams,
  TemplatesResult,
  Verification,
} from './types';

export interface OtpClientOptions {
  /** Where the service listens, e.g. `https://otp.internal.example.com` or `http://localhost:3000`. */
  baseUrl: string;
  /** An API key of the service (`Authorization: Bearer …`); `sandbox` in sandbox mode. */
  apiKey: string;
  /** Longest a call may take, retries and their waits included. Default 10 000 ms. */
  timeoutMs?: number;
  /** Retries after an answer that says retrying is safe (see README). Default 2; 0 turns retries off. */
  maxRetries?: number;
  /** A `Retry-After` longer than this is not waited for: the call fails with it. Default 5 000 ms. */
  maxRetryDelayMs?: number;
  /** A fetch of your own (instrumented, proxied); default the runtime's global fetch. */
  fetch?: typeof fetch;
}

export interface CallOptions {
  /** Overrides the client's timeoutMs for this call. */
  timeoutMs?: number;
  /** Aborts the call; the abort reason is thrown as it is. */
  signal?: AbortSignal;
}

export interface IdempotentCallOptions extends CallOptions {
  /**
   * Sent as `Idempotency-Key`; a random UUID when omitted. Pass your own to make a retry of yours (after a crash,
   * a timeout) get the first answer instead of a second send.
   */
  idempotencyKey?: string;
}

export interface StartOptions extends IdempotentCallOptions {
  /** The end user's IP address (`X-End-User-IP`), for the service's per-IP limit. */
  endUserIp?: string;
}

/** Codes whose request may or may not have taken effect: retried with the same Idempotency-Key, which is safe. */
const UNKNOWN_OUTCOME = new Set(['outcome_unknown', 'notify_timeout']);
const UNKNOWN_OUTCOME_BACKOFF_MS = 250;

interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  options?: CallOptions;
}

function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}

/** A wait that ends early, with the abort reason, when the signal aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The service's REST API as a few typed calls. Only `fetch` is used, so it runs on Node 20+, Bun, Deno and edge
 * runtimes. Every failure is an OtpApiError.
 */
export class OtpClient {
  private readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly maxRetryDelayMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: OtpClientOptions) {
    if (!options.baseUrl) throw new TypeError('OtpClient needs a baseUrl');
    if (!options.apiKey) throw new TypeError('OtpClient needs an apiKey');
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 2);
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5_000;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== 'function') throw new TypeError('No fetch in this runtime: pass options.fetch');
    this.fetchImpl = fetchImpl;
  }

  /** Sends a code (`POST /v1/verifications`). With `dryRun: true` nothing is sent or stored. */
  start(params: StartParams & { dryRun: true }, options?: StartOptions): Promise<DryRunResult>;
  start(params: StartParams & { dryRun?: false }, options?: StartOptions): Promise<Verification>;
  start(params: StartParams, options?: StartOptions): Promise<Verification | DryRunResult>;
  start(params: StartParams, options: StartOptions = {}): Promise<Verification | DryRunResult> {
    const headers: Record<string, string> = {
      'Idempotency-Key': options.idempotencyKey ?? newIdempotencyKey(),
    };
    if (options.endUserIp) headers['X-End-User-IP'] = options.endUserIp;
    return this.request({ method: 'POST', path: '/v1/verifications', body: params, headers, options });
  }

  /** Sends a new code that replaces the previous one; `{ channel: 'voice' }` calls instead. */
  resend(id: string, params: ResendParams = {}, options: IdempotentCallOptions = {}): Promise<Verification> {
    return this.request({
      method: 'POST',
      path: `/v1/verifications/${encodeURIComponent(id)}/resend`,
      body: params,
      headers: { 'Idempotency-Key': options.idempotencyKey ?? newIdempotencyKey() },
      options,
    });
  }

  /** Checks a code: `valid` and the verification's status; a finished verification answers `valid: false`. */
  check(id: string, code: string, options: IdempotentCallOptions = {}): Promise<CheckResult> {
    return this.request({
      method: 'POST',
      path: `/v1/verifications/${encodeURIComponent(id)}/check`,
      body: { code },
      headers: { 'Idempotency-Key': options.idempotencyKey ?? newIdempotencyKey() },
      options,
    });
  }

  /** Checks a code against the number's pending verification for `purpose`, without its id. */
  checkByNumber(
    params: CheckByNumberParams,
    options: IdempotentCallOptions = {},
  ): Promise<CheckByNumberResult> {
    return this.request({
      method: 'POST',
      path: '/v1/verification-checks',
      body: params,
      headers: { 'Idempotency-Key': options.idempotencyKey ?? newIdempotencyKey() },
      options,
    });
  }

  cancel(id: string, options: CallOptions = {}): Promise<Verification> {
    return this.request({
      method: 'POST',
      path: `/v1/verifications/${encodeURIComponent(id)}/cancel`,
      options,
    });
  }

  get(id: string, options: CallOptions = {}): Promise<Verification> {
    return this.request({ method: 'GET', path: `/v1/verifications/${encodeURIComponent(id)}`, options });
  }

  /** The templates codes can be sent with: channels, languages, variables and voices. */
  templates(options: CallOptions = {}): Promise<TemplatesResult> {
    return this.request({ method: 'GET', path: '/v1/templates', options });
  }

  private async request<T>(spec: RequestSpec): Promise<T> {
    const timeoutMs = spec.options?.timeoutMs ?? this.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    const controller = new AbortController();
    const timedOut = new OtpApiError({
      status: 0,
      code: 'timeout',
      title: 'Timeout',
      detail: `No answer within ${timeoutMs} ms; the outcome is unknown.`,
    });
    const timer = setTimeout(() => controller.abort(timedOut), timeoutMs);
    const callerSignal = spec.options?.signal;
    const onCallerAbort = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) onCallerAbort();
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      for (let attempt = 0; ; attempt++) {
        const response = await this.send(spec, controller.signal);
        if (response.ok) return await this.body<T>(response);
        const error = await errorFromResponse(response);
        const waitMs = this.retryDelay(error, attempt);
        if (waitMs === undefined || Date.now() + waitMs >= deadline) throw error;
        await sleep(waitMs, controller.signal);
      }
    } catch (error) {
      if (controller.signal.aborted && error === controller.signal.reason) throw error;
      if (error instanceof OtpApiError) throw error;
      if (controller.signal.aborted) throw controller.signal.reason;
      throw new OtpApiError({
        status: 0,
        code: 'network_error',
        title: 'Network error',
        detail: `The service could not be reached: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private async body<T>(response: Response): Promise<T> {
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new OtpApiError({
        status: response.status,
        code: 'invalid_response',
        title: 'Invalid response',
        detail: `The service answered ${response.status} with a body that is not JSON.`,
        requestId: response.headers.get('x-request-id') ?? undefined,
        cause,
      });
    }
  }

  private send(spec: RequestSpec, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      Authorization: `Bearer ${this.apiKey}`,
      ...spec.headers,
    };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    return this.fetchImpl(this.baseUrl + spec.path, {
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal,
    });
  }

  /**
   * How long to wait before retrying, or undefined when a retry is not safe: never after a 4xx; after a 503 only
   * when it says when (`Retry-After`, within maxRetryDelayMs); after an unknown outcome with the same
   * Idempotency-Key, which the service answers with the first outcome.
   */
  private retryDelay(error: OtpApiError, attempt: number): number | undefined {
    if (attempt >= this.maxRetries || error.status < 500) return undefined;
    if (UNKNOWN_OUTCOME.has(error.code)) {
      return error.retryAfter !== undefined
        ? Math.min(error.retryAfter * 1000, this.maxRetryDelayMs)
        : UNKNOWN_OUTCOME_BACKOFF_MS * 2 ** attempt;
    }
    if (error.status !== 503 || error.retryAfter === undefined) return undefined;
    const waitMs = error.retryAfter * 1000;
    return waitMs <= this.maxRetryDelayMs ? waitMs : undefined;
  }
}
