import { Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { EnqueueOutcome } from '../outbox/outbox-store';
import { JobResult, Outbox } from '../outbox/outbox';
import { StatusWebhooks } from '../webhooks/status-webhooks';
import { effectiveStatus, VerificationRecord } from './verification';
import { VerificationEvents } from './verification-events';
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
 * Expiry happens without a request: a job due at each code's deadline looks at the verification then, on whichever
 * instance claims it, so that an expiry is counted and announced. Start and resend set a deadline, so they ask.
 */
export abstract class ExpiryWatch {
  /** Never throws: the verification stands without its watch; only its expiry would go uncounted and unannounced. */
  abstract watch(verification: Deadline): Promise<void>;
}

/** One outbox job per deadline, deduplicated by (id, expiresAt): a deadline is watched once however often asked. */
export class OutboxExpiryWatch extends ExpiryWatch {
  private readonly logger = new Logger(ExpiryWatch.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {
    super();
  }

  async watch(verification: Deadline): Promise<void> {
    try {
      await scheduleWatch(this.outbox, this.clock.now(), verification);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'Could not queue the expiry watch');
    }
  }
}

function scheduleWatch(outbox: Outbox, now: number, { id, expiresAt }: Deadline): Promise<EnqueueOutcome> {
  const job: ExpiryJob = { id, expiresAt };
  return outbox.enqueue({
    type: EXPIRY_JOB,
    payload: job,
    runAt: expiresAt,
    dedupKey: `expiry:${id}:${expiresAt}`,
    dedupTtlMs: expiresAt - now + DEDUP_MARGIN_MS,
  });
}

/**
 * Runs at a watched deadline. Still pending (a resend moved the deadline): watch the new one. Expired: announce it,
 * and count it once, by the watch of its last deadline only (an older watch may run as late, after an outage).
 * Finished otherwise: announce that status, a no-op unless the change's own webhook was lost.
 */
export function expiryHandler(
  store: VerificationStore,
  outbox: Outbox,
  clock: Clock,
  events: VerificationEvents,
  webhooks: StatusWebhooks,
): (payload: unknown) => Promise<JobResult> {
  return async (payload) => {
    const job = payload as ExpiryJob;
    const record = await store.get(job.id);
    if (!record) return { kind: 'done' };
    const now = clock.now();
    const status = effectiveStatus(record, now);
    if (status === 'pending') {
      await scheduleWatch(outbox, now, record);
      return { kind: 'done' };
    }
    // Before counting: should the webhook fail to queue, the retry counts instead.
    await webhooks.announce(`verification.${status}`, record, status);
    if (status === 'expired' && record.expiresAt === job.expiresAt) events.expired(record);
    return { kind: 'done' };
  };
}
