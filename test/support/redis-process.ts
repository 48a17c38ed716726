import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { AddressInfo, createServer } from 'node:net';
import Redis from 'ioredis';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function eventually(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Asks one redis-server something over a connection of its own (no retries, no offline queue), then closes it;
 * `fallback` is the answer when the server cannot be reached or refuses.
 */
export async function probeRedis<T>(
  port: number,
  ask: (redis: Redis) => Promise<T>,
  fallback: T,
): Promise<T> {
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return await ask(probe);
  } catch {
    return fallback;
  } finally {
    probe.disconnect();
  }
}

/** A redis-server of a test's own, which it can kill, pause, fill and restart on the same port. */
export class RedisProcess {
  private child?: ChildProcess;

  /** `args`: more redis-server options, e.g. `['--cluster-enabled', 'yes']`. */
  constructor(
    readonly port: number,
    private readonly args: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.child = spawn('redis-server', [...args, ...this.args], { stdio: 'ignore' });
    await eventually(() => this.answers(), 5000, `redis-server on port ${this.port}`);
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** A plain connection to it (no key prefix, no retries), for setting it up; the caller disconnects it. */
  client(): Redis {
    const redis = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    return redis;
  }

  private answers(): Promise<boolean> {
    return probeRedis(this.port, async (redis) => (await redis.ping()) === 'PONG', false);
  }
}
