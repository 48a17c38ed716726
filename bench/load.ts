import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationS: number;
  headers: Record<string, string>;
  request: autocannon.Request;
  /** Requests per second over all connections; absent: as fast as the server answers (saturation). */
  overallRate?: number;
}

export interface LoadSummary {
  /** Responses received, any status. */
  responses: number;
  /** Responses per second over the run (autocannon's mean of its per-second counts). */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  statusCounts: Record<string, number>;
  durationS: number;
}

/** Every autocannon instance still running, so a failure or the hard timeout can stop them all. */
const running = new Set<autocannon.Instance>();

export function stopAllLoads(): void {
  for (const instance of running) instance.stop();
  running.clear();
}

/**
 * Runs one autocannon load over loopback, from the bench's process (never the service's). `onInstance` receives the
 * instance as soon as it exists, for a request hook that needs to stop the run early.
 */
export function runLoad(
  options: LoadOptions,
  onInstance: (instance: autocannon.Instance) => void = () => undefined,
): Promise<LoadSummary> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: options.durationS,
        timeout: 10,
        headers: options.headers,
        requests: [options.request],
        ...(options.overallRate ? { overallRate: Math.max(1, Math.round(options.overallRate)) } : {}),
      },
      (error, result) => {
        running.delete(instance);
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        resolve(summarize(result));
      },
    );
    running.add(instance);
    onInstance(instance);
  });
}

function summarize(result: autocannon.Result): LoadSummary {
  const statusCounts: Record<string, number> = {};
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCounts[status] = stats.count ?? 0;
  }
  const responses = Object.values(statusCounts).reduce((sum, count) => sum + count, 0);
  return {
    responses,
    rps: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCounts,
    durationS: result.duration,
  };
}

/** The value below which `p` percent of the sorted samples lie (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}
