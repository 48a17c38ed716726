import os from 'node:os';
import type { CeilingResult } from './ceiling';
import type { RunFigures, ScenarioName } from './scenarios';

export interface HashingSet {
  label: 'default' | 'minimal';
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** A process's share of one run: CPU time per answer and its peak resident memory. */
export interface ProcessFigures {
  cpuMsPerRequest?: number;
  peakRssMB?: number;
}

export interface MeasuredRun extends RunFigures {
  service: ProcessFigures;
  emulator: ProcessFigures;
}

export interface ScenarioResult {
  name: ScenarioName;
  saturation: MeasuredRun;
  /** At a fixed rate of half the saturation rate. */
  half: MeasuredRun & { rate: number };
}

export interface SetResult {
  set: HashingSet;
  ceiling: CeilingResult;
  scenarios: ScenarioResult[];
  /** The service's VmRSS high-water mark over the whole set. */
  servicePeakRssMB?: number;
  /** The mean of the floor runs just before and just after this set: what its ratios compare with. */
  floorRps?: number;
  floorCpuMsPerRequest?: number;
}

export interface FloorRun extends RunFigures {
  floor: ProcessFigures;
}

export interface Round {
  floor: FloorRun[];
  sets: SetResult[];
}

export interface RunInfo {
  date: string;
  command: string;
  node: string;
  cpus: string;
  uvThreadpoolSize: string;
  redis: string;
  connections: number;
  durationS: number;
  rounds: number;
  logLevel: string;
  loadAverageBefore: number[];
  loadAverageAfter?: number[];
  liftedLimits: string;
  checkLimits: string;
}

export interface Ratio {
  what: string;
  value: number;
  /** A target of the issue: value >= min or value <= max. */
  target?: { min?: number; max?: number };
  met?: boolean;
}

export interface Summary {
  floorRps: number;
  floorRpsRange: [number, number];
  /** CPU time of the floor server per request: less sensitive to a busy machine than its rate. */
  floorCpuMsPerRequest: number;
  sets: Record<
    string,
    {
      ceiling: CeilingResult;
      scenarios: Record<string, { saturation: MeasuredRun; half: MeasuredRun }>;
      servicePeakRssMB?: number;
    }
  >;
  ratios: Ratio[];
}

export interface BenchReport {
  info: RunInfo;
  rounds: Round[];
  summary: Summary;
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The run whose rate is the median of its rounds (the lower middle one for an even count). */
function medianRun<T extends { rps: number }>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function ratio(what: string, value: number, target?: Ratio['target']): Ratio {
  if (!target) return { what, value };
  const met =
    (target.min === undefined || value >= target.min) && (target.max === undefined || value <= target.max);
  return { what, value, target, met: Number.isFinite(value) ? met : undefined };
}

function withoutRps(ceiling: CeilingResult & { rps: number }): CeilingResult {
  const { hashMs, verifyMs, hashesPerS, verifiesPerS, concurrency } = ceiling;
  return { hashMs, verifyMs, hashesPerS, verifiesPerS, concurrency };
}

/** Gives each set of a round the floor measured just before and just after it, which its ratios compare with. */
export function attachFloors(round: Round): void {
  round.sets.forEach((set, i) => {
    const around = [round.floor[i], round.floor[i + 1] ?? round.floor[i]];
    set.floorRps = (around[0].rps + around[1].rps) / 2;
    set.floorCpuMsPerRequest =
      ((around[0].floor.cpuMsPerRequest ?? NaN) + (around[1].floor.cpuMsPerRequest ?? NaN)) / 2;
  });
}

type SetSummary = Summary['sets'][string];

/** The ratios for one set of one round, against the ceiling and the floor measured next to it. */
function ratiosOf(result: SetResult): Ratio[] {
  const out: Ratio[] = [];
  const { ceiling, floorRps, floorCpuMsPerRequest } = result;
  const label = result.set.label;
  const run = (name: ScenarioName) => result.scenarios.find((s) => s.name === name);
  const add = (what: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) out.push({ what: `${label} hashing: ${what}`, value });
  };
  if (label === 'default') {
    add('start / raw argon2 hash ceiling', (run('start')?.saturation.rps ?? NaN) / ceiling.hashesPerS);
    add(
      'wrong-code check / raw argon2 verify ceiling',
      (run('check')?.saturation.rps ?? NaN) / ceiling.verifiesPerS,
    );
    add(
      'check by number / raw argon2 verify ceiling',
      (run('check-by-number')?.saturation.rps ?? NaN) / ceiling.verifiesPerS,
    );
    add('start p99 at half load / one hash', (run('start')?.half.p99Ms ?? NaN) / ceiling.hashMs);
    add('check p99 at half load / one verify', (run('check')?.half.p99Ms ?? NaN) / ceiling.verifyMs);
  }
  // The floor is what the service's own work is measured against: with minimal hashing, where that work shows.
  // At default hashing only the flood, which never hashes, compares with it.
  const againstFloor: ScenarioName[] =
    label === 'minimal' ? ['check', 'start', 'check-by-number', 'flow', 'flood'] : ['flood'];
  const floorNames: Record<ScenarioName, string> = {
    check: 'wrong-code check',
    start: 'start',
    'check-by-number': 'check by number',
    flow: 'start-read-check flow (its requests)',
    flood: 'flood of starts to one number (429)',
  };
  for (const name of againstFloor) {
    if (floorRps) add(`${floorNames[name]} / floor`, (run(name)?.saturation.rps ?? NaN) / floorRps);
  }
  // The same comparison in CPU time, which a busy machine disturbs less than rates: floor CPU / service CPU.
  for (const name of againstFloor.filter((n) => n !== 'check-by-number' && n !== 'flow')) {
    if (floorCpuMsPerRequest) {
      add(
        `${name}: floor CPU per request / service CPU per request`,
        floorCpuMsPerRequest / (run(name)?.saturation.service.cpuMsPerRequest ?? NaN),
      );
    }
  }
  return out;
}

const TARGETS: Record<string, Ratio['target']> = {
  'default hashing: start / raw argon2 hash ceiling': { min: 0.9 },
  'default hashing: wrong-code check / raw argon2 verify ceiling': { min: 0.9 },
  'default hashing: start p99 at half load / one hash': { max: 3 },
  'default hashing: check p99 at half load / one verify': { max: 3 },
  'minimal hashing: wrong-code check / floor': { min: 0.5 },
  'minimal hashing: start / floor': { min: 0.25 },
  'minimal hashing: flood of starts to one number (429) / floor': { min: 0.5 },
};

/**
 * Medians over the rounds. Each ratio is taken within its round (the service against the ceiling and the floor
 * measured next to it), and its median over the rounds is what is reported; peak RSS is the highest of any round.
 */
export function summarize(rounds: Round[]): Summary {
  const floorRuns = rounds.flatMap((r) => r.floor.map((f) => f.rps));
  const floorRps = median(floorRuns);
  const floorCpuMsPerRequest = median(
    rounds.flatMap((r) => r.floor.map((f) => f.floor.cpuMsPerRequest ?? NaN)),
  );
  const sets: Summary['sets'] = {};
  const byWhat = new Map<string, number[]>();
  for (const result of rounds.flatMap((r) => r.sets)) {
    for (const r of ratiosOf(result)) byWhat.set(r.what, [...(byWhat.get(r.what) ?? []), r.value]);
  }
  for (const label of new Set(rounds.flatMap((r) => r.sets.map((s) => s.set.label)))) {
    const results = rounds.flatMap((r) => r.sets.filter((s) => s.set.label === label));
    const ceiling = medianRun(results.map((r) => ({ ...r.ceiling, rps: r.ceiling.verifiesPerS })));
    const scenarios: SetSummary['scenarios'] = {};
    for (const name of new Set(results.flatMap((r) => r.scenarios.map((s) => s.name)))) {
      const runs = results.flatMap((r) => r.scenarios.filter((s) => s.name === name));
      scenarios[name] = {
        saturation: medianRun(runs.map((r) => r.saturation)),
        half: medianRun(runs.map((r) => r.half)),
      };
    }
    const rss = results.map((r) => r.servicePeakRssMB ?? NaN).filter(Number.isFinite);
    sets[label] = {
      ceiling: withoutRps(ceiling),
      scenarios,
      servicePeakRssMB: rss.length ? Math.max(...rss) : undefined,
    };
  }
  const ratios: Ratio[] = [...byWhat].map(([what, values]) => ratio(what, median(values), TARGETS[what]));
  for (const [label, set] of Object.entries(sets)) {
    if (set.servicePeakRssMB !== undefined) {
      ratios.push(
        ratio(`${label} hashing: service peak RSS at saturation, MB`, set.servicePeakRssMB, { max: 150 }),
      );
    }
  }
  return {
    floorRps,
    floorRpsRange: [Math.min(...floorRuns), Math.max(...floorRuns)],
    floorCpuMsPerRequest,
    sets,
    ratios,
  };
}

const fmt = (value: number | undefined, digits = 1) =>
  value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits);

