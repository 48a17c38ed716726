import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { NotifyClient } from '@app/notify';
import { Clock } from '../common/clock';
import { DispatchModule } from '../dispatch/dispatch.module';
import { CodeHasher } from '../issuance/code-hasher';
import { IssuanceModule } from '../issuance/issuance.module';
import { VerificationEvents } from '../issuance/verification-events';
import { VerificationStore } from '../issuance/verification-store';
import { RateLimits } from '../rate-limiting/rate-limits';
import { RateLimitingModule } from '../rate-limiting/rate-limiting.module';
import { CancelVerification } from './cancel-verification';
import { CheckCode } from './check-code';
import { CheckCodeForNumber } from './check-code-for-number';
import { Outbox } from '../outbox/outbox';
import { OutboxModule } from '../outbox/outbox.module';
import { FEEDBACK_JOB, feedbackHandler, FeedbackReporter, OutboxFeedbackReporter } from './feedback-reporter';
import { GetVerification } from './get-verification';

/** Provided by the metrics module when the app has one. */
const OPTIONAL_EVENTS = { token: VerificationEvents, optional: true };

/** PutMessageFeedback runs as an outbox job; this instance works such jobs off too. */
@Injectable()
class FeedbackWorker implements OnModuleInit {
  constructor(
    private readonly outbox: Outbox,
    private readonly notify: NotifyClient,
  ) {}

  onModuleInit(): void {
    this.outbox.register(FEEDBACK_JOB, feedbackHandler(this.notify));
  }
}

@Module({
  imports: [IssuanceModule, DispatchModule, RateLimitingModule, OutboxModule],
  providers: [
    {
      provide: FeedbackReporter,
      inject: [Outbox],
      useFactory: (outbox: Outbox) => new OutboxFeedbackReporter(outbox),
    },
    {
      provide: CheckCode,
      inject: [VerificationStore, CodeHasher, FeedbackReporter, Clock, OPTIONAL_EVENTS, RateLimits],
      useFactory: (
        store: VerificationStore,
        hasher: CodeHasher,
        feedback: FeedbackReporter,
        clock: Clock,
        events: VerificationEvents | undefined,
        limits: RateLimits,
      ) => new CheckCode(store, hasher, feedback, clock, events, limits),
    },
    {
      provide: CheckCodeForNumber,
      inject: [VerificationStore, CodeHasher, CheckCode, OPTIONAL_EVENTS],
      useFactory: (
        store: VerificationStore,
        hasher: CodeHasher,
        check: CheckCode,
        events?: VerificationEvents,
      ) => new CheckCodeForNumber(store, hasher, check, events),
    },
    {
      provide: CancelVerification,
      inject: [VerificationStore, Clock, OPTIONAL_EVENTS],
      useFactory: (store: VerificationStore, clock: Clock, events?: VerificationEvents) =>
        new CancelVerification(store, clock, events),
    },
    {
      provide: GetVerification,
      inject: [VerificationStore],
      useFactory: (store: VerificationStore) => new GetVerification(store),
    },
    FeedbackWorker,
  ],
  exports: [CheckCode, CheckCodeForNumber, CancelVerification, GetVerification, FeedbackReporter],
})
export class VerificationModule {}
