import { Injectable, Logger } from '@nestjs/common';
import { NotifyClient, NotifyError } from '@app/notify';
import { EventOf, OnDomainEvent } from '../core/domain-events';
import { JobResult, Outbox } from '../outbox/outbox';
import { OutboxJob } from '../outbox/outbox-job';

export const FEEDBACK_JOB = 'notify.feedback';

interface FeedbackJob {
  messageId: string;
  status: 'RECEIVED';
}

/**
 * Tells Notify which message's code was used (PutMessageFeedback RECEIVED), so AWS learns which routes deliver. It
 * goes through the durable outbox: enqueued once per message (deduplicated by its id, so no two instances ever report
 * one message twice), sent by whichever instance claims it, retried with backoff on Notify's retryable errors, and
 * kept across restarts. Verifications that end without approval report nothing: AWS marks their messages FAILED
 * itself after about an hour (see the README).
 */
@Injectable()
export class FeedbackReporter {
  private readonly logger = new Logger(FeedbackReporter.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly notify: NotifyClient,
  ) {}

  /** Never throws and never waits for Notify: a check must not be slowed or failed by feedback. */
  @OnDomainEvent('verification.approved')
  async received({ messageId }: EventOf<'verification.approved'>): Promise<void> {
    const job: FeedbackJob = { messageId, status: 'RECEIVED' };
    try {
      await this.outbox.enqueue({ type: FEEDBACK_JOB, payload: job, dedupKey: `feedback:${messageId}` });
    } catch (error) {
      // The approval stands; only AWS's route statistics miss this one.
      this.logger.warn({ messageId, err: (error as Error).message }, 'Could not enqueue PutMessageFeedback');
    }
  }

  /** One PutMessageFeedback call per attempt; the outbox does the backoff. */
  @OutboxJob(FEEDBACK_JOB)
  async send(payload: unknown): Promise<JobResult> {
    const { messageId, status } = payload as FeedbackJob;
    try {
      await this.notify.putFeedback(messageId, status);
      return { kind: 'done' };
    } catch (error) {
      if (error instanceof NotifyError && !error.retryable) {
        return { kind: 'drop', reason: `PutMessageFeedback refused: ${error.kind}` };
      }
      return { kind: 'retry', reason: `PutMessageFeedback failed: ${(error as Error).message}` };
    }
  }
}