export function printReport(report: BenchReport): void {
  const { info, summary } = report;
  const cpus = os.cpus();
  console.log('\n# Results');
  console.log(`date:     ${info.date}`);
  console.log(`command:  ${info.command}`);
  console.log(`node:     ${info.node}, UV_THREADPOOL_SIZE=${info.uvThreadpoolSize}`);
  console.log(
    `cpus:     ${cpus.length} x ${info.cpus}; load average ${info.loadAverageBefore.map((l) => l.toFixed(2)).join(' ')} before, ${(info.loadAverageAfter ?? []).map((l) => l.toFixed(2)).join(' ')} after`,
  );
  console.log(`redis:    ${info.redis}`);
  console.log(
    `load:     autocannon in the bench's process; service, emulator and floor each in their own; ${info.connections} connections, ${info.durationS} s a run, ${info.rounds} round(s), service LOG_LEVEL=${info.logLevel}`,
  );
  console.log(`limits:   lifted: ${info.liftedLimits}; ${info.checkLimits}`);
  console.log(
    `floor:    ${fmt(summary.floorRps, 0)} req/s (median; ${fmt(summary.floorRpsRange[0], 0)}-${fmt(summary.floorRpsRange[1], 0)} over ${report.rounds.reduce((n, r) => n + r.floor.length, 0)} runs), ${fmt(summary.floorCpuMsPerRequest, 3)} CPU ms/req`,
  );
  for (const [label, set] of Object.entries(summary.sets)) {
    const c = set.ceiling;
    console.log(
      `\n## ${label} hashing: raw argon2 ${fmt(c.hashMs)} ms a hash, ${fmt(c.verifyMs)} ms a verify; ceiling ${fmt(c.hashesPerS)} hashes/s, ${fmt(c.verifiesPerS)} verifies/s with ${c.concurrency} in flight; service peak RSS ${fmt(set.servicePeakRssMB, 0)} MB`,
    );
    console.log('');
    console.log(
      '| scenario | req/s | p50 | p99 | half rate | p50 | p99 | service CPU ms/req | emulator CPU ms/req | peak RSS MB | answers |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const [name, { saturation: s, half: h }] of Object.entries(set.scenarios)) {
      const flows =
        s.flowsPerS === undefined ? '' : ` (${fmt(s.flowsPerS)} flows/s, flow p99 ${fmt(s.flowP99Ms, 0)})`;
      console.log(
        `| ${name} | ${fmt(s.rps)}${flows} | ${fmt(s.p50Ms, 0)} | ${fmt(s.p99Ms, 0)} | ${fmt(h.rps)} | ${fmt(h.p50Ms, 0)} | ${fmt(h.p99Ms, 0)} ` +
          `| ${fmt(s.service.cpuMsPerRequest, 2)} | ${fmt(s.emulator.cpuMsPerRequest, 2)} | ${fmt(Math.max(s.service.peakRssMB ?? NaN, h.service.peakRssMB ?? NaN), 0)} ` +
          `| ${JSON.stringify(s.statusCounts)}${s.stoppedEarly ? ' pool used up' : ''} |`,
      );
    }
  }
  console.log('\n## Ratios');
  console.log('');
  console.log('| what | value | target | |');
  console.log('|---|---:|---:|---|');
  for (const r of summary.ratios) {
    const target = r.target ? (r.target.min !== undefined ? `>= ${r.target.min}` : `<= ${r.target.max}`) : '';
    const digits = r.what.includes('MB') ? 0 : 3;
    console.log(
      `| ${r.what} | ${fmt(r.value, digits)} | ${target} | ${r.met === undefined ? '' : r.met ? 'met' : 'NOT met'} |`,
    );
  }
}

/** Answers that should not have happened: unexpected statuses or bodies, connection errors. */
export function problems(rounds: Round[]): string[] {
  const found: string[] = [];
  const look = (where: string, run: RunFigures) => {
    if (run.unexpected > 0 || run.errors > 0) {
      found.push(
        `${where}: ${run.unexpected} unexpected answers, ${run.errors} errors ${JSON.stringify(run.statusCounts)}`,
      );
      found.push(...run.samples.map((s) => `  e.g. ${s}`));
    }
  };
  rounds.forEach((round, i) => {
    round.floor.forEach((f, j) => look(`round ${i + 1} floor ${j + 1}`, f));
    for (const set of round.sets) {
      for (const s of set.scenarios) {
        look(`round ${i + 1} ${set.set.label} ${s.name}`, s.saturation);
        look(`round ${i + 1} ${set.set.label} ${s.name} at half rate`, s.half);
      }
    }
  });
  return found;
}
