import { Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ClaimedJob, EnqueueOutcome, NewJob, OutboxStore } from './outbox-store';

/** What a handler made of a job: done, try again later (with backoff), or give up for good. */
export type JobResult =
  { kind: 'done' } | { kind: 'retry'; reason: string; afterMs?: number } | { kind: 'drop'; reason: string };

/** Runs one job. Throwing counts as `retry`. It must be idempotent: delivery is at least once. */
export type JobHandler = (payload: unknown, job: { id: string; attempts: number }) => Promise<JobResult>;

export interface OutboxSettings {
  pollMs: number;
  /** First retry delay; it doubles with each attempt (with jitter), up to an hour. */
  retryBaseMs: number;
  maxAttempts: number;
  batchSize: number;
  /** How long a claimed job stays invisible to other workers: longer than any handler runs. */
  leaseMs: number;
}

const MAX_BACKOFF_MS = 3600_000;

/**
 * The durable outbox and its worker. Anything that must happen at least once after a request has been answered —
 * PutMessageFeedback, status webhooks, the automatic voice fallback, expiry checks — is enqueued here and worked off
 * by whichever instance claims it first; a job is retried with exponential backoff until it is done or has used its
 * attempts. Handlers register by job type.
 */
export class Outbox {
  private readonly logger = new Logger('Outbox');
  private readonly handlers = new Map<string, JobHandler>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: OutboxStore,
    private readonly clock: Clock,
    private readonly settings: OutboxSettings,
  ) {}

  register(type: string, handler: JobHandler): void {
    if (this.handlers.has(type)) throw new Error(`An outbox handler for "${type}" is registered already`);
    this.handlers.set(type, handler);
  }

  enqueue(job: NewJob): Promise<EnqueueOutcome> {
    return this.store.enqueue(job, this.clock.now());
  }

  depth(): Promise<number> {
    return this.store.depth();
  }

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.poll(), this.settings.pollMs).unref();
  }

  /** Stops polling and waits for the jobs in hand; unfinished ones come due again after their lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Works off every due job once; a poll that finds one running waits for it instead. */
  poll(): Promise<void> {
    this.running ??= this.work().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Waits until no job is due within `horizonMs` and none is running (tests; graceful tools). Polls itself, so it
   * does not wait for the timer.
   */
  async idle(horizonMs = 60_000, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.poll();
      if ((await this.store.dueBefore(this.clock.now() + horizonMs)) === 0) return;
      if (Date.now() > deadline) throw new Error('The outbox did not become idle in time');
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.settings.pollMs, 50)));
    }
  }

  private async work(): Promise<void> {
    try {
      for (;;) {
        const jobs = await this.store.claim(this.clock.now(), this.settings.batchSize, this.settings.leaseMs);
        await Promise.all(jobs.map((job) => this.run(job)));
        if (jobs.length < this.settings.batchSize || this.stopped) return;
      }
    } catch (error) {
      this.logger.warn({ err: describe(error) }, 'Outbox poll failed; trying again on the next one');
    }
  }

  private async run(job: ClaimedJob): Promise<void> {
    const handler = this.handlers.get(job.type);
    let result: JobResult;
    try {
      result = handler
        ? await handler(job.payload, { id: job.id, attempts: job.attempts })
        : { kind: 'retry', reason: `no handler for "${job.type}" on this instance` };
    } catch (error) {
      result = { kind: 'retry', reason: describe(error) };
    }
    if (result.kind === 'done') {
      await this.store.complete(job);
      return;
    }
    if (result.kind === 'retry' && job.attempts < this.settings.maxAttempts) {
      const delay = result.afterMs ?? this.backoff(job.attempts);
      await this.store.reschedule(job, this.clock.now() + delay, result.reason);
      this.logger.debug({ job: job.id, type: job.type, attempts: job.attempts, delay }, result.reason);
      return;
    }
    await this.store.complete(job);
    this.logger.warn(
      { job: job.id, type: job.type, attempts: job.attempts, reason: result.reason },
      result.kind === 'drop' ? 'Outbox job dropped' : 'Outbox job gave up after its last attempt',
    );
  }

  /** Exponential with full jitter in its upper half, so many instances do not retry in step. */
  private backoff(attempts: number): number {
    const base = Math.min(this.settings.retryBaseMs * 2 ** (attempts - 1), MAX_BACKOFF_MS);
    return Math.round(base / 2 + (Math.random() * base) / 2);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
