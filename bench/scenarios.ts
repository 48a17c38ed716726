import autocannon from 'autocannon';
import { runFlows } from './flow';
import { runLoad } from './load';
import { DistinctNumbers } from './phone-numbers';

/** What one load run measured, whatever drove it. */
export interface RunFigures {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  statusCounts: Record<string, number>;
  errors: number;
  durationS: number;
  /** Answers that were not what the scenario expects (each scenario says what it expects). */
  unexpected: number;
  samples: string[];
  /** The run stopped before its time because its pool of verifications was used up. */
  stoppedEarly?: boolean;
  /** The flow only: whole flows per second and their latency. */
  flowsPerS?: number;
  flowP50Ms?: number;
  flowP99Ms?: number;
}

export interface Target {
  url: string;
  emulatorUrl: string;
  headers: Record<string, string>;
  connections: number;
  durationS: number;
}

/** A verification whose delivered code the bench knows, for wrong-code checks. */
export interface Known {
  id: string;
  to: string;
  wrongCode: string;
}

export const SCENARIOS = ['start', 'check', 'check-by-number', 'flow', 'flood'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** Wrong codes a verification can take and still answer `pending`: OTP_MAX_ATTEMPTS - 1. */
export const MAX_ATTEMPTS = 20;

/** One load run of a scenario; `rate` absent: saturation. */
export type Scenario = (target: Target, rate?: number) => Promise<RunFigures>;

function collector() {
  const samples: string[] = [];
  let unexpected = 0;
  return {
    samples,
    get unexpected() {
      return unexpected;
    },
    fail(status: number, body: string) {
      unexpected++;
      if (samples.length < 5) samples.push(`${status} ${body.slice(0, 200)}`);
    },
  };
}

async function autocannonRun(
  target: Target,
  rate: number | undefined,
  request: autocannon.Request,
  seen: ReturnType<typeof collector>,
  onInstance?: (instance: autocannon.Instance) => void,
  stoppedEarly = () => false,
): Promise<RunFigures> {
  const load = await runLoad(
    {
      url: target.url,
      connections: target.connections,
      durationS: target.durationS,
      headers: target.headers,
      overallRate: rate,
      request,
    },
    onInstance,
  );
  return {
    rps: load.rps,
    p50Ms: load.p50Ms,
    p99Ms: load.p99Ms,
    responses: load.responses,
    statusCounts: load.statusCounts,
    errors: load.errors,
    durationS: load.durationS,
    unexpected: seen.unexpected,
    samples: seen.samples,
    stoppedEarly: stoppedEarly(),
  };
}

/** POST /v1/verifications, a fresh number each time; every answer a 201. Keeps the ids it started. */
export function startScenario(numbers: DistinctNumbers, started: string[]): Scenario {
  return (target, rate) => {
    const seen = collector();
    return autocannonRun(
      target,
      rate,
      {
        method: 'POST',
        path: '/v1/verifications',
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ to: numbers.take() }) }),
        onResponse: (status, body) => {
          if (status === 201) started.push((JSON.parse(body) as { id: string }).id);
          else seen.fail(status, body);
        },
      },
      seen,
    );
  };
}

/**
 * Wrong codes round-robin over a pool, never more than MAX_ATTEMPTS - 1 to one verification, so that every check is
 * hashed and answers 200 `{ valid: false, status: "pending" }`; the run stops early rather than go beyond.
 * `byNumber`: POST /v1/verification-checks with the number, else POST /v1/verifications/{id}/check.
 */
