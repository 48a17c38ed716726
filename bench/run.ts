/**
 * `npm run bench`: throughput and latency of starting and checking verifications over HTTP, with the service's argon2
 * parameters and with node-argon2's defaults, next to the cost of a raw argon2 hash. Needs only Redis (REDIS_URL,
 * default redis://127.0.0.1:6379). See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type Redis from 'ioredis';
import { measureHashCost } from './hash-cost';
import { runLoad, stopAllLoads } from './load';
import { DistinctNumbers } from './phone-numbers';
import { BenchConfig, Measurement, ParameterSet, problems, report } from './report';
import { bootService, BenchService, connectRedis, deletePrefix, redisVersion } from './service';

const PARAMETER_SETS: ParameterSet[] = [
  { name: 'service default (OWASP minimum)', label: 'owasp', memoryCost: 19456, timeCost: 2, parallelism: 1 },
  { name: 'node-argon2 library defaults', label: 'library', memoryCost: 65536, timeCost: 3, parallelism: 4 },
];

const HASH_SECRET = 'bench-secret-bench-secret-bench-secret-0123';
/** Raised for the bench so that the pool of verifications absorbs a whole run of wrong codes. */
const MAX_ATTEMPTS = 20;
const MAX_FAILED_CHECKS_PER_NUMBER = 100;
/**
 * One client on loopback sending to a run of neighbouring numbers is exactly what the abuse limits refuse, and
 * Notify's own quota (25 sends a second on the Advanced tier) would cap the start rate: both are lifted so the bench
 * measures what the service itself costs. The limiters still run, with their Redis round trips.
 */
const LIFTED_LIMITS = {
  LIMIT_STARTS_PER_IP_HOUR: '1000000',
  LIMIT_STARTS_PER_API_KEY_MINUTE: '1000000',
  PUMPING_SENDS_PER_PREFIX_HOUR: '1000000',
  PUMPING_MIN_SENDS: '1000000',
  NOTIFY_SENDS_PER_SECOND: '10000',
  NOTIFY_DAILY_MESSAGE_LIMIT: '0',
};
const HEADERS = { authorization: 'Bearer sandbox', 'content-type': 'application/json' };

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return value;
}

function readConfig(): BenchConfig {
  return {
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    durationS: positiveInt('BENCH_DURATION_S', 8),
    connections: positiveInt('BENCH_CONNECTIONS', 10),
    hashes: positiveInt('BENCH_HASHES', 50),
    timeoutS: positiveInt('BENCH_TIMEOUT_S', 300),
  };
}

async function measure(set: ParameterSet, config: BenchConfig, prefix: string): Promise<Measurement> {
  console.log(`\n== ${set.name}: m=${set.memoryCost} KiB, t=${set.timeCost}, p=${set.parallelism}`);
  const hash = await measureHashCost(set, HASH_SECRET, config.hashes);
  console.log(
    `   raw argon2id: ${hash.sequentialMs.toFixed(1)} ms/hash sequential, ` +
      `${hash.parallelPerS.toFixed(1)} hashes/s with ${hash.concurrency} in flight`,
  );

  const service = await bootService({
    REDIS_URL: config.redisUrl,
    REDIS_KEY_PREFIX: `${prefix}${set.label}:`,
    OTP_HASH_SECRET: HASH_SECRET,
    OTP_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    OTP_MAX_FAILED_CHECKS_PER_NUMBER: String(MAX_FAILED_CHECKS_PER_NUMBER),
    ARGON2_MEMORY_KIB: String(set.memoryCost),
    ARGON2_TIME_COST: String(set.timeCost),
    ARGON2_PARALLELISM: String(set.parallelism),
    ...LIFTED_LIMITS,
  });
  try {
    const started = await benchStart(service, config);
    const checked = await benchCheck(service, config, started.ids);
    return { set, hash, ...started, ...checked, samples: [...started.samples, ...checked.samples] };
  } finally {
    await service.close();
  }
}

function keepSample(samples: string[], status: number, body: string): void {
  if (samples.length < 5) samples.push(`${status} ${body.slice(0, 200)}`);
}

/** POST /v1/verifications, a fresh number each time. Answers the ids of the verifications it started. */
async function benchStart(service: BenchService, config: BenchConfig) {
  const numbers = new DistinctNumbers();
  const ids: string[] = [];
  const samples: string[] = [];
  const record = (status: number, body: string) => {
    if (status === 201) ids.push((JSON.parse(body) as { id: string }).id);
    else keepSample(samples, status, body);
  };

  // Warm-up outside the measurement: JIT, the SDK's first connection, the first EVALSHA of each script.
  for (let i = 0; i < 10; i++) {
    const response = await fetch(`${service.url}/v1/verifications`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ to: numbers.take() }),
    });
    record(response.status, await response.text());
  }

  const start = await runLoad({
    url: service.url,
    connections: config.connections,
    durationS: config.durationS,
    headers: HEADERS,
    request: {
      method: 'POST',
      path: '/v1/verifications',
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ to: numbers.take() }) }),
      onResponse: record,
    },
  });
  await service.idle();
  console.log(`   start: ${start.rps.toFixed(1)} req/s, ${start.responses} answers, ${start.non2xx} non-2xx`);
  return { start, ids, samples };
}

