import { Module } from '@nestjs/common';
import { NotifyEmulator } from '@app/notify-emulator';
import { DeliveryEventsModule } from '../delivery-events/delivery-events.module';
import { RecordDeliveryEvent } from '../delivery-events/record-delivery-event';
import { SANDBOX_EMULATOR } from './sandbox-emulator.module';
import { SandboxController } from './sandbox.controller';
import { SimulateDeliveryEvents } from './simulate-delivery-events';

/** The sandbox's own API: the inbox of what the emulator delivered, and simulated delivery events. */
@Module({
  imports: [DeliveryEventsModule],
  controllers: [SandboxController],
  providers: [
    {
      provide: SimulateDeliveryEvents,
      inject: [SANDBOX_EMULATOR, RecordDeliveryEvent],
      useFactory: (emulator: NotifyEmulator | null, record: RecordDeliveryEvent) =>
        emulator ? new SimulateDeliveryEvents(emulator, record) : null,
    },
  ],
})
export class SandboxModule {}