export function wrongCodeScenario(known: Known[], byNumber: boolean): Scenario {
  let issued = 0; // across runs: the saturation run's checks count against the same verifications
  return (target, rate) => {
    if (known.length === 0) throw new Error('no verification with a known code to check against');
    const capacity = known.length * (MAX_ATTEMPTS - 1) - target.connections;
    const seen = collector();
    let stopped = false;
    let stop = (): void => undefined;
    return autocannonRun(
      target,
      rate,
      {
        method: 'POST',
        setupRequest: (request) => {
          const next = known[issued++ % known.length];
          if (issued >= capacity && !stopped) {
            stopped = true;
            setImmediate(stop);
          }
          return byNumber
            ? {
                ...request,
                path: '/v1/verification-checks',
                body: JSON.stringify({ to: next.to, code: next.wrongCode }),
              }
            : {
                ...request,
                path: `/v1/verifications/${next.id}/check`,
                body: JSON.stringify({ code: next.wrongCode }),
              };
        },
        onResponse: (status, body) => {
          const answer = status === 200 ? (JSON.parse(body) as { valid?: unknown; status?: unknown }) : {};
          if (answer.valid !== false || answer.status !== 'pending') seen.fail(status, body);
        },
      },
      seen,
      (instance) => (stop = () => instance.stop()),
      () => stopped,
    );
  };
}

/**
 * Starts to one number as fast as they come: after the number's quarter-hour budget (LIMIT_SENDS_PER_NUMBER_15_MIN,
 * 5) every answer is `429 rate_limited_destination`, refused before any hash or Notify call.
 */
export function floodScenario(numbers: DistinctNumbers): Scenario {
  return (target, rate) => {
    const seen = collector();
    const body = JSON.stringify({ to: numbers.take() });
    let accepted = 0;
    return autocannonRun(
      target,
      rate,
      {
        method: 'POST',
        path: '/v1/verifications',
        body,
        onResponse: (status, text) => {
          if (status === 201 && ++accepted <= 5) return;
          if (status !== 429 || !text.includes('rate_limited_destination')) seen.fail(status, text);
        },
      },
      seen,
    );
  };
}

export function flowScenario(numbers: DistinctNumbers): Scenario {
  return async (target, rate) => {
    const flows = await runFlows({
      serviceUrl: target.url,
      emulatorUrl: target.emulatorUrl,
      headers: target.headers,
      nextNumber: () => numbers.take(),
      durationS: target.durationS,
      concurrency: target.connections,
      // The rate is of requests to the service; a flow makes two.
      rate: rate === undefined ? undefined : rate / 2,
    });
    return {
      rps: flows.rps,
      p50Ms: flows.p50Ms,
      p99Ms: flows.p99Ms,
      responses: flows.responses,
      statusCounts: flows.statusCounts,
      errors: flows.errors,
      durationS: flows.durationS,
      unexpected: flows.unexpected,
      samples: flows.samples,
      flowsPerS: flows.flowsPerS,
      flowP50Ms: flows.flowP50Ms,
      flowP99Ms: flows.flowP99Ms,
    };
  };
}

/** The floor server's one route, a fresh subject each time out of a thousand. */
export function floorScenario(): Scenario {
  let n = 0;
  return (target, rate) => {
    const seen = collector();
    return autocannonRun(
      target,
      rate,
      {
        method: 'POST',
        path: '/floor',
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ to: `subject-${n++ % 1000}` }) }),
        onResponse: (status, body) => {
          if (status !== 201) seen.fail(status, body);
        },
      },
      seen,
    );
  };
}

/** The pool for wrong-code checks: the started verifications whose message the emulator holds. */
export async function knownCodes(emulatorUrl: string, ids: Set<string>): Promise<Known[]> {
  const response = await fetch(`${emulatorUrl}/_emulator/messages`);
  const messages = (await response.json()) as {
    destinationPhoneNumber: string;
    context?: Record<string, string>;
    templateVariables?: Record<string, string>;
  }[];
  const known: Known[] = [];
  for (const message of messages) {
    const id = message.context?.verificationId;
    const code = message.templateVariables?.code?.replace(/\D/g, ''); // a voice message's code reads "1. 2. 3. ..."
    if (!id || !code || !ids.has(id)) continue;
    const wrongCode = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
    known.push({ id, to: message.destinationPhoneNumber, wrongCode });
  }
  return known;
}
