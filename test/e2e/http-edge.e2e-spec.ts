import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import fc from 'fast-check';
import { exchange, RawAnswer, RawClient } from '../support/raw-http';
import { auth, RunningService, startService } from '../support/service';

/**
 * The HTTP edge over real sockets: what Node's HTTP parser refuses, what Fastify never sees (CONNECT, an unknown
 * Expect), and requests too slow to arrive. Every answer is RFC 9457 problem+json with a stable `code`, and no
 * request goes unanswered.
 */

const REQUEST_TIMEOUT_MS = 1000;

function expectProblem(answer: RawAnswer, status: number, code: string): void {
  const where = `answer: ${JSON.stringify(answer.raw.slice(0, 400))}`;
  expect({ status: answer.status, where }).toEqual({ status, where });
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(answer.body) as Record<string, unknown>;
  expect(problem).toEqual(
    expect.objectContaining({
      type: `urn:notify-otp:problem:${code}`,
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code,
    }),
  );
}

describe('HTTP edge: raw requests the parser refuses, and slow clients', () => {
  let svc: RunningService;
  let port: number;

  beforeAll(async () => {
    svc = await startService(
      {
        LOG_LEVEL: 'silent',
        BODY_LIMIT_BYTES: '4096',
        SERVER_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        // Far above the request timeout: a socket closed in these tests is closed by the request timeout.
        SERVER_CONNECTION_TIMEOUT_MS: '60000',
      },
      'http-edge',
    );
    await svc.app.listen(0, '127.0.0.1');
    port = ((svc.app.getHttpServer() as Server).address() as AddressInfo).port;
  });
  afterAll(() => svc.close());

  const cases: [name: string, bytes: string | Buffer, status: number, code: string][] = [
    [
      'CONNECT (no proxy here)',
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
      501,
      'method_not_implemented',
    ],
    [
      'a method the parser does not know',
      'BREW /v1/verifications HTTP/1.1\r\nHost: x\r\n\r\n',
      501,
      'method_not_implemented',
    ],
    [
      'TLS bytes on the plain port',
      '\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03',
      501,
      'method_not_implemented',
    ],
    [
      'PROPFIND, known to the parser, routed nowhere',
      'PROPFIND /v1/verifications HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      404,
      'not_found',
    ],
    [
      'two Content-Length headers',
      'POST /v1/verifications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      400,
      'malformed_request',
    ],
    [
      'Transfer-Encoding with Content-Length (request smuggling)',
      'POST /v1/verifications HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
      'malformed_request',
    ],
    [
      'a Transfer-Encoding that does not end in chunked',
      'POST /v1/verifications HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n',
      400,
      'malformed_request',
    ],
    [
      'raw non-ASCII bytes in the URL',
      Buffer.concat([
        Buffer.from('GET /v1/verifications/VE'),
        Buffer.from([0xc3, 0xa9, 0xff]),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n'),
      ]),
      400,
      'malformed_request',
    ],
    [
      'a control character in a header value',
      'GET /health/live HTTP/1.1\r\nHost: x\r\nX-A: a\x01b\r\n\r\n',
      400,
      'malformed_request',
    ],
    [
      'a Content-Length that is not a number',
      'POST /v1/verifications HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n',
      400,
      'malformed_request',
    ],
    [
      'a chunk size that is not hex',
      'POST /v1/verifications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      400,
      'malformed_request',
    ],
    [
      'HTTP/1.1 without Host',
      'GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n',
      400,
      'malformed_request',
    ],
    [
      'a header over 16 KB',
      `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17000)}\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    [
      'a URL over 16 KB',
      `GET /v1/${'a'.repeat(17000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      431,
      'headers_too_large',
    ],
    [
      'a path segment over 100 characters',
      `GET /v1/verifications/${'a'.repeat(101)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sandbox\r\nConnection: close\r\n\r\n`,
      414,
      'uri_too_long',
    ],
    [
      'a body over BODY_LIMIT_BYTES',
      'POST /v1/verifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sandbox\r\nContent-Type: application/json\r\nContent-Length: 999999\r\n\r\n{',
      413,
      'payload_too_large',
    ],
    ['HTTP/3.1', 'GET /health/live HTTP/3.1\r\nHost: x\r\n\r\n', 505, 'http_version_not_supported'],
    [
      'a request line claiming HTTP/2.0',
      'GET /health/live HTTP/2.0\r\nHost: x\r\n\r\n',
      505,
      'http_version_not_supported',
    ],
    ['HTTP/2 with prior knowledge', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 505, 'http_version_not_supported'],
    ['HTTP/0.9', 'GET /health/live\r\n\r\n', 505, 'http_version_not_supported'],
    [
      'an Expect other than 100-continue',
      'POST /v1/verifications HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 200-ok\r\n\r\n{}',
      417,
      'expectation_failed',
    ],
    [
      'a form body to an unknown route (404, not 415)',
      'POST /v1/nothing-here HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nConnection: close\r\n\r\na=b',
      404,
      'not_found',
    ],
  ];

  it.each(cases)('%s -> problem+json', async (_name, bytes, status, code) => {
    expectProblem(await exchange(port, bytes), status, code);
  });

  it('counts the parser and edge answers in otp_problems_total', async () => {
    const metrics = await svc.http.get('/metrics');
    for (const code of [
      'malformed_request',
      'method_not_implemented',
      'headers_too_large',
      'http_version_not_supported',
    ]) {
      expect(metrics.text).toMatch(new RegExp(`otp_problems_total\\{status="\\d+",code="${code}"\\} [1-9]`));
    }
  });

  it('cancel with a JSON Content-Type and no body cancels (an empty body is no body, not bad JSON)', async () => {
    const started = await svc.http.post('/v1/verifications').set(auth).send({ to: '+12065550190' });
    expect(started.status).toBe(201);
    for (const length of ['', 'Content-Length: 0\r\n']) {
      const answer = await exchange(
        port,
        `POST /v1/verifications/${started.body.id}/cancel HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sandbox\r\n` +
          `Content-Type: application/json\r\n${length}Connection: close\r\n\r\n`,
      );
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({ id: started.body.id, status: 'canceled' });
    }
  });

  it('fuzz: raw request lines and headers of any bytes always get an answer, and every error is problem+json', async () => {
    const token = fc.stringMatching(/^[A-Z!#$%&'*+.^_`|~-]{1,10}$/);
    const bytes = (max: number) =>
      fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: max }).map((b) => Buffer.from(b));
    const noLineBreaks = (b: Buffer) => Buffer.from(b.filter((x) => x !== 0x0d && x !== 0x0a));
    const method = fc.oneof(
      fc.constantFrom(
        'GET',
        'POST',
        'HEAD',
        'OPTIONS',
        'PUT',
        'DELETE',
        'CONNECT',
        'PROPFIND',
        'TRACE',
        'PRI',
      ),
      token,
    );
    const target = fc.oneof(
      fc.constantFrom(
        '/health/live',
        '/v1/verifications',
        '/v1/verifications/VE0000000000000000000000000000/check',
        '*',
        'example.com:443',
        'http://x/metrics',
      ),
      bytes(40).map((b) => Buffer.concat([Buffer.from('/v1/'), noLineBreaks(b).filter((x) => x !== 0x20)])),
    );
    const version = fc.constantFrom(
      'HTTP/1.1',
      'HTTP/1.0',
      'HTTP/1.2',
      'HTTP/2.0',
      'HTTP/9.9',
      'http/1.1',
      'HTTP/1.1 ',
    );
    const header = fc.oneof(
      fc.constantFrom(
        'Host: x',
        'Authorization: Bearer sandbox',
        'Content-Type: application/json',
        'Content-Type: application/x-www-form-urlencoded',
        'Expect: 100-continue',
        'Expect: nothing',
        'Upgrade: websocket',
        'X-End-User-IP: ::1',
        ' folded',
      ),
      fc.tuple(token, bytes(20)).map(([name, value]) => `${name}: ${noLineBreaks(value).toString('latin1')}`),
    );
    // Framings that are whole (or broken at once), so that no request waits for bytes that never come.
    const framing = fc.constantFrom(
      'none',
      'length',
      'two-lengths',
      'chunked',
      'chunked+length',
      'bad-chunk',
      'negative',
    );
    const frame = (kind: string, body: string): { headers: string[]; body: string } => {
      const hex = body.length.toString(16);
      switch (kind) {
        case 'length':
          return { headers: [`Content-Length: ${body.length}`], body };
        case 'two-lengths':
          return { headers: [`Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`], body };
        case 'chunked':
          return { headers: ['Transfer-Encoding: chunked'], body: `${hex}\r\n${body}\r\n0\r\n\r\n` };
        case 'chunked+length':
          return {
            headers: ['Transfer-Encoding: chunked', `Content-Length: ${body.length}`],
            body: `${hex}\r\n${body}\r\n0\r\n\r\n`,
          };
        case 'bad-chunk':
          return { headers: ['Transfer-Encoding: chunked'], body: 'zz\r\n' };
        case 'negative':
          return { headers: ['Content-Length: -1'], body };
        default:
          return { headers: [], body: '' };
      }
    };
    const request = fc
      .tuple(
        method,
        target,
        version,
        fc.array(header, { maxLength: 4 }),
        framing,
        fc.constantFrom('', '{}', '{"to":"+1"}', 'x'),
      )
      .map(([m, t, v, hs, kind, content]) => {
        const framed = frame(kind, content);
        const head = [...hs, ...framed.headers, 'Connection: close'].join('\r\n');
        return Buffer.concat([
          Buffer.from(`${m} `),
          typeof t === 'string' ? Buffer.from(t) : t,
          Buffer.from(` ${v}\r\n${head}\r\n\r\n${framed.body}`, 'latin1'),
        ]);
      });
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(request, async (bytesOut) => {
        const answer = await exchange(port, bytesOut);
        sent += 1;
        const where = `${JSON.stringify(bytesOut.toString('latin1').slice(0, 200))} -> ${JSON.stringify(answer.raw.slice(0, 300))}`;
        if (answer.status === undefined || Number.isNaN(answer.status))
          throw new Error(`no answer: ${where}`);
        if (answer.status >= 400) {
          if (!/^application\/problem\+json/.test(answer.headers['content-type'] ?? '')) {
            throw new Error(`not problem+json: ${where}`);
          }
          const problem = (answer.body ? JSON.parse(answer.body) : {}) as { status?: number; code?: unknown };
          const head = bytesOut.toString('latin1').startsWith('HEAD ');
          if (!head && (problem.status !== answer.status || typeof problem.code !== 'string')) {
            throw new Error(`bad problem: ${where}`);
          }
        }
        // Only the edge's own 5xx (501, 505): nothing a client sends may break the service.
        if (answer.status >= 500 && answer.status !== 501 && answer.status !== 505)
          throw new Error(`5xx: ${where}`);
      }),
      { numRuns: 400, interruptAfterTimeLimit: 12_000 },
    );
    expect(sent).toBeGreaterThanOrEqual(100);
  });

  describe(`SERVER_REQUEST_TIMEOUT_MS (${REQUEST_TIMEOUT_MS} ms) bounds the whole request`, () => {
    // Each client below would still be sending well after the timeout; the answer must come before it is done.
    const TRICKLE_EVERY_MS = 200;
    const TRICKLE_STEPS = 15; // 3 s of sending, three times the timeout

    async function trickle(client: RawClient, byte: string): Promise<number> {
      let sent = 0;
      while (sent < TRICKLE_STEPS && !client.socket.destroyed && client.received === '') {
        client.write(byte);
        sent += 1;
        await new Promise((resolve) => setTimeout(resolve, TRICKLE_EVERY_MS));
      }
      return sent;
    }

    it('a socket that sends nothing gets 408 request_timeout and is closed', async () => {
      const client = await RawClient.open(port);
      expectProblem(await client.answer(), 408, 'request_timeout');
      await client.closed;
    });

    it('headers sent one byte at a time get 408 before they are complete', async () => {
      const client = await RawClient.open(port);
      client.write('GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ');
      const sent = await trickle(client, 'a');
      expectProblem(await client.answer(), 408, 'request_timeout');
      expect(sent).toBeLessThan(TRICKLE_STEPS);
      await client.closed;
    });

    it('a body sent one byte at a time gets 408 before it is complete', async () => {
      const client = await RawClient.open(port);
      client.write(
        'POST /v1/verifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sandbox\r\n' +
          `Content-Type: application/json\r\nContent-Length: ${TRICKLE_STEPS + 20}\r\n\r\n{"to":"+12065550191"`,
      );
      const sent = await trickle(client, ' ');
      expectProblem(await client.answer(), 408, 'request_timeout');
      expect(sent).toBeLessThan(TRICKLE_STEPS);
      await client.closed;
      expect(svc.emulator.messages({ to: '+12065550191' })).toEqual([]);
    });

    it('a request that arrives in time is served on the same kind of connection', async () => {
      const answer = await exchange(
        port,
        'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      );
      expect(answer.status).toBe(200);
    });
  });
});
