/**
 * `npx ts-node --transpile-only bench/compare.ts before.json[,more.json] after.json[,more.json]`: two bench reports
 * (or two sets of them, whose rounds are pooled) side by side, per
 * hashing set and scenario, as medians over each report's rounds: the service's CPU time per request (what a busy
 * machine disturbs least), req/s at saturation, p99 at half rate and peak RSS; then the ratios of both.
 */
import { readFileSync } from 'node:fs';
import { attachFloors, BenchReport, median, summarize } from './report';

type Row = { cpu: number; rps: number; halfP99: number; rss: number };

function rows(report: BenchReport): Map<string, Row> {
  const out = new Map<string, Row>();
  const sets = report.rounds.flatMap((r) => r.sets);
  for (const set of sets) {
    for (const s of set.scenarios) {
      const key = `${set.set.label} ${s.name}`;
      if (out.has(key)) continue;
      const all = sets
        .filter((x) => x.set.label === set.set.label)
        .flatMap((x) => x.scenarios.filter((y) => y.name === s.name));
      out.set(key, {
        cpu: median(all.map((a) => a.saturation.service.cpuMsPerRequest ?? NaN)),
        rps: median(all.map((a) => a.saturation.rps)),
        halfP99: median(all.map((a) => a.half.p99Ms)),
        rss: Math.max(
          ...all.flatMap((a) => [a.saturation.service.peakRssMB ?? 0, a.half.service.peakRssMB ?? 0]),
        ),
      });
    }
  }
  return out;
}

/** Comma-separated reports as one: the first one's info, every one's rounds. */
function pooled(paths: string): BenchReport {
  const reports = paths.split(',').map((path) => JSON.parse(readFileSync(path, 'utf8')) as BenchReport);
  return { ...reports[0], rounds: reports.flatMap((r) => r.rounds) };
}

/** The summary as this version of the bench computes it, whichever version wrote the report. */
function resummarized(report: BenchReport): BenchReport {
  report.rounds.forEach(attachFloors);
  return { ...report, summary: summarize(report.rounds) };
}

function main(): void {
  const [beforePath, afterPath] = process.argv.slice(2);
  const before = resummarized(pooled(beforePath));
  const after = resummarized(pooled(afterPath));
  const a = rows(before);
  const b = rows(after);
  const f = (v: number | undefined, d = 1) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
  console.log(
    `before: ${before.info.date} (${before.info.command}); floor ${f(before.summary.floorRps, 0)} req/s, ${f(before.summary.floorCpuMsPerRequest, 3)} CPU ms/req`,
  );
  console.log(
    `after:  ${after.info.date} (${after.info.command}); floor ${f(after.summary.floorRps, 0)} req/s, ${f(after.summary.floorCpuMsPerRequest, 3)} CPU ms/req`,
  );
  console.log('');
  console.log(
    '| hashing, scenario | service CPU ms/req before | after | change | req/s before | after | p99 at half rate before | after | peak RSS MB before | after |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const [key, x] of a) {
    const y = b.get(key);
    if (!y) continue;
    const change = `${f((100 * (y.cpu - x.cpu)) / x.cpu, 0)} %`;
    console.log(
      `| ${key} | ${f(x.cpu, 2)} | ${f(y.cpu, 2)} | ${change} | ${f(x.rps)} | ${f(y.rps)} | ${f(x.halfP99, 0)} | ${f(y.halfP99, 0)} | ${f(x.rss, 0)} | ${f(y.rss, 0)} |`,
    );
  }
  console.log('');
  console.log('| ratio | target | before | after |');
  console.log('|---|---:|---:|---:|');
  const afterRatios = new Map(after.summary.ratios.map((r) => [r.what, r]));
  for (const r of before.summary.ratios) {
    const target = r.target ? (r.target.min !== undefined ? `>= ${r.target.min}` : `<= ${r.target.max}`) : '';
    const digits = r.what.includes('MB') ? 0 : 3;
    const later = afterRatios.get(r.what);
    const mark = (x?: { met?: boolean }) => (x?.met === undefined ? '' : x.met ? ' (met)' : ' (not met)');
    console.log(
      `| ${r.what} | ${target} | ${f(r.value, digits)}${mark(r)} | ${f(later?.value, digits)}${mark(later)} |`,
    );
  }
}

if (require.main === module) main();
