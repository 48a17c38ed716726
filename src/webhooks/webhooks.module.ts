import { Module } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock';
import { Settings } from '../config/settings';
import { Outbox } from '../outbox/outbox';
import { OutboxModule } from '../outbox/outbox.module';
import { StatusWebhooks } from './status-webhooks';
import { VerificationWebhooks } from './verification-webhooks';

/** Status webhooks: queued in the outbox as the domain events come, and delivered by the outbox. */
@Module({
  imports: [OutboxModule],
  providers: [
    { provide: Clock, useClass: SystemClock },
    {
      provide: StatusWebhooks,
      inject: [Outbox, Clock, Settings],
      useFactory: (outbox: Outbox, clock: Clock, settings: Settings) =>
        new StatusWebhooks(outbox, clock, settings.webhooks.endpoints),
    },
    VerificationWebhooks,
  ],
})
export class WebhooksModule {}
