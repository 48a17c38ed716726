import { Module } from '@nestjs/common';
import Redis from 'ioredis';
import { NotifyEmulator } from '@app/notify-emulator';
import { Clock } from '../common/clock';
import { Settings } from '../config/settings';
import { DispatchModule, SANDBOX_EMULATOR } from '../dispatch/dispatch.module';
import { IssuanceModule } from '../issuance/issuance.module';
import { VerificationStore } from '../issuance/verification-store';
import { Outbox } from '../outbox/outbox';
import { OutboxModule } from '../outbox/outbox.module';
import { REDIS_CLIENT } from '../redis/redis.module';
import { HandleEventBridgeEvent } from './handle-eventbridge-event';
import { HandleSnsMessage } from './handle-sns-message';
import { NotifyEventsController } from './notify-events.controller';
import { RecordDeliveryEvent } from './record-delivery-event';
import { RedisReplayGuard, ReplayGuard } from './replay-guard';
import { SimulateDeliveryEvents } from './simulate-delivery-events';
import { HttpsSnsFetcher, SnsFetcher, SnsVerifier } from './sns-verifier';
import { VoiceFallback } from './voice-fallback';
import { DomainEvents } from '../core/domain-events';

/**
 * In sandbox mode the in-process emulator plays SNS: its certificate and SubscribeURLs are answered by the emulator
 * (the verifier's SNS host check still runs first); any other URL goes out over HTTPS as in production.
 */
class SandboxSnsFetcher extends SnsFetcher {
  private readonly https = new HttpsSnsFetcher();

  constructor(private readonly emulator: NotifyEmulator) {
    super();
  }

  get(url: string): Promise<string> {
    return this.emulator.sns.fetch(url).catch(() => this.https.get(url));
  }
}

@Module({
  imports: [IssuanceModule, DispatchModule, OutboxModule],
  controllers: [NotifyEventsController],
  providers: [
    {
      provide: SnsFetcher,
      inject: [SANDBOX_EMULATOR],
      useFactory: (emulator: NotifyEmulator | null) =>
        emulator ? new SandboxSnsFetcher(emulator) : new HttpsSnsFetcher(),
    },
    {
      provide: SnsVerifier,
      inject: [SnsFetcher],
      useFactory: (fetcher: SnsFetcher) => new SnsVerifier(fetcher),
    },
    {
      provide: ReplayGuard,
      inject: [REDIS_CLIENT],
      useFactory: (redis: Redis) => new RedisReplayGuard(redis),
    },
    {
      provide: RecordDeliveryEvent,
      inject: [VerificationStore, Outbox, Clock, Settings, DomainEvents],
      useFactory: (
        store: VerificationStore,
        outbox: Outbox,
        clock: Clock,
        settings: Settings,
        events: DomainEvents,
      ) => new RecordDeliveryEvent(store, outbox, clock, settings.deliveryEvents, events),
    },
    {
      provide: HandleSnsMessage,
      inject: [SnsVerifier, SnsFetcher, ReplayGuard, RecordDeliveryEvent, Clock, Settings],
      useFactory: (
        verifier: SnsVerifier,
        fetcher: SnsFetcher,
        replays: ReplayGuard,
        record: RecordDeliveryEvent,
        clock: Clock,
        settings: Settings,
      ) =>
        new HandleSnsMessage(verifier, fetcher, replays, record, clock, settings.deliveryEvents.snsTopicArns),
    },
    {
      provide: HandleEventBridgeEvent,
      inject: [RecordDeliveryEvent, Settings],
      useFactory: (record: RecordDeliveryEvent, settings: Settings) =>
        new HandleEventBridgeEvent(record, settings.deliveryEvents.eventBridgeSecret),
    },
    {
      provide: SimulateDeliveryEvents,
      inject: [SANDBOX_EMULATOR, RecordDeliveryEvent],
      useFactory: (emulator: NotifyEmulator | null, record: RecordDeliveryEvent) =>
        emulator ? new SimulateDeliveryEvents(emulator, record) : null,
    },
    VoiceFallback,
  ],
  exports: [SimulateDeliveryEvents],
})
export class DeliveryEventsModule {}
