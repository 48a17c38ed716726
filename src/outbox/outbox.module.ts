import {
  BeforeApplicationShutdown,
  Injectable,
  Module,
  OnApplicationBootstrap,
  Optional,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService, MetadataScanner } from '@nestjs/core';
import Redis from 'ioredis';
import { Clock, SystemClock } from '../common/clock';
import { Settings } from '../config/settings';
import { Metrics } from '../metrics/metrics';
import { REDIS_CLIENT } from '../redis/redis.module';
import { Outbox } from './outbox';
import { registerOutboxJobs } from './outbox-job';
import { OutboxStore } from './outbox-store';
import { RedisOutboxStore } from './redis-outbox.store';

/** Longer than any handler runs (Notify: 3 attempts of NOTIFY_TIMEOUT_MS; a webhook: 10 s). */
const LEASE_MS = 120_000;
const BATCH_SIZE = 20;

/**
 * Registers the app's `@OutboxJob` handlers and polls from bootstrap on, and stops before the other shutdown hooks close Redis and the Notify client, so the jobs
 * in hand can finish.
 */
@Injectable()
class OutboxLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly outbox: Outbox,
    private readonly store: OutboxStore,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Optional() private readonly metrics?: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    registerOutboxJobs(this.outbox, this.discovery, this.scanner);
    this.metrics?.setOutboxDepthSource(() => this.store.depth());
    this.outbox.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.outbox.stop();
  }
}

@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    {
      provide: OutboxStore,
      inject: [REDIS_CLIENT, Settings],
      useFactory: (redis: Redis, settings: Settings) => new RedisOutboxStore(redis, settings.outbox.shards),
    },
    {
      provide: Outbox,
      inject: [OutboxStore, Clock, Settings],
      useFactory: (store: OutboxStore, clock: Clock, settings: Settings) =>
        new Outbox(store, clock, { ...settings.outbox, batchSize: BATCH_SIZE, leaseMs: LEASE_MS }),
    },
    OutboxLifecycle,
  ],
  exports: [Outbox],
})
export class OutboxModule {}