/**
 * POST /v1/verifications/{id}/check with a wrong code (the delivered one with its last digit changed), round-robin
 * over the verifications the start run created. Each takes at most MAX_ATTEMPTS - 1 of them, so every check is
 * hashed and should answer 200 `{ valid: false, status: "pending" }`; the run stops early rather than go beyond.
 */
async function benchCheck(service: BenchService, config: BenchConfig, ids: string[]) {
  const codes = new Map<string, string>();
  for (const message of service.emulator.messages()) {
    const id = message.context.verificationId;
    const code = message.templateVariables.code?.replace(/\D/g, ''); // voice sends "1. 2. 3. ..."
    if (id && code) codes.set(id, code);
  }
  const pool = ids.flatMap((id) => {
    const code = codes.get(id);
    return code ? [{ id, wrongCode: code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10) }] : [];
  });
  if (pool.length === 0)
    throw new Error('no verification of the start run has a delivered code to check against');

  const capacity = pool.length * (MAX_ATTEMPTS - 1) - config.connections;
  const samples: string[] = [];
  let issued = 0;
  let unexpectedChecks = 0;
  let checkStoppedEarly = false;
  let stop = (): void => undefined;
  const check = await runLoad(
    {
      url: service.url,
      connections: config.connections,
      durationS: config.durationS,
      headers: HEADERS,
      request: {
        method: 'POST',
        setupRequest: (request) => {
          const target = pool[issued++ % pool.length];
          if (issued >= capacity && !checkStoppedEarly) {
            checkStoppedEarly = true;
            setImmediate(stop);
          }
          const path = `/v1/verifications/${target.id}/check`;
          return { ...request, path, body: JSON.stringify({ code: target.wrongCode }) };
        },
        onResponse: (status, body) => {
          const answer = status === 200 ? (JSON.parse(body) as { valid?: unknown; status?: unknown }) : {};
          if (answer.valid !== false || answer.status !== 'pending') {
            unexpectedChecks++;
            keepSample(samples, status, body);
          }
        },
      },
    },
    (instance) => (stop = () => instance.stop()),
  );
  await service.idle();
  console.log(
    `   check: ${check.rps.toFixed(1)} req/s, ${check.responses} answers, ${unexpectedChecks} unexpected`,
  );
  return {
    check,
    poolSize: pool.length,
    maxChecksPerVerification: Math.ceil(check.responses / pool.length),
    unexpectedChecks,
    checkStoppedEarly,
    samples,
  };
}

function commandLine(): string {
  const names = [
    'REDIS_URL',
    'BENCH_DURATION_S',
    'BENCH_CONNECTIONS',
    'BENCH_HASHES',
    'BENCH_TIMEOUT_S',
    'UV_THREADPOOL_SIZE',
  ];
  const overrides = names.filter((name) => process.env[name]).map((name) => `${name}=${process.env[name]}`);
  return [...overrides, 'npm run bench'].join(' ');
}

async function main(): Promise<number> {
  const config = readConfig();
  const loadBefore = os.loadavg()[0];
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  let redis: Redis | undefined;

  // Nothing here should hang, but a benchmark that might must not block whoever runs it.
  const deadline = setTimeout(() => {
    console.error(
      `bench: no result after ${config.timeoutS} s (BENCH_TIMEOUT_S); giving up. Leftover keys: ${prefix}*`,
    );
    stopAllLoads();
    process.exit(2);
  }, config.timeoutS * 1000);
  deadline.unref();

  try {
    redis = await connectRedis(config.redisUrl);
    const version = await redisVersion(redis);
    const results: Measurement[] = [];
    for (const set of PARAMETER_SETS) results.push(await measure(set, config, prefix));
    const checkLimits = `OTP_MAX_ATTEMPTS=${MAX_ATTEMPTS}, OTP_MAX_FAILED_CHECKS_PER_NUMBER=${MAX_FAILED_CHECKS_PER_NUMBER}`;
    const liftedLimits = Object.entries(LIFTED_LIMITS)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ');
    report(results, {
      ...config,
      redisVersion: version,
      command: commandLine(),
      checkLimits,
      liftedLimits,
      loadBefore,
    });
    const found = problems(results);
    if (found.length === 0) return 0;
    console.error(`\nbench: unexpected answers:\n${found.join('\n')}`);
    return 1;
  } finally {
    stopAllLoads();
    if (redis) {
      console.log(`\ndeleted ${await deletePrefix(redis, prefix)} bench keys under ${prefix}`);
      await redis.quit();
    }
    clearTimeout(deadline);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
