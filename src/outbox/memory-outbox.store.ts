import { randomBytes } from 'node:crypto';
import { ClaimedJob, DEFAULT_DEDUP_TTL_MS, EnqueueOutcome, NewJob, OutboxStore } from './outbox-store';

interface StoredJob {
  type: string;
  payload: string;
  attempts: number;
  lease: string;
  dueAt: number;
}

/**
 * The outbox in process memory, for running without Redis: each method mirrors its Lua script and runs without
 * awaiting, so it is as atomic as the script. It forgets everything on restart, which the service warns about.
 */
export class MemoryOutboxStore extends OutboxStore {
  private readonly jobs = new Map<string, StoredJob>();
  private readonly dedup = new Map<string, number>();

  async enqueue(job: NewJob, now: number): Promise<EnqueueOutcome> {
    if (job.dedupKey !== undefined) {
      const until = this.dedup.get(job.dedupKey);
      if (until !== undefined && until > now) return { kind: 'duplicate' };
      this.dedup.set(job.dedupKey, now + (job.dedupTtlMs ?? DEFAULT_DEDUP_TTL_MS));
    }
    const id = randomBytes(12).toString('hex');
    this.jobs.set(id, {
      type: job.type,
      payload: JSON.stringify(job.payload ?? null),
      attempts: 0,
      lease: '',
      dueAt: job.runAt ?? now,
    });
    return { kind: 'enqueued', id };
  }

  async claim(now: number, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
    const lease = randomBytes(12).toString('hex');
    const due = [...this.jobs.entries()]
      .filter(([, job]) => job.dueAt <= now)
      .sort(([a, x], [b, y]) => x.dueAt - y.dueAt || (a < b ? -1 : 1))
      .slice(0, limit);
    for (const [key, until] of this.dedup) if (until <= now) this.dedup.delete(key);
    return due.map(([id, job]) => {
      job.dueAt = now + leaseMs;
      job.attempts += 1;
      job.lease = lease;
      return {
        id,
        type: job.type,
        payload: JSON.parse(job.payload) as unknown,
        attempts: job.attempts,
        lease,
      };
    });
  }

  async complete(claimed: ClaimedJob): Promise<boolean> {
    if (this.jobs.get(claimed.id)?.lease !== claimed.lease) return false;
    return this.jobs.delete(claimed.id);
  }

  async reschedule(claimed: ClaimedJob, runAt: number): Promise<boolean> {
    const job = this.jobs.get(claimed.id);
    if (job?.lease !== claimed.lease) return false;
    job.lease = '';
    job.dueAt = runAt;
    return true;
  }

  async depth(): Promise<number> {
    return this.jobs.size;
  }

  async dueBefore(until: number): Promise<number> {
    return [...this.jobs.values()].filter((job) => job.dueAt < until).length;
  }
}
