import { OtpApiError, parseRetryAfter } from './errors';
import { OtpClient, OtpClientOptions } from './client';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

type Script = (sent: Sent, signal: AbortSignal) => Response | Promise<Response>;

/** A fetch that records each request and answers from a script, one entry per request (the last repeats). */
function fakeFetch(...script: Script[]) {
  const sent: Sent[] = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    const request: Sent = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    sent.push(request);
    const answer = script[Math.min(sent.length, script.length) - 1];
    return answer(request, init?.signal as AbortSignal);
  }) as typeof fetch;
  return { sent, impl };
}

const VERIFICATION = {
  id: 'VEabc',
  to: '+12065550100',
  status: 'pending',
  channel: 'auto',
  purpose: 'default',
  createdAt: '2025-01-01T12:00:00.000Z',
  expiresAt: '2025-01-01T12:10:00.000Z',
  attemptsRemaining: 5,
  sendAttempts: [],
  nextResendAt: '2025-01-01T12:00:30.000Z',
};

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });

const problem =
  (status: number, code: string, extra: Record<string, unknown> = {}, headers = {}) =>
  () =>
    new Response(
      JSON.stringify({
        type: `urn:notify-otp:problem:${code}`,
        title: 'T',
        status,
        detail: `${code}!`,
        code,
        ...extra,
      }),
      { status, headers: { 'content-type': 'application/problem+json', ...headers } },
    );

function client(impl: typeof fetch, options: Partial<OtpClientOptions> = {}) {
  return new OtpClient({ baseUrl: 'http://otp.test/', apiKey: 'k-1', fetch: impl, ...options });
}

