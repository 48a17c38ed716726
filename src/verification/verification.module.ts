import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { IssuanceModule } from '../issuance/issuance.module';
import { OutboxModule } from '../outbox/outbox.module';
import { CancelVerification } from './cancel-verification';
import { CheckCode } from './check-code';
import { CheckCodeForNumber } from './check-code-for-number';
import { FeedbackReporter } from './feedback-reporter';
import { GetVerification } from './get-verification';

/** Verification: checking a code atomically (by id or by number), cancel, read, and Notify feedback. */
@Module({
  imports: [IssuanceModule, DispatchModule, OutboxModule],
  providers: [CheckCode, CheckCodeForNumber, CancelVerification, GetVerification, FeedbackReporter],
  exports: [CheckCode, CheckCodeForNumber, CancelVerification, GetVerification],
})
export class VerificationModule {}
