import { percentile } from './load';

export interface FlowOptions {
  serviceUrl: string;
  emulatorUrl: string;
  headers: Record<string, string>;
  nextNumber: () => string;
  durationS: number;
  /** Flows running side by side at saturation. */
  concurrency: number;
  /** Flows started per second; absent: `concurrency` flows back to back (saturation). */
  rate?: number;
}

export interface FlowSummary {
  flows: number;
  flowsPerS: number;
  /** Requests to the service (a start and a check a flow) per second. */
  rps: number;
  /** Of each request to the service. */
  p50Ms: number;
  p99Ms: number;
  /** Of a whole flow: start, read the code at the emulator, check. */
  flowP50Ms: number;
  flowP99Ms: number;
  responses: number;
  statusCounts: Record<string, number>;
  /** Flows that did not end `{ valid: true, status: "approved" }`. */
  unexpected: number;
  samples: string[];
  errors: number;
  durationS: number;
}

/** At most this many flows in flight at a fixed rate: past it the service is saturated and the run says so. */
const MAX_IN_FLIGHT = 200;

/**
 * What a person signing in does: the app starts a verification, the person reads the code from their phone (here:
 * the emulator's message log, outside the service), the app checks it. Driven with fetch (keep-alive) rather than
 * autocannon, because the check needs the code of the start's own message.
 */
export async function runFlows(options: FlowOptions): Promise<FlowSummary> {
  const latencies: number[] = [];
  const flowLatencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  const samples: string[] = [];
  let unexpected = 0;
  let errors = 0;
  const count = (status: number) => (statusCounts[status] = (statusCounts[status] ?? 0) + 1);
  const fail = (what: string) => {
    unexpected++;
    if (samples.length < 5) samples.push(what.slice(0, 200));
  };

  const post = async (path: string, body: unknown) => {
    const started = performance.now();
    const response = await fetch(`${options.serviceUrl}${path}`, {
      method: 'POST',
      headers: options.headers,
      body: JSON.stringify(body),
    });
    const text = await response.text();
    latencies.push(performance.now() - started);
    count(response.status);
    return { status: response.status, text };
  };

  const flow = async () => {
    const started = performance.now();
    try {
      const to = options.nextNumber();
      const start = await post('/v1/verifications', { to, channel: 'sms' });
      if (start.status !== 201) return fail(`start ${start.status} ${start.text}`);
      const { id } = JSON.parse(start.text) as { id: string };
      const messages = (await (
        await fetch(`${options.emulatorUrl}/_emulator/messages?to=${encodeURIComponent(to)}`)
      ).json()) as { context?: Record<string, string>; templateVariables?: Record<string, string> }[];
      const code = messages.find((m) => m.context?.verificationId === id)?.templateVariables?.code;
      if (!code) return fail(`no message at the emulator for ${id}`);
      const check = await post(`/v1/verifications/${id}/check`, { code: code.replace(/\D/g, '') });
      const answer =
        check.status === 200 ? (JSON.parse(check.text) as { valid?: unknown; status?: unknown }) : {};
      if (answer.valid !== true || answer.status !== 'approved')
        return fail(`check ${check.status} ${check.text}`);
      flowLatencies.push(performance.now() - started);
    } catch (error) {
      errors++;
      if (samples.length < 5) samples.push(`error ${(error as Error).message}`);
    }
  };

  const started = performance.now();
  const end = started + options.durationS * 1000;
  if (options.rate === undefined) {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (performance.now() < end) await flow();
      }),
    );
  } else {
    const interval = 1000 / options.rate;
    const inFlight = new Set<Promise<void>>();
    for (let next = started; next < end; next += interval) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      if (inFlight.size >= MAX_IN_FLIGHT) {
        fail(`more than ${MAX_IN_FLIGHT} flows in flight: the rate is above what the service sustains`);
        break;
      }
      const running: Promise<void> = flow().finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
    await Promise.all(inFlight);
  }
  const durationS = (performance.now() - started) / 1000;

  latencies.sort((a, b) => a - b);
  flowLatencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    flows: flowLatencies.length,
    flowsPerS: flowLatencies.length / durationS,
    rps: latencies.length / durationS,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    flowP50Ms: round(percentile(flowLatencies, 50)),
    flowP99Ms: round(percentile(flowLatencies, 99)),
    responses: latencies.length,
    statusCounts,
    unexpected,
    samples,
    errors,
    durationS,
  };
}
