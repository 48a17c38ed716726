import { Logger } from '@nestjs/common';
import { NotifyClient, NotifyError } from '@app/notify';

/** Tells Notify which message's code was used, so AWS learns which routes deliver. */
export abstract class FeedbackReporter {
  /** Never throws and never waits for Notify: a check must not be slowed or failed by feedback. */
  abstract received(messageId: string): void;
}

const BACKOFF_MS = [200, 1000, 5000];

/** Fire-and-forget with retries and backoff; `drain()` lets shutdown (and tests) wait for what is in flight. */
export class NotifyFeedbackReporter extends FeedbackReporter {
  private readonly logger = new Logger(NotifyFeedbackReporter.name);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly notify: NotifyClient,
    private readonly backoffMs: number[] = BACKOFF_MS,
  ) {
    super();
  }

  received(messageId: string): void {
    const task = this.report(messageId).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async report(messageId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.notify.putFeedback(messageId, 'RECEIVED');
        return;
      } catch (error) {
        const retryable = !(error instanceof NotifyError) || error.retryable;
        if (!retryable || attempt >= this.backoffMs.length) {
          this.logger.warn(
            { messageId, kind: (error as NotifyError).kind },
            'PutMessageFeedback failed; giving up',
          );
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.backoffMs[attempt]));
      }
    }
  }
}
