/**
 * `npm run bench`: the service as deployed (`node dist/src/main.js` in a process of its own, AWS mode against the
 * standalone Notify emulator in a third process, real Redis), loaded by autocannon from this process, beside its
 * floor (a plain Fastify + ioredis server, bench/floor-server.ts) and its ceiling (raw argon2 with the service's
 * parameters and thread pool, bench/ceiling.ts), measured interleaved in the same run. See bench/README.md.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { deletePrefix } from './redis-keys';
import type { CeilingResult } from './ceiling';
import { stopAllLoads } from './load';
import { DistinctNumbers } from './phone-numbers';
import {
  BenchProcess,
  freePort,
  ROOT,
  runNodeForJson,
  startNode,
  usage,
  UsageWatch,
  waitForHttp,
} from './processes';
import {
  attachFloors,
  BenchReport,
  FloorRun,
  HashingSet,
  MeasuredRun,
  printReport,
  problems,
  Round,
  ScenarioResult,
  SetResult,
  summarize,
} from './report';
import {
  floodScenario,
  floorScenario,
  flowScenario,
  Known,
  knownCodes,
  MAX_ATTEMPTS,
  RunFigures,
  Scenario,
  ScenarioName,
  SCENARIOS,
  startScenario,
  Target,
  wrongCodeScenario,
} from './scenarios';

const SETS: HashingSet[] = [
  { label: 'default', memoryCost: 19456, timeCost: 2, parallelism: 1 },
  { label: 'minimal', memoryCost: 1024, timeCost: 1, parallelism: 1 },
];

const HASH_SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const API_KEY = 'bench-api-key-0123456789';
const MAX_FAILED_CHECKS_PER_NUMBER = 100;
/**
 * One client on loopback sending to a run of neighbouring numbers is exactly what the abuse limits refuse, and
 * Notify's own quota (25 sends a second on the Advanced tier) would cap the start rate: both are lifted so the bench
 * measures what the service itself costs. The limiters still run, with their Redis round trips, and the number's own
 * limits stay (the flood scenario is refused by them).
 */
