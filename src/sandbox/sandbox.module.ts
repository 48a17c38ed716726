import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { NotifyEmulator } from '@app/notify-emulator';
import { DispatchModule, SANDBOX_EMULATOR } from '../dispatch/dispatch.module';
import { IssuanceModule } from '../issuance/issuance.module';
import { VerificationStore } from '../issuance/verification-store';
import { RateLimitingModule } from '../rate-limiting/rate-limiting.module';
import { RateLimits } from '../rate-limiting/rate-limits';
import { ResetSandbox } from './reset-sandbox';
import { SandboxInbox } from './sandbox-inbox';
import { SandboxLimitHint } from './sandbox-limit-hint';

/** Sandbox mode's own use cases (each null when the service talks to AWS), scoped to the calling API client. */
@Module({
  imports: [DispatchModule, IssuanceModule, RateLimitingModule],
  providers: [
    {
      provide: SandboxInbox,
      inject: [SANDBOX_EMULATOR, VerificationStore],
      useFactory: (emulator: NotifyEmulator | null, store: VerificationStore) =>
        emulator ? new SandboxInbox(emulator, store) : null,
    },
    {
      provide: ResetSandbox,
      inject: [SandboxInbox, RateLimits, VerificationStore],
      useFactory: (inbox: SandboxInbox | null, limits: RateLimits, store: VerificationStore) =>
        inbox ? new ResetSandbox(inbox, limits, store) : null,
    },
    { provide: APP_INTERCEPTOR, useClass: SandboxLimitHint },
  ],
  exports: [SandboxInbox, ResetSandbox],
})
export class SandboxModule {}
