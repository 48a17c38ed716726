import { Injectable, Logger } from '@nestjs/common';
import { NotifyClient, NotifyError } from '@app/notify';
import { EventOf, OnDomainEvent } from '../core/domain-events';
import { JobResult, Outbox } from '../outbox/outbox';
import { OutboxJob } from '../outbox/outbox-job';

export const FEEDBACK_JOB = 'notify.feedback';

type FeedbackStatus = 'RECEIVED' | 'FAILED';

interface FeedbackJob {
  messageId: string;
  status: FeedbackStatus;
}

/**
 * Tells Notify what became of each message (PutMessageFeedback), so AWS learns which routes deliver: RECEIVED for the
 * message whose code was approved, FAILED for every message whose code can no longer be used (a resend replaced it,
 * or the verification failed, expired, was canceled or replaced). AWS recommends the explicit FAILED: its own
 * automatic FAILED after an hour does not update the CloudWatch metrics
 * (https://docs.aws.amazon.com/sms-voice/latest/userguide/message-feedback.html).
 *
 * Each report goes through the durable outbox, enqueued once per message (deduplicated by its id, so no message is
 * ever reported twice, by any instance or with two statuses), retried with backoff on Notify's retryable errors.
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
  async approved({ messageId }: EventOf<'verification.approved'>): Promise<void> {
    await this.report(messageId, 'RECEIVED');
  }

  /**
   * The code a resend replaced is dead: FAILED for the message that carried it. (Each earlier message was reported
   * at its own resend, so every message is reported once, by the event that ended its code.)
   */
  @OnDomainEvent('verification.resent')
  async resent({ verification }: EventOf<'verification.resent'>): Promise<void> {
    const previous = verification.sends[verification.sends.length - 2];
    if (previous) await this.report(previous.messageId, 'FAILED');
  }

  /** The verification ended without its code being used: FAILED for the message carrying the current code. */
  @OnDomainEvent('verification.failed')
  @OnDomainEvent('verification.canceled')
  @OnDomainEvent('verification.expired')
  async ended({
    verification,
  }: EventOf<'verification.failed' | 'verification.canceled' | 'verification.expired'>) {
    await this.report(verification.messageId, 'FAILED');
  }

  @OnDomainEvent('verification.replaced')
  async replaced({ replaced }: EventOf<'verification.replaced'>): Promise<void> {
    if (replaced) await this.report(replaced.messageId, 'FAILED');
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

  private async report(messageId: string, status: FeedbackStatus): Promise<void> {
    const job: FeedbackJob = { messageId, status };
    try {
      await this.outbox.enqueue({ type: FEEDBACK_JOB, payload: job, dedupKey: `feedback:${messageId}` });
    } catch (error) {
      // The change it follows stands; only AWS's route statistics miss this one.
      this.logger.warn({ messageId, err: (error as Error).message }, 'Could not enqueue PutMessageFeedback');
    }
  }
}
