/**
 * The ceiling: the service's own hasher (Argon2CodeHasher, argon2id keyed with a secret) outside HTTP, in a process
 * of its own with the service's thread pool (UV_THREADPOOL_SIZE, Node's default 4). An endpoint that hashes once a
 * request cannot go faster than `hashesPerS` (a start) or `verifiesPerS` (a check).
 *
 * Run by the bench: `node -r ts-node/register/transpile-only bench/ceiling.ts` with CEILING_MEMORY_KIB,
 * CEILING_TIME_COST, CEILING_PARALLELISM, CEILING_DURATION_MS; prints one JSON line (CeilingResult).
 */
import { Argon2CodeHasher } from '../src/issuance/code-hasher';

export interface CeilingResult {
  /** Mean wall time of one hash, one after another: the least a request that hashes can take. */
  hashMs: number;
  verifyMs: number;
  /** With `concurrency` in flight (the thread pool's size) for the duration. */
  hashesPerS: number;
  verifiesPerS: number;
  concurrency: number;
}

const SEQUENTIAL = 10;

async function timed(count: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await op(i);
  return Number(process.hrtime.bigint() - started) / 1e6 / count;
}

/** Keeps `concurrency` operations in flight for `durationMs`; answers operations per second. */
async function saturated(
  concurrency: number,
  durationMs: number,
  op: (i: number) => Promise<unknown>,
): Promise<number> {
  let done = 0;
  const started = process.hrtime.bigint();
  const end = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) await op(done++);
    }),
  );
  return done / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function main(): Promise<void> {
  const hasher = new Argon2CodeHasher(
    Buffer.from(process.env.CEILING_SECRET ?? 'bench-ceiling-secret-0123456789abcdef'),
    {
      memoryCost: Number(process.env.CEILING_MEMORY_KIB),
      timeCost: Number(process.env.CEILING_TIME_COST),
      parallelism: Number(process.env.CEILING_PARALLELISM ?? 1),
    },
  );
  const durationMs = Number(process.env.CEILING_DURATION_MS ?? 3000);
  const concurrency = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const code = (i: number) => String(i % 1_000_000).padStart(6, '0');
  const stored = await hasher.hash('123456'); // also the warm-up: the first allocation of the memory
  const result: CeilingResult = {
    hashMs: await timed(SEQUENTIAL, (i) => hasher.hash(code(i))),
    verifyMs: await timed(SEQUENTIAL, (i) => hasher.verify(stored, code(i))),
    hashesPerS: await saturated(concurrency, durationMs / 2, (i) => hasher.hash(code(i))),
    verifiesPerS: await saturated(concurrency, durationMs / 2, (i) => hasher.verify(stored, code(i))),
    concurrency,
  };
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
