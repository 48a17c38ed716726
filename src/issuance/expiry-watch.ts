import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { DomainEvents, EventOf, OnDomainEvent } from '../core/domain-events';
import { effectiveStatus, VerificationRecord } from '../core/verification';
import { JobResult, Outbox } from '../outbox/outbox';
import { OutboxJob } from '../outbox/outbox-job';
import { EnqueueOutcome } from '../outbox/outbox-store';
import { VerificationStore } from './verification-store';

export const EXPIRY_JOB = 'verification.expiry';

/**
 * How long past its deadline a watch's dedup key lives: well beyond any clock skew between instances. Nothing asks
 * to watch a deadline that has passed, so the key need not live for the outbox's default week.
 */
const DEDUP_MARGIN_MS = 3600_000;

type Deadline = Pick<VerificationRecord, 'id' | 'expiresAt'>;

interface ExpiryJob {
  id: string;
  /**
   * The deadline this job watches; the verification's own has moved on if a resend came after. Absent from jobs
   * queued before it was added (webhook clients only), which announce but never count.
   */
  expiresAt?: number;
}

/**
 * Expiry happens without a request: a job due at each code's deadline (one per deadline, deduplicated by id and
 * expiresAt) looks at the verification then, on whichever instance claims it, so that an expiry is told. Start and
 * resend set a deadline; the watch follows their events.
 */
@Injectable()
export class ExpiryWatch {
  private readonly logger = new Logger(ExpiryWatch.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly store: VerificationStore,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  /** Never throws: the verification stands without its watch; only its expiry would go untold. */
  @OnDomainEvent('verification.started')
  @OnDomainEvent('verification.resent')
  async watch({ verification }: EventOf<'verification.started' | 'verification.resent'>): Promise<void> {
    try {
      await this.schedule(this.clock.now(), verification);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'Could not queue the expiry watch');
    }
  }

  /**
   * Runs at a watched deadline. Still pending (a resend moved the deadline): watch the new one. Finished or expired:
   * tell it as settled (status webhooks announce it, a no-op unless the change's own webhook was lost), and tell an
   * expiry once, by the watch of its last deadline only (an older watch may run as late, after an outage). Settled
   * goes first: should its webhook fail to queue, the job's retry tells the expiry instead.
   */
  @OutboxJob(EXPIRY_JOB)
  async runJob(payload: unknown): Promise<JobResult> {
    const job = payload as ExpiryJob;
    const record = await this.store.get(job.id);
    if (!record) return { kind: 'done' };
    const now = this.clock.now();
    const status = effectiveStatus(record, now);
    if (status === 'pending') {
      await this.schedule(now, record);
      return { kind: 'done' };
    }
    await this.events.publish({ type: 'verification.settled', verification: record, status });
    if (status === 'expired' && record.expiresAt === job.expiresAt) {
      await this.events.publish({ type: 'verification.expired', verification: record });
    }
    return { kind: 'done' };
  }

  private schedule(now: number, { id, expiresAt }: Deadline): Promise<EnqueueOutcome> {
    const job: ExpiryJob = { id, expiresAt };
    return this.outbox.enqueue({
      type: EXPIRY_JOB,
      payload: job,
      runAt: expiresAt,
      dedupKey: `expiry:${id}:${expiresAt}`,
      dedupTtlMs: expiresAt - now + DEDUP_MARGIN_MS,
    });
  }
}
