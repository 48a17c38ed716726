import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { NotifyEmulator } from '@app/notify-emulator';
import { DeliveryEventsModule } from '../delivery-events/delivery-events.module';
import { RecordDeliveryEvent } from '../delivery-events/record-delivery-event';
import { IssuanceModule } from '../issuance/issuance.module';
import { VerificationStore } from '../issuance/verification-store';
import { RateLimitingModule } from '../rate-limiting/rate-limiting.module';
import { RateLimits } from '../rate-limiting/rate-limits';
import { ResetSandbox } from './reset-sandbox';
import { SANDBOX_EMULATOR } from './sandbox-emulator.module';
import { SandboxInbox } from './sandbox-inbox';
import { SandboxLimitHint } from './sandbox-limit-hint';
import { SandboxController } from './sandbox.controller';
import { SimulateDeliveryEvents } from './simulate-delivery-events';

/**
 * The sandbox's own API, scoped to the calling API client: the inbox of what the emulator delivered, simulated
 * delivery events, and a reset of the client's limits. Each use case is null when the service talks to AWS.
 */
@Module({
  imports: [DeliveryEventsModule, IssuanceModule, RateLimitingModule],
  controllers: [SandboxController],
  providers: [
    {
      provide: SandboxInbox,
      inject: [SANDBOX_EMULATOR, VerificationStore],
      useFactory: (emulator: NotifyEmulator | null, store: VerificationStore) =>
        emulator ? new SandboxInbox(emulator, store) : null,
    },
    {
      provide: SimulateDeliveryEvents,
      inject: [SANDBOX_EMULATOR, RecordDeliveryEvent],
      useFactory: (emulator: NotifyEmulator | null, record: RecordDeliveryEvent) =>
        emulator ? new SimulateDeliveryEvents(emulator, record) : null,
    },
    {
      provide: ResetSandbox,
      inject: [SandboxInbox, RateLimits, VerificationStore],
      useFactory: (inbox: SandboxInbox | null, limits: RateLimits, store: VerificationStore) =>
        inbox ? new ResetSandbox(inbox, limits, store) : null,
    },
    { provide: APP_INTERCEPTOR, useClass: SandboxLimitHint },
  ],
})
export class SandboxModule {}
