import * as argon2 from 'argon2';

export interface Argon2Set {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

export interface HashCost {
  /** Mean wall time of one hash, hashes run one after another. */
  sequentialMs: number;
  /** Hashes per second with `concurrency` of them in flight: the ceiling for anything that hashes once a request. */
  parallelPerS: number;
  concurrency: number;
}

/**
 * The cost of the service's own hash call (argon2id keyed with a secret) outside HTTP. node-argon2 runs on libuv's
 * thread pool, so `concurrency` defaults to its size: more in flight would only queue.
 */
export async function measureHashCost(
  set: Argon2Set,
  secret: string,
  count: number,
  concurrency = Number(process.env.UV_THREADPOOL_SIZE) || 4,
): Promise<HashCost> {
  const options: argon2.HashOptions = { type: argon2.argon2id, secret: Buffer.from(secret), ...set };
  const hash = (i: number) => argon2.hash(String(i % 1_000_000).padStart(6, '0'), options);
  await hash(0); // warm-up: the first allocation of the memory

  let started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await hash(i);
  const sequentialMs = elapsedMs(started) / count;

  let next = 0;
  started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await hash(next++);
    }),
  );
  const parallelPerS = count / (elapsedMs(started) / 1000);

  return { sequentialMs, parallelPerS, concurrency };
}

function elapsedMs(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e6;
}
