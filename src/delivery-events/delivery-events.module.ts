import { Module } from '@nestjs/common';
import Redis from 'ioredis';
import { Clock } from '../common/clock';
import { Settings } from '../config/settings';
import { DispatchModule } from '../dispatch/dispatch.module';
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
import { SnsFetcher, SnsVerifier } from './sns-verifier';
import { VoiceFallback } from './voice-fallback';
import { DomainEvents } from '../core/domain-events';

@Module({
  imports: [IssuanceModule, DispatchModule, OutboxModule],
  controllers: [NotifyEventsController],
  providers: [
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
    VoiceFallback,
  ],
  exports: [RecordDeliveryEvent],
})
export class DeliveryEventsModule {}
