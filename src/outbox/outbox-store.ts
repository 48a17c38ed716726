/** A job claimed by a worker: it holds the lease until it completes, retries or drops the job. */
export interface ClaimedJob {
  id: string;
  type: string;
  payload: unknown;
  /** 1 on the first run. */
  attempts: number;
  /** Proves the claim: a worker whose lease ran out can no longer complete or reschedule the job. */
  lease: string;
}

export interface NewJob {
  type: string;
  /** JSON-serialisable; never a code. */
  payload: unknown;
  /** When the job is first due (ms); now when omitted. */
  runAt?: number;
  /** At most one job is ever enqueued per key while the key lives: a repeated enqueue is a no-op. */
  dedupKey?: string;
  /** How long the dedup key is remembered. */
  dedupTtlMs?: number;
}

export type EnqueueOutcome = { kind: 'enqueued'; id: string } | { kind: 'duplicate' };

/**
 * The durable outbox: jobs in a set ordered by due time, claimed under a lease (a visibility timeout), so that any
 * instance can work them off, none runs a job another one holds, and a job whose worker died comes due again.
 * Redis (Lua scripts) in production; an in-process twin with the same contract without REDIS_URL.
 */
export abstract class OutboxStore {
  abstract enqueue(job: NewJob, now: number): Promise<EnqueueOutcome>;
  /** Takes up to `limit` due jobs, each for `leaseMs`, and counts an attempt on each. */
  abstract claim(now: number, limit: number, leaseMs: number): Promise<ClaimedJob[]>;
  /** Removes a finished (or dropped) job; a no-op when the lease was lost. */
  abstract complete(job: ClaimedJob): Promise<boolean>;
  /** Makes the job due again at `runAt`; a no-op when the lease was lost. */
  abstract reschedule(job: ClaimedJob, runAt: number, reason: string): Promise<boolean>;
  /** Jobs waiting or running. */
  abstract depth(): Promise<number>;
  /** Jobs due before `until` (running ones count until their lease ends). */
  abstract dueBefore(until: number): Promise<number>;
}

export const DEFAULT_DEDUP_TTL_MS = 7 * 24 * 3600 * 1000;
