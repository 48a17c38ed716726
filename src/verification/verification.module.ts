import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { NotifyClient } from '@app/notify';
import { Clock } from '../common/clock';
import { DispatchModule } from '../dispatch/dispatch.module';
import { CodeHasher } from '../issuance/code-hasher';
import { IssuanceModule } from '../issuance/issuance.module';
import { VerificationStore } from '../issuance/verification-store';
import { CancelVerification } from './cancel-verification';
import { CheckCode } from './check-code';
import { CheckCodeForNumber } from './check-code-for-number';
import { FeedbackReporter, NotifyFeedbackReporter } from './feedback-reporter';
import { GetVerification } from './get-verification';

@Injectable()
class FeedbackLifecycle implements OnApplicationShutdown {
  constructor(private readonly feedback: FeedbackReporter) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.feedback instanceof NotifyFeedbackReporter) await this.feedback.drain();
  }
}

@Module({
  imports: [IssuanceModule, DispatchModule],
  providers: [
    {
      provide: FeedbackReporter,
      inject: [NotifyClient],
      useFactory: (notify: NotifyClient) => new NotifyFeedbackReporter(notify),
    },
    {
      provide: CheckCode,
      inject: [VerificationStore, CodeHasher, FeedbackReporter, Clock],
      useFactory: (store: VerificationStore, hasher: CodeHasher, feedback: FeedbackReporter, clock: Clock) =>
        new CheckCode(store, hasher, feedback, clock),
    },
    {
      provide: CheckCodeForNumber,
      inject: [VerificationStore, CodeHasher, CheckCode],
      useFactory: (store: VerificationStore, hasher: CodeHasher, check: CheckCode) =>
        new CheckCodeForNumber(store, hasher, check),
    },
    {
      provide: CancelVerification,
      inject: [VerificationStore, Clock],
      useFactory: (store: VerificationStore, clock: Clock) => new CancelVerification(store, clock),
    },
    {
      provide: GetVerification,
      inject: [VerificationStore],
      useFactory: (store: VerificationStore) => new GetVerification(store),
    },
    FeedbackLifecycle,
  ],
  exports: [CheckCode, CheckCodeForNumber, CancelVerification, GetVerification, FeedbackReporter],
})
export class VerificationModule {}
