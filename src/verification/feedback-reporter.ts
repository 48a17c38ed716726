import { Logger } from '@nestjs/common';
import { NotifyClient, NotifyError } from '@app/notify';
import { JobResult, Outbox } from '../outbox/outbox';

/** Tells Notify which message's code was used, so AWS learns which routes deliver. */
export abstract class FeedbackReporter {
  /**
   * Never throws and never waits for Notify: a check must not be slowed or failed by feedback. It may wait for
   * the report to be stored durably.
   */
  abstract received(messageId: string): void | Promise<void>;
}

export const FEEDBACK_JOB = 'notify.feedback';

interface FeedbackJob {
  messageId: string;
  status: 'RECEIVED';
}

/**
 * RECEIVED goes through the durable outbox: enqueued once per message (deduplicated by its id, so no two instances
 * ever report one message twice), sent by whichever instance claims it, retried with backoff on Notify's
 * retryable errors, and kept across restarts. Verifications that end without approval report nothing: AWS marks
 * their messages FAILED itself after about an hour (see the README).
 */
export class OutboxFeedbackReporter extends FeedbackReporter {
  private readonly logger = new Logger(OutboxFeedbackReporter.name);

  constructor(private readonly outbox: Outbox) {
    super();
  }

  async received(messageId: string): Promise<void> {
    const job: FeedbackJob = { messageId, status: 'RECEIVED' };
    try {
      await this.outbox.enqueue({ type: FEEDBACK_JOB, payload: job, dedupKey: `feedback:${messageId}` });
    } catch (error) {
      // The approval stands; only AWS's route statistics miss this one.
      this.logger.warn({ messageId, err: (error as Error).message }, 'Could not enqueue PutMessageFeedback');
    }
  }
}

/** The outbox handler: one PutMessageFeedback call per attempt; the outbox does the backoff. */
export function feedbackHandler(notify: NotifyClient): (payload: unknown) => Promise<JobResult> {
  return async (payload) => {
    const { messageId, status } = payload as FeedbackJob;
    try {
      await notify.putFeedback(messageId, status);
      return { kind: 'done' };
    } catch (error) {
      if (error instanceof NotifyError && !error.retryable) {
        return { kind: 'drop', reason: `PutMessageFeedback refused: ${error.kind}` };
      }
      return { kind: 'retry', reason: `PutMessageFeedback failed: ${(error as Error).message}` };
    }
  };
}
