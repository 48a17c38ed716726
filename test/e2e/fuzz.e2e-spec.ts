import fc from 'fast-check';
import { API_KEY, RunningService, startService } from '../support/service';

/**
 * Thousands of malformed and hostile requests to every route: none may get a 5xx or crash the service, and every
 * error answer is problem+json. Bodies of the start route either fail validation or ask for a dry run, so the fuzz
 * sends no message (asserted at the end).
 */

const HOSTILE = [
  '',
  ' ',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '../../../etc/passwd',
  '%2e%2e%2f',
  '%00',
  '<script>alert(1)</script>',
  "' OR '1'='1",
  '${jndi:ldap://127.0.0.1/a}',
  '{{code}}',
  '__proto__',
  'constructor',
  'NaN',
  '-0',
  '1e309',
  '+12065550100',
  '+1206555010０',
  '+١٢٠٦٥٥٥٠١٠٠',
  '+999999999999999999999',
  '123456',
  '١٢٣٤٥٦',
  'VE0000000000000000000000000000',
  'x'.repeat(300),
  '😀'.repeat(40),
];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.stringMatching(/^\+[0-9]{1,16}$/),
  fc.stringMatching(/^[0-9]{1,12}$/),
);
const hostileValue = fc.oneof(
  { depthSize: 'small' },
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 3 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);

/** Objects shaped like our bodies: known fields and unknown ones, each with any value. */
const bodyObject = fc.dictionary(
  fc.oneof(
    fc.constantFrom(
      'to',
      'code',
      'channel',
      'locale',
      'templateId',
      'voiceId',
      'codeLength',
      'purpose',
      'context',
      'dryRun',
      '__proto__',
      'constructor',
    ),
    hostileString,
  ),
  hostileValue,
  { maxKeys: 6 },
);

type Body =
  { kind: 'json'; value: unknown } | { kind: 'raw'; text: string; contentType: string } | { kind: 'none' };

const body: fc.Arbitrary<Body> = fc.oneof(
  bodyObject.map((value) => ({ kind: 'json' as const, value })),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ kind: 'json' as const, value })),
  fc.record({
    kind: fc.constant('raw' as const),
    text: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('{', '{"to":', '[', 'null', '{"a":1}}', '\u0000'),
    ),
    contentType: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/problem+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      '',
    ),
  }),
  fc.constant({ kind: 'none' as const }),
);

