import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Clock, SystemClock } from '../common/clock';
import { Settings } from '../config/settings';
import { Outbox } from '../outbox/outbox';
import { OutboxModule } from '../outbox/outbox.module';
import { StatusWebhooks, WEBHOOK_JOB } from './status-webhooks';
import { webhookHandler } from './webhook-sender';

@Injectable()
class WebhookWorker implements OnModuleInit {
  constructor(
    private readonly outbox: Outbox,
    private readonly webhooks: StatusWebhooks,
  ) {}

  onModuleInit(): void {
    this.outbox.register(WEBHOOK_JOB, webhookHandler(this.webhooks));
  }
}

/** Queues status webhooks (the issuance module's store announces through it) and delivers them. */
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
    WebhookWorker,
  ],
  exports: [StatusWebhooks],
})
export class WebhooksModule {}
