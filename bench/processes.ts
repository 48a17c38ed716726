import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = resolve(__dirname, '..');

/** One process the bench started: the service, the emulator, the floor server or the ceiling. */
export interface BenchProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  logPath: string;
  /** The last lines of its output, for an error message. */
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/** What /proc says about a process: resident memory now, CPU time (user + system) so far. Linux only. */
export interface ProcessUsage {
  rssBytes: number;
  cpuMs: number;
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ, 100 on every Linux architecture Node runs on

export function usage(pid: number): ProcessUsage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKiB = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
    if (!Number.isFinite(ticks) || !Number.isFinite(rssKiB)) return undefined;
    return { rssBytes: rssKiB * 1024, cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_S };
  } catch {
    return undefined;
  }
}

/**
 * Watches processes while a load runs: their peak RSS (sampled every 100 ms) and the CPU time they spent between
 * `start` and `stop`.
 */
export class UsageWatch {
  private readonly before = new Map<number, ProcessUsage | undefined>();
  private readonly peak = new Map<number, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: number[]) {}

  start(): this {
    for (const pid of this.pids) {
      const now = usage(pid);
      this.before.set(pid, now);
      this.peak.set(pid, now?.rssBytes ?? 0);
    }
    this.timer = setInterval(() => this.sample(), 100);
    return this;
  }

  /** Per pid: peak RSS and CPU milliseconds spent since `start`; undefined where /proc cannot be read. */
  stop(): Map<number, { peakRssBytes: number; cpuMs: number } | undefined> {
    clearInterval(this.timer);
    this.sample();
    const result = new Map<number, { peakRssBytes: number; cpuMs: number } | undefined>();
    for (const pid of this.pids) {
      const start = this.before.get(pid);
      const end = usage(pid);
      result.set(
        pid,
        start && end ? { peakRssBytes: this.peak.get(pid) ?? 0, cpuMs: end.cpuMs - start.cpuMs } : undefined,
      );
    }
    return result;
  }

  private sample(): void {
    for (const pid of this.pids) {
      const now = usage(pid);
      if (now && now.rssBytes > (this.peak.get(pid) ?? 0)) this.peak.set(pid, now.rssBytes);
    }
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * Starts `node <args>` with exactly `env` (plus PATH), its output to a log file under the OS temp directory: the
 * service logs a line a request, and a pipe the bench had to drain would cost the bench's own CPU.
 */
export function startNode(
  name: string,
  args: string[],
  env: Record<string, string | undefined>,
): BenchProcess {
  const logPath = join(os.tmpdir(), `notify-otp-bench-${name}-${process.pid}.log`);
  const log = openSync(logPath, 'w');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', log, log],
    env: { PATH: process.env.PATH, ...env },
  });
  closeSync(log);
  const logTail = (lines = 15) => {
    try {
      return readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  return {
    name,
    pid: child.pid ?? -1,
    child,
    logPath,
    logTail,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Polls `url` until it answers 2xx; fails with the process's last log lines if it exits or takes too long. */
export async function waitForHttp(proc: BenchProcess, url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.child.exitCode !== null) {
      throw new Error(
        `${proc.name} exited with ${proc.child.exitCode} before it answered:\n${proc.logTail()}`,
      );
    }
    const ok = await fetch(url)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${proc.name} did not answer ${url} in ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Runs a node script to its end and answers the JSON of its last output line. */
export async function runNodeForJson<T>(
  name: string,
  args: string[],
  env: Record<string, string | undefined>,
): Promise<T> {
  const proc = startNode(name, args, env);
  const [code] = (await once(proc.child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${proc.logTail()}`);
  const last = proc.logTail(1);
  return JSON.parse(last) as T;
}
