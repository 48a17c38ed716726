import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { IssuanceModule } from '../issuance/issuance.module';
import { VerificationStore } from '../issuance/verification-store';
import { Outbox } from '../outbox/outbox';
import { OutboxModule } from '../outbox/outbox.module';
import { EXPIRY_JOB, StatusWebhooks } from './status-webhooks';
import { expiryHandler } from './webhook-sender';
import { WebhooksModule } from './webhooks.module';

@Injectable()
class ExpiryWatch implements OnModuleInit {
  constructor(
    private readonly outbox: Outbox,
    private readonly store: VerificationStore,
    private readonly webhooks: StatusWebhooks,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.outbox.register(EXPIRY_JOB, expiryHandler(this.store, this.webhooks, this.clock));
  }
}

/**
 * Works off the expiry watches: apart from the webhooks module, since it reads the store that announces through
 * that module.
 */
@Module({
  imports: [IssuanceModule, WebhooksModule, OutboxModule],
  providers: [ExpiryWatch],
})
export class ExpiryWatchModule {}
