import { createServer } from 'node:net';
import { RunningService } from './service';

/** Puts a started service on a real loopback port, for clients that speak HTTP over sockets (fetch). */
export async function listen(svc: RunningService): Promise<string> {
  await svc.app.listen(0, '127.0.0.1');
  const address = svc.app.getHttpServer().address();
  if (!address || typeof address === 'string') throw new Error('the service has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** A loopback port that was free a moment ago, for a server whose URL must be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Waits for something the service does in the background (outbox jobs, webhooks); fails after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
