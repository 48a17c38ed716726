import { OtpApiError, OtpClient } from '@notify-otp/client';
import { listen } from '../support/listening';
import { RunningService, startService } from '../support/service';

interface Seen {
  url: string;
  status: number;
  idempotencyKey: string | null;
}

/** The runtime's own fetch, noting what went over the wire: nothing is faked. */
function recordingFetch(seen: Seen[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    seen.push({
      url: String(input),
      status: response.status,
      idempotencyKey: new Headers(init?.headers).get('idempotency-key'),
    });
    return response;
  };
}

async function failure(promise: Promise<unknown>): Promise<OtpApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OtpApiError) return error;
    throw error;
  }
  throw new Error('expected an OtpApiError');
}

/** The client (from source) against the whole service over a real socket, sandbox mode, real Redis. */
describe('@notify-otp/client against the service', () => {
  let svc: RunningService;
  let baseUrl: string;

  beforeAll(async () => {
    svc = await startService({}, 'client');
    baseUrl = await listen(svc);
  });
  afterAll(() => svc?.close());

  it('gives the first answer again for a start repeated with the caller’s Idempotency-Key, without a second send', async () => {
    const otp = new OtpClient({ baseUrl, apiKey: 'sandbox' });
    const first = await otp.start({ to: '+12065550163' }, { idempotencyKey: 'signup-42' });
    const again = await otp.start({ to: '+12065550163' }, { idempotencyKey: 'signup-42' });
    expect(again).toEqual(first);
    expect(svc.emulator.messages({ to: '+12065550163' })).toHaveLength(1);
  });

  it('never retries a 4xx: one request for a resend that is too soon', async () => {
    const seen: Seen[] = [];
    const otp = new OtpClient({ baseUrl, apiKey: 'sandbox', fetch: recordingFetch(seen) });
    const started = await otp.start({ to: '+12065550164' });
    const error = await failure(otp.resend(started.id));
    expect(error).toMatchObject({ status: 429, code: 'resend_too_soon' });
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(seen.filter((s) => s.url.endsWith('/resend'))).toHaveLength(1);
  });

  it('ends a call that outlasts its timeout with code timeout, status 0', async () => {
    svc.emulator.injectFault({ operation: 'SendNotifyTextMessage', delayMs: 3_000 });
    const otp = new OtpClient({ baseUrl, apiKey: 'sandbox', timeoutMs: 300 });
    expect(await failure(otp.start({ to: '+12065550165' }))).toMatchObject({ status: 0, code: 'timeout' });
  });

  it('answers a bad API key with 401 unauthorized, not retried', async () => {
    const seen: Seen[] = [];
    const otp = new OtpClient({ baseUrl, apiKey: 'wrong', fetch: recordingFetch(seen) });
    expect(await failure(otp.get('VEabc'))).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(seen).toHaveLength(1);
  });
});

describe('@notify-otp/client against a service at its Notify capacity', () => {
  let svc: RunningService;
  let baseUrl: string;

  beforeAll(async () => {
    // One Notify send per second (on Redis's clock) and no waiting for capacity: a second start at once is a
    // 503 notify_capacity with Retry-After.
    svc = await startService(
      { NOTIFY_SENDS_PER_SECOND: '1', NOTIFY_CAPACITY_WAIT_MS: '0' },
      'client-capacity',
    );
    baseUrl = await listen(svc);
  });
  afterAll(() => svc?.close());

  it('retries a 503 with Retry-After with the same Idempotency-Key, and sends once', async () => {
    const seen: Seen[] = [];
    const otp = new OtpClient({ baseUrl, apiKey: 'sandbox', fetch: recordingFetch(seen) });
    await otp.start({ to: '+12065550161' });
    const second = await otp.start({ to: '+12065550162' });
    expect(second.status).toBe('pending');
    expect(seen.slice(1).map((s) => s.status)).toEqual([503, 201]);
    expect(seen[2].idempotencyKey).toBe(seen[1].idempotencyKey);
    expect(svc.emulator.messages({ to: '+12065550162' })).toHaveLength(1);
  });

  it('does not retry when told to wait past the call’s timeout', async () => {
    // Takes this second's token (retrying, if the previous test's start still holds it).
    await new OtpClient({ baseUrl, apiKey: 'sandbox' }).start({ to: '+12065550166' });
    const seen: Seen[] = [];
    const otp = new OtpClient({ baseUrl, apiKey: 'sandbox', fetch: recordingFetch(seen), timeoutMs: 500 });
    const error = await failure(otp.start({ to: '+12065550167' }));
    expect(error).toMatchObject({ status: 503, code: 'notify_capacity', retryAfter: 1 });
    expect(seen.map((s) => s.status)).toEqual([503]);
    expect(svc.emulator.messages({ to: '+12065550167' })).toHaveLength(0);
  });
});