async function failure(promise: Promise<unknown>): Promise<OtpApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OtpApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(OtpClient.name, () => {
  it('starts a verification with the API key, a JSON body, a fresh Idempotency-Key and the end-user IP', async () => {
    const { sent, impl } = fakeFetch(json(201, VERIFICATION));
    const verification = await client(impl).start(
      { to: '+12065550100', channel: 'sms', purpose: 'login' },
      { endUserIp: '203.0.113.7' },
    );
    expect(verification).toEqual(VERIFICATION);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      url: 'http://otp.test/v1/verifications',
      method: 'POST',
      body: { to: '+12065550100', channel: 'sms', purpose: 'login' },
    });
    expect(sent[0].headers).toMatchObject({
      authorization: 'Bearer k-1',
      'content-type': 'application/json',
      'x-end-user-ip': '203.0.113.7',
    });
    expect(sent[0].headers['idempotency-key']).toMatch(UUID);
  });

  it('sends an Idempotency-Key on start, resend, check and checkByNumber: a new one per call, or the caller’s', async () => {
    const { sent, impl } = fakeFetch(json(200, VERIFICATION));
    const otp = client(impl);
    await otp.start({ to: '+12065550100' });
    await otp.resend('VEabc', { channel: 'voice' });
    await otp.check('VEabc', '123456');
    await otp.checkByNumber({ to: '+12065550100', code: '123456' });
    await otp.check('VEabc', '123456', { idempotencyKey: 'mine-1' });
    const keys = sent.map((s) => s.headers['idempotency-key']);
    expect(keys.slice(0, 4).every((k) => UUID.test(k))).toBe(true);
    expect(new Set(keys.slice(0, 4)).size).toBe(4);
    expect(keys[4]).toBe('mine-1');
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'POST http://otp.test/v1/verifications',
      'POST http://otp.test/v1/verifications/VEabc/resend',
      'POST http://otp.test/v1/verifications/VEabc/check',
      'POST http://otp.test/v1/verification-checks',
      'POST http://otp.test/v1/verifications/VEabc/check',
    ]);
    expect(sent[1].body).toEqual({ channel: 'voice' });
    expect(sent[2].body).toEqual({ code: '123456' });
  });

  it('reads, cancels and lists templates without a body or an Idempotency-Key, and escapes the id', async () => {
    const { sent, impl } = fakeFetch(
      json(200, VERIFICATION),
      json(200, VERIFICATION),
      json(200, { templates: [] }),
    );
    const otp = client(impl);
    await otp.get('VE a/b');
    await otp.cancel('VEabc');
    const listed = await otp.templates();
    const ids: string[] = listed.templates.map((t) => t.id);
    expect(ids).toEqual([]);
    expect(listed.templates).toEqual([]);
    expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET http://otp.test/v1/verifications/VE%20a%2Fb',
      'POST http://otp.test/v1/verifications/VEabc/cancel',
      'GET http://otp.test/v1/templates',
    ]);
    for (const s of sent) {
      expect(s.body).toBeUndefined();
      expect(s.headers['idempotency-key']).toBeUndefined();
      expect(s.headers['content-type']).toBeUndefined();
    }
  });

  it('turns a problem into one OtpApiError with status, code, detail, retryAfter and field errors', async () => {
    const errors = [{ field: 'to', message: 'The destination is not a valid phone number' }];
    const { impl } = fakeFetch(problem(422, 'invalid_phone_number', { errors }, { 'x-request-id': 'req-9' }));
    const error = await failure(client(impl).start({ to: '+1' }));
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'OtpApiError',
      status: 422,
      code: 'invalid_phone_number',
      detail: 'invalid_phone_number!',
      message: 'invalid_phone_number!',
      retryAfter: undefined,
      errors,
      requestId: 'req-9',
    });
    expect(error.fieldError('to')).toBe(errors[0].message);
    expect(error.fieldError('code')).toBeUndefined();
  });

  it('never retries a 4xx, not even a 429 that says when', async () => {
    const { sent, impl } = fakeFetch(problem(429, 'resend_too_soon', {}, { 'retry-after': '0' }));
    const error = await failure(client(impl).resend('VEabc'));
    expect(error).toMatchObject({ status: 429, code: 'resend_too_soon', retryAfter: 0 });
    expect(sent).toHaveLength(1);
  });

  it('retries a 503 with Retry-After with the same Idempotency-Key and body, and returns the answer', async () => {
    const { sent, impl } = fakeFetch(
      problem(503, 'store_unavailable', {}, { 'retry-after': '0' }),
      json(201, VERIFICATION),
    );
    expect(await client(impl).start({ to: '+12065550100' })).toEqual(VERIFICATION);
    expect(sent).toHaveLength(2);
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key']);
    expect(sent[1].body).toEqual(sent[0].body);
  });

  it.each(['outcome_unknown', 'notify_timeout'])(
    'retries %s with the same Idempotency-Key until the service tells the outcome',
    async (code) => {
      const { sent, impl } = fakeFetch(problem(503, code), json(200, { id: 'VEabc', valid: true }));
      expect(await client(impl).check('VEabc', '123456')).toEqual({ id: 'VEabc', valid: true });
      expect(sent).toHaveLength(2);
      expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key']);
    },
  );

  it('does not retry a 503 without Retry-After, nor one that asks to wait longer than maxRetryDelayMs', async () => {
    const bare = fakeFetch(problem(503, 'internal_error'));
    expect(await failure(client(bare.impl).get('VEabc'))).toMatchObject({
      status: 503,
      code: 'internal_error',
    });
    expect(bare.sent).toHaveLength(1);

    const long = fakeFetch(problem(503, 'notify_unavailable', {}, { 'retry-after': '60' }));
    const error = await failure(client(long.impl).start({ to: '+12065550100' }));
    expect(error).toMatchObject({ status: 503, code: 'notify_unavailable', retryAfter: 60 });
    expect(long.sent).toHaveLength(1);
  });

  it('gives up after maxRetries retries with the last answer', async () => {
    const { sent, impl } = fakeFetch(problem(503, 'store_unavailable', {}, { 'retry-after': '0' }));
    const error = await failure(client(impl, { maxRetries: 3 }).check('VEabc', '123456'));
    expect(error.code).toBe('store_unavailable');
    expect(sent).toHaveLength(4);
    expect(new Set(sent.map((s) => s.headers['idempotency-key'])).size).toBe(1);

    const none = fakeFetch(problem(503, 'store_unavailable', {}, { 'retry-after': '0' }));
    await failure(client(none.impl, { maxRetries: 0 }).check('VEabc', '123456'));
    expect(none.sent).toHaveLength(1);
  });

  it('does not start a retry whose wait would outlast the call’s timeout', async () => {
    const { sent, impl } = fakeFetch(problem(503, 'store_unavailable', {}, { 'retry-after': '2' }));
    const error = await failure(client(impl, { timeoutMs: 1000 }).get('VEabc'));
    expect(error.code).toBe('store_unavailable');
    expect(sent).toHaveLength(1);
  });

  it('ends a call that gets no answer within its timeout with code timeout and status 0', async () => {
    const hang: Script = (_sent, signal) =>
      new Promise<Response>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason)),
      );
    const { sent, impl } = fakeFetch(hang);
    const error = await failure(
      client(impl, { timeoutMs: 5_000 }).start({ to: '+12065550100' }, { timeoutMs: 20 }),
    );
    expect(error).toMatchObject({ status: 0, code: 'timeout' });
    expect(sent).toHaveLength(1);
  });

  it('reports an unreachable service as network_error, keeping the cause, without retrying', async () => {
    const cause = new TypeError('fetch failed');
    const { sent, impl } = fakeFetch(() => Promise.reject(cause));
    const error = await failure(client(impl).start({ to: '+12065550100' }));
    expect(error).toMatchObject({ status: 0, code: 'network_error' });
    expect(error.cause).toBe(cause);
    expect(sent).toHaveLength(1);
  });

  it('throws the caller’s abort reason as it is', async () => {
    const reason = new Error('user left');
    const controller = new AbortController();
    controller.abort(reason);
    const { impl } = fakeFetch((_sent, signal) => Promise.reject(signal.reason));
    await expect(client(impl).get('VEabc', { signal: controller.signal })).rejects.toBe(reason);
  });

  it('gives an error answer that is not a problem its status as code and its text as detail', async () => {
    const { impl } = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    expect(await failure(client(impl).get('VEabc'))).toMatchObject({
      status: 502,
      code: 'http_502',
      detail: '<html>Bad gateway</html>',
      errors: [],
    });
  });

  it('reports a success whose body is not JSON as invalid_response, not as a network error', async () => {
    const { impl } = fakeFetch(() => new Response('<html>ok</html>', { status: 200 }));
    expect(await failure(client(impl).get('VEabc'))).toMatchObject({ status: 200, code: 'invalid_response' });
  });

  it('refuses to be built without a base URL or an API key', () => {
    expect(() => new OtpClient({ baseUrl: '', apiKey: 'k' })).toThrow(TypeError);
    expect(() => new OtpClient({ baseUrl: 'http://x', apiKey: '' })).toThrow(TypeError);
  });
});

describe(parseRetryAfter.name, () => {
  it('reads delay-seconds and HTTP dates (RFC 9110 §10.2.3)', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Wed, 01 Jan 2025 12:00:05 GMT', now)).toBe(5);
    expect(parseRetryAfter('Wed, 01 Jan 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