/** A lone surrogate cannot be percent-encoded; send its raw UTF-8 bytes instead, which is hostile too. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text) || 'x';
  } catch {
    return '%ED%A0%80';
  }
}

const pathSegment = fc.oneof(
  fc.constantFrom('VE0000000000000000000000000000', 'VE', '..', '%2F', '%00', '%E0%A4%A', 'a'.repeat(500)),
  hostileString.map(encode),
);

const authorization = fc.oneof(
  { weight: 6, arbitrary: fc.constant(`Bearer ${API_KEY}`) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('Bearer', 'Bearer ', 'Basic c2FuZGJveDo=', `bearer ${API_KEY}`, `Bearer ${API_KEY} x`),
      hostileString.map((s) => `Bearer ${s.replace(/[\r\n]/g, '')}`),
    ),
  },
);

type Route = { method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH'; url: string; dryRun?: boolean };

const route: fc.Arbitrary<Route> = fc.oneof(
  fc.constant({ method: 'POST' as const, url: '/v1/verifications', dryRun: true }),
  pathSegment.map((id) => ({ method: 'GET' as const, url: `/v1/verifications/${id}` })),
  pathSegment.map((id) => ({ method: 'POST' as const, url: `/v1/verifications/${id}/resend` })),
  pathSegment.map((id) => ({ method: 'POST' as const, url: `/v1/verifications/${id}/check` })),
  pathSegment.map((id) => ({ method: 'POST' as const, url: `/v1/verifications/${id}/cancel` })),
  fc.constant({ method: 'POST' as const, url: '/v1/verification-checks' }),
  pathSegment.map((to) => ({ method: 'GET' as const, url: `/sandbox/messages?to=${to}` })),
  pathSegment.map((id) => ({ method: 'POST' as const, url: `/sandbox/messages/${id}/events` })),
  fc.constantFrom<Route>(
    { method: 'GET', url: '/health/live' },
    { method: 'GET', url: '/health/ready' },
    { method: 'GET', url: '/metrics' },
    { method: 'GET', url: '/docs-json' },
    { method: 'POST', url: '/v1/notify-events/sns' },
    { method: 'POST', url: '/v1/notify-events/eventbridge' },
  ),
  fc
    .tuple(fc.constantFrom<Route['method']>('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), pathSegment)
    .map(([method, segment]) => ({ method, url: `/v1/${segment}` })),
  fc.constantFrom<Route>(
    { method: 'PUT', url: '/v1/verifications' },
    { method: 'DELETE', url: '/v1/verifications/VE0000000000000000000000000000' },
    { method: 'GET', url: '/v1/verification-checks' },
  ),
);

describe('fuzz: malformed and hostile requests to every route', () => {
  let svc: RunningService;

  beforeAll(async () => {
    svc = await startService(
      {
        LOG_LEVEL: 'silent',
        BODY_LIMIT_BYTES: '4096',
        // Deep inputs, not the per-key and per-IP start limits, are what this test is after.
        LIMIT_STARTS_PER_API_KEY_MINUTE: '1000000',
        LIMIT_STARTS_PER_IP_HOUR: '1000000',
      },
      'fuzz',
    );
  });
  afterAll(() => svc.close());

  it('never answers 5xx, and every error is problem+json', async () => {
    let requests = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(
        route,
        body,
        authorization,
        fc.option(hostileString, { nil: undefined }),
        async (target, payload, auth, endUserIp) => {
          const headers: Record<string, string> = {};
          if (auth !== undefined) headers.authorization = auth;
          if (endUserIp !== undefined) headers['x-end-user-ip'] = endUserIp.replace(/[\r\n]/g, '');
          let bodyText: string | undefined;
          if (payload.kind === 'json') {
            let value = payload.value;
            // The start route sends for real when valid: ask for a dry run instead.
            if (target.dryRun && typeof value === 'object' && value !== null && !Array.isArray(value)) {
              value = { ...value, dryRun: true };
            }
            bodyText = JSON.stringify(value) ?? 'null';
            headers['content-type'] = 'application/json';
          } else if (payload.kind === 'raw') {
            bodyText = payload.text;
            if (payload.contentType) headers['content-type'] = payload.contentType;
          }
          if (target.dryRun && payload.kind !== 'json') {
            // A raw body may be valid JSON for a real start; keep it malformed instead.
            bodyText = bodyText === undefined ? undefined : `${bodyText}{`;
          }
          const res = await svc.app.inject({
            method: target.method,
            url: target.url,
            headers,
            payload: bodyText,
          });
          requests += 1;
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          const where = `${target.method} ${target.url} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
          if (res.statusCode >= 500) throw new Error(`5xx: ${where}`);
          if (res.statusCode >= 400) {
            if (!String(res.headers['content-type']).startsWith('application/problem+json')) {
              throw new Error(`not problem+json: ${where}`);
            }
            const problem = JSON.parse(res.body) as Record<string, unknown>;
            const ok =
              typeof problem.type === 'string' &&
              typeof problem.title === 'string' &&
              problem.status === res.statusCode &&
              typeof problem.detail === 'string' &&
              typeof problem.code === 'string';
            if (!ok) throw new Error(`malformed problem: ${where}`);
          }
        },
      ),
      { numRuns: 2000, interruptAfterTimeLimit: 12_000 },
    );

    expect(requests).toBeGreaterThanOrEqual(1000);
    // The fuzz reached past validation too: some answers were 2xx or 404s of well-formed requests.
    expect([...statuses.keys()].some((status) => status < 300)).toBe(true);
    expect((await svc.http.get('/health/live')).status).toBe(200);
    expect(svc.emulator.messages()).toEqual([]);
  });
});
