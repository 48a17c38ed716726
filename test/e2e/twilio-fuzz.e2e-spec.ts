import fc from 'fast-check';
import { RunningService, startService } from '../support/service';

/**
 * Hostile form bodies and paths against every /v2 route: no 5xx, and every error in Twilio's shape
 * (`{ code, message, more_info, status }`, https://www.twilio.com/docs/errors).
 */
describe('Twilio /v2 surface under malformed input', () => {
  const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
  const basic = `Basic ${Buffer.from(`${ACCOUNT_SID}:sandbox`).toString('base64')}`;
  let svc: RunningService;
  let serviceSid: string;

  beforeAll(async () => {
    svc = await startService(
      { LIMIT_STARTS_PER_API_KEY_MINUTE: '1000000', LIMIT_STARTS_PER_IP_HOUR: '1000000' },
      'twilio-fuzz',
    );
    const created = await svc.app.inject({
      method: 'POST',
      url: '/v2/Services',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'FriendlyName=Fuzz',
    });
    serviceSid = (created.json() as { sid: string }).sid;
  });
  afterAll(() => svc.close());

  const hostile = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(
      '',
      ' ',
      '+',
      '+12065550100',
      '+1206555010',
      'sms',
      'call',
      'true',
      '123456',
      '%00',
      '\u202e',
    ),
    fc.constantFrom('VE' + '0'.repeat(32), 'VA' + '0'.repeat(32), '__proto__', 'constructor'),
  );
  const names = fc.constantFrom(
    'To',
    'Channel',
    'Code',
    'VerificationSid',
    'Status',
    'Locale',
    'DeviceIp',
    'FriendlyName',
    'CodeLength',
    'PageSize',
    'CustomCode',
    '__proto__',
    'constructor',
    'to',
  );
  const formBody = fc
    .array(fc.tuple(names, hostile), { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
  // An empty segment misses every /v2 route: the router's 404 is ours (problem+json), as the README says. So do `.`
  // and `..`, which URL normalisation removes (RFC 3986 §5.2.4), leaving an empty segment.
  const segment = fc.oneof(
    hostile.map(encodeURIComponent).filter((s) => s.length > 0 && s !== '.' && s !== '..'),
    fc.constant('SERVICE'),
  );
  const route = fc.oneof(
    fc.constant({ method: 'POST' as const, path: '/v2/Services' }),
    fc.constant({ method: 'GET' as const, path: '/v2/Services' }),
    segment.map((s) => ({ method: 'GET' as const, path: `/v2/Services/${s}` })),
    segment.map((s) => ({ method: 'POST' as const, path: `/v2/Services/${s}` })),
    segment.map((s) => ({ method: 'DELETE' as const, path: `/v2/Services/${s}` })),
    segment.map((s) => ({ method: 'POST' as const, path: `/v2/Services/${s}/Verifications` })),
    segment.map((s) => ({ method: 'POST' as const, path: `/v2/Services/${s}/VerificationCheck` })),
    fc
      .tuple(segment, segment)
      .map(([s, v]) => ({ method: 'GET' as const, path: `/v2/Services/${s}/Verifications/${v}` })),
    fc
      .tuple(segment, segment)
      .map(([s, v]) => ({ method: 'POST' as const, path: `/v2/Services/${s}/Verifications/${v}` })),
  );

  it('never answers 5xx, and every error is Twilio JSON', async () => {
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(route, formBody, fc.boolean(), async (target, body, authenticated) => {
        // Deleting the one real service would only make the rest 404s: keep it.
        const sid = target.method === 'DELETE' ? 'VA' + 'f'.repeat(32) : serviceSid;
        const url = target.path.replace('SERVICE', sid);
        const res = await svc.app.inject({
          method: target.method,
          url: target.method === 'GET' ? `${url}?${body}` : url,
          headers: {
            ...(authenticated ? { authorization: basic } : {}),
            ...(target.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          },
          payload: target.method === 'POST' ? body : undefined,
        });
        const where = `${target.method} ${url} ${body} -> ${res.statusCode} ${res.body.slice(0, 200)}`;
        if (res.statusCode >= 500) throw new Error(`5xx: ${where}`);
        if (res.statusCode < 400) return;
        errors += 1;
        const error = res.json() as Record<string, unknown>;
        const twilioShape =
          typeof error.code === 'number' &&
          typeof error.message === 'string' &&
          error.more_info === `https://www.twilio.com/docs/errors/${String(error.code)}` &&
          error.status === res.statusCode;
        if (!twilioShape) throw new Error(`not a Twilio error: ${where}`);
      }),
      { numRuns: 1000 },
    );
    expect(errors).toBeGreaterThan(500);
  });
});
