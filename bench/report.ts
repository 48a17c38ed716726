import os from 'node:os';
import { Argon2Set, HashCost } from './hash-cost';
import { LoadSummary } from './load';

export interface ParameterSet extends Argon2Set {
  name: string;
  label: string;
}

export interface BenchConfig {
  redisUrl: string;
  durationS: number;
  connections: number;
  hashes: number;
  timeoutS: number;
}

export interface Measurement {
  set: ParameterSet;
  hash: HashCost;
  start: LoadSummary;
  check: LoadSummary;
  poolSize: number;
  maxChecksPerVerification: number;
  /** Check answers other than 200 `{ valid: false, status: "pending" }`, i.e. not a hashed wrong-code rejection. */
  unexpectedChecks: number;
  checkStoppedEarly: boolean;
  /** The first few unexpected answers, status and body. */
  samples: string[];
}

export interface RunInfo extends BenchConfig {
  redisVersion: string;
  command: string;
  checkLimits: string;
  liftedLimits: string;
  /** 1-minute load average when the bench began: anything else busy on the machine skews the figures. */
  loadBefore: number;
}

const fmt = (value: number, digits = 1) => value.toFixed(digits);

/** Prints the environment, one table row per parameter set, and the ratios between the sets. */
export function report(results: Measurement[], run: RunInfo): void {
  const cpus = os.cpus();
  console.log('\n# Results');
  console.log(`date:     ${new Date().toISOString()}`);
  console.log(`command:  ${run.command}`);
  console.log(
    `node:     ${process.version} (${os.platform()} ${os.arch()}), ` +
      `UV_THREADPOOL_SIZE=${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}`,
  );
  console.log(
    `cpus:     ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown'}; ` +
      `1-min load average ${fmt(run.loadBefore, 2)} before the bench`,
  );
  console.log(`redis:    ${run.redisVersion} at ${run.redisUrl}`);
  console.log(
    `load:     autocannon, ${run.connections} connections, ${run.durationS} s per run, ` +
      'in the same process as the service',
  );
  console.log(`limits:   lifted: ${run.liftedLimits}`);
  console.log(
    `checks:   wrong codes spread round-robin over the verifications of the start run; ${run.checkLimits}`,
  );
  console.log('');
  console.log(
    '| argon2id m KiB, t, p | hash ms | hash/s ceiling | start req/s | start p50 | start p99 | ' +
      'check req/s | check p50 | check p99 | non-2xx |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.set.label}: ${r.set.memoryCost}, ${r.set.timeCost}, ${r.set.parallelism} ` +
        `| ${fmt(r.hash.sequentialMs)} | ${fmt(r.hash.parallelPerS)} ` +
        `| ${fmt(r.start.rps)} | ${r.start.p50Ms} | ${r.start.p99Ms} ` +
        `| ${fmt(r.check.rps)} | ${r.check.p50Ms} | ${r.check.p99Ms} ` +
        `| ${r.start.non2xx + r.check.non2xx} |`,
    );
  }
  console.log(
    '(latencies in ms; hash/s ceiling: raw hashes per second with as many in flight as libuv has threads)',
  );
  console.log('');
  for (const r of results) {
    console.log(
      `${r.set.label}: ${r.start.responses} starts, ${r.check.responses} checks over a pool of ${r.poolSize} ` +
        `(at most ${r.maxChecksPerVerification} each); checks reach ` +
        `${fmt((100 * r.check.rps) / r.hash.parallelPerS, 0)}% of the raw hash ceiling` +
        (r.checkStoppedEarly ? '; the check run stopped early: pool exhausted' : ''),
    );
  }
  const [chosen, other] = results;
  if (chosen && other) {
    const ratio = (a: number, b: number) => `${fmt(a / b, 2)}x`;
    console.log('');
    console.log(`${chosen.set.label} vs ${other.set.label}:`);
    console.log(
      `  start throughput ${ratio(chosen.start.rps, other.start.rps)}, check throughput ${ratio(chosen.check.rps, other.check.rps)}`,
    );
    console.log(
      `  raw hash time ${ratio(other.hash.sequentialMs, chosen.hash.sequentialMs)} shorter, ` +
        `hash ceiling ${ratio(chosen.hash.parallelPerS, other.hash.parallelPerS)} higher`,
    );
    console.log(`  check p99 ${ratio(other.check.p99Ms, chosen.check.p99Ms)} shorter`);
  }
}

/** Everything that should not have happened: non-2xx answers, unexpected check answers, connection errors. */
export function problems(results: Measurement[]): string[] {
  return results.flatMap((r) => {
    const found: string[] = [];
    const { start, check } = r;
    if (start.non2xx > 0)
      found.push(`${r.set.label}: ${start.non2xx} non-2xx starts ${JSON.stringify(start.statusCounts)}`);
    if (r.unexpectedChecks > 0) {
      found.push(
        `${r.set.label}: ${r.unexpectedChecks} unexpected checks ${JSON.stringify(check.statusCounts)}`,
      );
    }
    if (start.errors + check.errors > 0) {
      found.push(
        `${r.set.label}: ${start.errors + check.errors} connection errors, ${start.timeouts + check.timeouts} timeouts`,
      );
    }
    if (found.length > 0) found.push(...r.samples.map((s) => `  e.g. ${s}`));
    return found;
  });
}