const LIFTED_LIMITS = {
  LIMIT_STARTS_PER_IP_HOUR: '1000000',
  LIMIT_STARTS_PER_API_KEY_MINUTE: '1000000',
  PUMPING_SENDS_PER_PREFIX_HOUR: '1000000',
  PUMPING_MIN_SENDS: '1000000',
  NOTIFY_SENDS_PER_SECOND: '10000',
  NOTIFY_DAILY_MESSAGE_LIMIT: '0',
};
const HEADERS = { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' };

interface Config {
  redisUrl: string;
  durationS: number;
  connections: number;
  rounds: number;
  timeoutS: number;
  scenarios: ScenarioName[];
  sets: HashingSet[];
  logLevel: string;
  cpuProfDir?: string;
  reportPath: string;
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function list<T extends string>(name: string, all: readonly T[]): T[] {
  const raw = process.env[name];
  if (!raw) return [...all];
  const chosen = raw.split(',').map((s) => s.trim()) as T[];
  const unknown = chosen.filter((s) => !all.includes(s));
  if (unknown.length > 0)
    throw new Error(`${name}: unknown ${unknown.join(', ')} (known: ${all.join(', ')})`);
  return chosen;
}

function readConfig(): Config {
  const labels = list(
    'BENCH_SETS',
    SETS.map((s) => s.label),
  );
  return {
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    durationS: positiveInt('BENCH_DURATION_S', 5),
    connections: positiveInt('BENCH_CONNECTIONS', 10),
    rounds: positiveInt('BENCH_ROUNDS', 1),
    timeoutS: positiveInt('BENCH_TIMEOUT_S', 900),
    scenarios: list('BENCH_SCENARIOS', SCENARIOS),
    sets: SETS.filter((s) => labels.includes(s.label)),
    logLevel: process.env.BENCH_LOG_LEVEL || 'info',
    cpuProfDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
    reportPath: resolve(process.env.BENCH_REPORT || resolve(ROOT, 'bench/results/latest.json')),
  };
}

/** Every process the bench started, so that a failure or the hard timeout ends them all. */
const started = new Set<BenchProcess>();

function track(proc: BenchProcess): BenchProcess {
  started.add(proc);
  proc.child.once('exit', () => started.delete(proc));
  return proc;
}

const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / (1024 * 1024));

/** Waits until the service spends less than a tenth of a core: abandoned requests of the last run have finished. */
async function settle(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let last = usage(pid)?.cpuMs ?? 0;
  while (quiet < 2 && Date.now() < deadline) {
    await sleep(250);
    const now = usage(pid)?.cpuMs ?? 0;
    quiet = now - last < 25 ? quiet + 1 : 0;
    last = now;
  }
}

/** One load run with the CPU and memory of the service and the emulator watched. */
async function watched(
  run: () => Promise<RunFigures>,
  service: BenchProcess,
  emulator: BenchProcess,
): Promise<MeasuredRun> {
  const watch = new UsageWatch([service.pid, emulator.pid]).start();
  const figures = await run();
  const seen = watch.stop();
  const per = (pid: number) => {
    const u = seen.get(pid);
    return u
      ? {
          cpuMsPerRequest: figures.responses ? u.cpuMs / figures.responses : undefined,
          peakRssMB: mb(u.peakRssBytes),
        }
      : {};
  };
  await settle(service.pid);
  return { ...figures, service: per(service.pid), emulator: per(emulator.pid) };
}

async function measureScenario(
  name: ScenarioName,
  scenario: Scenario,
  target: Target,
  service: BenchProcess,
  emulator: BenchProcess,
): Promise<ScenarioResult> {
  const saturation = await watched(() => scenario(target), service, emulator);
  const rate = saturation.rps / 2;
  const half = await watched(() => scenario(target, rate), service, emulator);
  const line = (what: string, r: MeasuredRun) =>
    `${what} ${r.rps.toFixed(1)} req/s, p50 ${r.p50Ms.toFixed(0)} p99 ${r.p99Ms.toFixed(0)} ms, ` +
    `${r.service.cpuMsPerRequest?.toFixed(2) ?? '-'} CPU ms/req, RSS ${r.service.peakRssMB?.toFixed(0) ?? '-'} MB, ` +
    `${JSON.stringify(r.statusCounts)}${r.unexpected ? `, ${r.unexpected} unexpected` : ''}`;
  console.log(`   ${name}: ${line('saturation', saturation)}`);
  console.log(`   ${' '.repeat(name.length)}  ${line('half rate', half)}`);
  return { name, saturation, half: { ...half, rate } };
}

/**
 * The service to measure: this tree's build, or with BENCH_SERVICE_ROOT another checkout's (built, `npm run
 * build`), to compare two versions in the same hour of a busy machine.
 */
function serviceEntry(): string {
  const root = process.env.BENCH_SERVICE_ROOT;
  return root ? resolve(root, 'dist/src/main.js') : 'dist/src/main.js';
}

function serviceEnv(config: Config, set: HashingSet, port: number, emulatorUrl: string, prefix: string) {
  return {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: config.logLevel,
    REDIS_URL: config.redisUrl,
    REDIS_KEY_PREFIX: prefix,
    API_KEYS: `bench:${createHash('sha256').update(API_KEY).digest('hex')}`,
    OTP_HASH_SECRET: HASH_SECRET,
    OTP_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    OTP_MAX_FAILED_CHECKS_PER_NUMBER: String(MAX_FAILED_CHECKS_PER_NUMBER),
    ARGON2_MEMORY_KIB: String(set.memoryCost),
    ARGON2_TIME_COST: String(set.timeCost),
    ARGON2_PARALLELISM: String(set.parallelism),
    NOTIFY_CONFIGURATION_ID: 'sandbox-otp',
    NOTIFY_ENDPOINT: emulatorUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE,
    // For experiments with the runtime (e.g. --max-semi-space-size, or glibc's arenas); unset: as deployed.
    NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS,
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX,
    ...LIFTED_LIMITS,
  };
}

async function measureCeiling(set: HashingSet, durationS: number): Promise<CeilingResult> {
  const ceiling = await runNodeForJson<CeilingResult>(
    'ceiling',
    ['-r', 'ts-node/register/transpile-only', 'bench/ceiling.ts'],
    {
      CEILING_MEMORY_KIB: String(set.memoryCost),
      CEILING_TIME_COST: String(set.timeCost),
      CEILING_PARALLELISM: String(set.parallelism),
      CEILING_DURATION_MS: String(Math.min(durationS, 4) * 1000),
      CEILING_SECRET: HASH_SECRET,
      UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE,
    },
  );
  console.log(
    `   ceiling: ${ceiling.hashMs.toFixed(1)} ms a hash, ${ceiling.hashesPerS.toFixed(1)} hashes/s, ` +
      `${ceiling.verifiesPerS.toFixed(1)} verifies/s with ${ceiling.concurrency} in flight`,
  );
  return ceiling;
}

async function measureFloor(config: Config, floor: BenchProcess, url: string): Promise<FloorRun> {
  const target: Target = {
    url,
    emulatorUrl: '',
    headers: HEADERS,
    connections: config.connections,
    durationS: 1,
  };
  await floorScenario()(target); // warm-up
  const watch = new UsageWatch([floor.pid]).start();
  const figures = await floorScenario()({ ...target, durationS: config.durationS });
  const u = watch.stop().get(floor.pid);
  console.log(`   floor: ${figures.rps.toFixed(0)} req/s, p50 ${figures.p50Ms} p99 ${figures.p99Ms} ms`);
  return {
    ...figures,
    floor: u ? { cpuMsPerRequest: u.cpuMs / figures.responses, peakRssMB: mb(u.peakRssBytes) } : {},
  };
}

/** Boots the emulator and the service for one parameter set and runs every chosen scenario against it. */
async function measureSet(
  config: Config,
  set: HashingSet,
  round: number,
  prefix: string,
  numbers: DistinctNumbers,
): Promise<SetResult> {
  console.log(
    `\n== round ${round}, ${set.label} hashing: m=${set.memoryCost} KiB, t=${set.timeCost}, p=${set.parallelism}`,
  );
  const ceiling = await measureCeiling(set, config.durationS);

  const emulatorPort = Number(process.env.BENCH_EMULATOR_PORT) || (await freePort());
  const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
  const emulator = track(
    startNode('emulator', ['dist/libs/notify-emulator/src/main.js'], {
      NOTIFY_EMULATOR_PORT: String(emulatorPort),
    }),
  );
  let service: BenchProcess | undefined;
  try {
    await waitForHttp(emulator, `${emulatorUrl}/_emulator/messages?to=none`);
    const port = Number(process.env.BENCH_SERVICE_PORT) || (await freePort());
    const profile = config.cpuProfDir
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${config.cpuProfDir}`,
          `--cpu-prof-name=service-${set.label}-${round}.cpuprofile`,
        ]
      : [];
    service = track(
      startNode(
        'service',
        [...profile, serviceEntry()],
        serviceEnv(config, set, port, emulatorUrl, `${prefix}${set.label}:${round}:`),
      ),
    );
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(service, `${url}/health/live`);
    const target: Target = {
      url,
      emulatorUrl,
      headers: HEADERS,
      connections: config.connections,
      durationS: config.durationS,
    };

    // Warm-up outside the measurement: JIT, the SDK's first connection, the first EVALSHA of each script.
    await flowScenario(numbers)({ ...target, durationS: 2, connections: 2 });

    const ids: string[] = [];
    const results: ScenarioResult[] = [];
    const run = async (name: ScenarioName, scenario: Scenario) => {
      if (config.scenarios.includes(name))
        results.push(await measureScenario(name, scenario, target, service!, emulator));
    };
    await run('start', startScenario(numbers, ids));
    let byId: Known[] = [];
    let byNumber: Known[] = [];
    if (config.scenarios.includes('check') || config.scenarios.includes('check-by-number')) {
      if (ids.length === 0) await startScenario(numbers, ids)(target); // a pool to check against
      const known = await knownCodes(emulatorUrl, new Set(ids));
      byId = known.filter((_, i) => i % 2 === 0);
      byNumber = known.filter((_, i) => i % 2 === 1);
    }
    await run('check', wrongCodeScenario(byId, false));
    await run('check-by-number', wrongCodeScenario(byNumber, true));
    await run('flow', flowScenario(numbers));
    await run('flood', floodScenario(numbers));

    const peaks = results.flatMap((r) => [
      r.saturation.service.peakRssMB ?? NaN,
      r.half.service.peakRssMB ?? NaN,
    ]);
    return { set, ceiling, scenarios: results, servicePeakRssMB: Math.max(...peaks.filter(Number.isFinite)) };
  } finally {
    await service?.stop();
    await emulator.stop();
  }
}

function commandLine(): string {
  const names = [
    'REDIS_URL',
    'BENCH_DURATION_S',
    'BENCH_CONNECTIONS',
    'BENCH_ROUNDS',
    'BENCH_SCENARIOS',
    'BENCH_SETS',
    'BENCH_LOG_LEVEL',
    'BENCH_CPU_PROF',
    'BENCH_NODE_OPTIONS',
    'BENCH_SERVICE_ROOT',
    'MALLOC_ARENA_MAX',
    'UV_THREADPOOL_SIZE',
  ];
  const overrides = names.filter((name) => process.env[name]).map((name) => `${name}=${process.env[name]}`);
  return [...overrides, 'npm run bench'].join(' ');
}

async function main(): Promise<number> {
  const config = readConfig();
  const loadAverageBefore = os.loadavg();
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const deadline = setTimeout(() => {
    console.error(
      `bench: no result after ${config.timeoutS} s (BENCH_TIMEOUT_S); giving up. Leftover keys: ${prefix}*`,
    );
    stopAllLoads();
    for (const proc of started) proc.child.kill('SIGKILL');
    process.exit(2);
  }, config.timeoutS * 1000);
  deadline.unref();

  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  try {
    await redis.connect().catch((error: Error) => {
      throw new Error(`no Redis at ${config.redisUrl} (${error.message}); start one or set REDIS_URL`);
    });
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';

    const floorPort = Number(process.env.BENCH_FLOOR_PORT) || (await freePort());
    const floorUrl = `http://127.0.0.1:${floorPort}`;
    const floor = track(
      startNode('floor', ['-r', 'ts-node/register/transpile-only', 'bench/floor-server.ts'], {
        FLOOR_PORT: String(floorPort),
        FLOOR_REDIS_URL: config.redisUrl,
        FLOOR_KEY_PREFIX: `${prefix}floor:`,
        UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE,
      }),
    );
    await waitForHttp(floor, `${floorUrl}/ready`);

    const numbers = new DistinctNumbers();
    const rounds: Round[] = [];
    for (let r = 1; r <= config.rounds; r++) {
      const round: Round = { floor: [], sets: [] };
      rounds.push(round);
      for (const set of config.sets) {
        console.log(`\n== round ${r}: the floor`);
        round.floor.push(await measureFloor(config, floor, floorUrl));
        round.sets.push(await measureSet(config, set, r, prefix, numbers));
      }
      console.log(`\n== round ${r}: the floor`);
      round.floor.push(await measureFloor(config, floor, floorUrl));
      attachFloors(round);
    }
    await floor.stop();

    const report: BenchReport = {
      info: {
        date: new Date().toISOString(),
        command: commandLine(),
        node: `${process.version} (${os.platform()} ${os.arch()})`,
        cpus: `${os.cpus()[0]?.model.trim() ?? 'unknown'}`,
        uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
        redis: `${redisVersion} at ${config.redisUrl}`,
        connections: config.connections,
        durationS: config.durationS,
        rounds: config.rounds,
        logLevel: config.logLevel,
        loadAverageBefore,
        loadAverageAfter: os.loadavg(),
        liftedLimits: Object.entries(LIFTED_LIMITS)
          .map(([name, value]) => `${name}=${value}`)
          .join(', '),
        checkLimits: `OTP_MAX_ATTEMPTS=${MAX_ATTEMPTS}, OTP_MAX_FAILED_CHECKS_PER_NUMBER=${MAX_FAILED_CHECKS_PER_NUMBER}`,
      },
      rounds,
      summary: summarize(rounds),
    };
    printReport(report);
    mkdirSync(dirname(config.reportPath), { recursive: true });
    writeFileSync(config.reportPath, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nreport: ${config.reportPath}`);
    if (config.cpuProfDir) console.log(`CPU profiles of the service: ${config.cpuProfDir}`);

    const found = problems(rounds);
    if (found.length === 0) return 0;
    console.error(`\nbench: unexpected answers:\n${found.join('\n')}`);
    return 1;
  } finally {
    stopAllLoads();
    for (const proc of started) await proc.stop();
    if (redis.status === 'ready') {
      console.log(`deleted ${await deletePrefix(redis, prefix)} bench keys under ${prefix}`);
      await redis.quit();
    } else {
      redis.disconnect();
    }
    clearTimeout(deadline);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    for (const proc of started) proc.child.kill('SIGKILL');
    process.exit(1);
  },
);
