import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { AddressInfo, createServer } from 'node:net';
import { resolve } from 'node:path';
import { NotifyEmulator } from '@app/notify-emulator';
import { deletePrefix, TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { exchange, RawAnswer, RawClient } from '../support/raw-http';

/**
 * SIGTERM as an orchestrator sends it, to the service running as `npm start` runs it (src/main.ts in a process of
 * its own, through ts-node), in AWS mode against a standalone emulator whose answers the test can delay.
 */

const API_KEY = 'shutdown-test-key';
const GRACE_MS = 4000;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

async function waitUntilLive(port: number, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`the service exited with ${child.exitCode} before it was up`);
    const answer = await exchange(
      port,
      'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ).catch(() => undefined);
    if (answer?.status === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function startRequest(to: string): { head: string; body: string } {
  const body = JSON.stringify({ to, channel: 'sms' });
  const head =
    `POST /v1/verifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${API_KEY}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`;
  return { head, body };
}

/** Sends a start's headers and waits for `100 Continue`: from then on the request is in the server's hands. */
async function inFlight(port: number, to: string): Promise<{ client: RawClient; body: string }> {
  const client = await RawClient.open(port);
  const { head, body } = startRequest(to);
  client.write(head);
  while (!client.received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
    if (client.socket.destroyed) throw new Error(`no 100 Continue: ${client.received}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return { client, body };
}

function expectProblem(answer: RawAnswer, status: number, code: string): void {
  expect({ status: answer.status, raw: answer.raw.slice(0, 300) }).toEqual({
    status,
    raw: expect.any(String),
  });
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(answer.body)).toMatchObject({ status, code });
}

describe('SIGTERM: idle connections close at once, requests in flight get SHUTDOWN_GRACE_MS, then the process exits', () => {
  const emulator = new NotifyEmulator();
  const prefix = uniquePrefix('shutdown');
  let child: ChildProcess;
  let port: number;
  const output: string[] = [];

  beforeAll(async () => {
    await emulator.listen(0);
    port = await freePort();
    const root = resolve(__dirname, '../..');
    child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/main.ts'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          NODE_ENV: 'test',
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          REDIS_URL: TEST_REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          API_KEYS: `shutdown:${createHash('sha256').update(API_KEY).digest('hex')}`,
          OTP_HASH_SECRET: 'shutdown-secret-shutdown-secret-0123',
          ARGON2_MEMORY_KIB: '4096',
          ARGON2_TIME_COST: '1',
          NOTIFY_CONFIGURATION_ID: 'sandbox-otp',
          NOTIFY_ENDPOINT: emulator.endpoint,
          NOTIFY_TIMEOUT_MS: '10000',
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          SHUTDOWN_DRAIN_MS: '0',
          SHUTDOWN_GRACE_MS: String(GRACE_MS),
          // Far above the grace: what ends a request below is the shutdown, not a timeout.
          SERVER_REQUEST_TIMEOUT_MS: '60000',
          SERVER_CONNECTION_TIMEOUT_MS: '120000',
        },
      },
    );
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await waitUntilLive(port, child);
  }, 90_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await emulator.close();
    await deletePrefix(prefix);
  });

  it('closes idle and half-sent connections at once, finishes requests in flight, 503s the one still sending at the grace, exits 0', async () => {
    // An idle keep-alive connection that has been served, one that never sent a byte, one halfway through headers.
    const idle = await RawClient.open(port);
    idle.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
    expect((await idle.answer()).status).toBe(200);
    const silent = await RawClient.open(port);
    const halfHeaders = await RawClient.open(port);
    halfHeaders.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
    // In flight: one waiting on Notify, one whose body is half sent (finished after SIGTERM), one that never finishes.
    emulator.injectFault({ operation: 'SendNotifyTextMessage', delayMs: 1000 });
    const atNotify = await inFlight(port, '+12065550171');
    atNotify.client.write(atNotify.body);
    const halfBody = await inFlight(port, '+12065550172');
    halfBody.client.write(halfBody.body.slice(0, 10));
    const neverDone = await inFlight(port, '+12065550173');
    neverDone.client.write(neverDone.body.slice(0, 10));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

    child.kill('SIGTERM');

    // At once: the idle connections close without an answer, the half-sent request gets a 503.
    await idle.closed;
    await silent.closed;
    expect(silent.received).toBe('');
    expectProblem(await halfHeaders.answer(), 503, 'shutting_down');
    // No new connections: refused, or (racing the listener's close) closed at once without a word.
    const late = await RawClient.open(port).catch((error: NodeJS.ErrnoException) => error.code);
    if (late instanceof RawClient) {
      late.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n');
      await late.closed;
      expect(late.received).toBe('');
    } else {
      expect(late).toBe('ECONNREFUSED');
    }

    // Requests in flight finish, and their connections close after the answer.
    halfBody.client.write(halfBody.body.slice(10));
    for (const { client } of [atNotify, halfBody]) {
      const answer = await client.answer();
      expect({ status: answer.status, body: answer.body }).toEqual({ status: 201, body: expect.any(String) });
      expect(answer.headers.connection).toBe('close');
      await client.closed;
    }
    expect(emulator.messages({ to: '+12065550171' })).toHaveLength(1);
    expect(emulator.messages({ to: '+12065550172' })).toHaveLength(1);

    // The grace ends: the request still arriving gets a 503, and the process exits cleanly.
    expectProblem(await neverDone.client.answer(), 503, 'shutting_down');
    await neverDone.client.closed;
    const code = await exited;
    expect({ code, output: code === 0 ? '' : output.join('') }).toEqual({ code: 0, output: '' });
    expect(emulator.messages({ to: '+12065550173' })).toEqual([]);
  }, 30_000);
});
