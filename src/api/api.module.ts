import { Module } from '@nestjs/common';
import { DeliveryEventsModule } from '../delivery-events/delivery-events.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { IssuanceModule } from '../issuance/issuance.module';
import { RateLimitingModule } from '../rate-limiting/rate-limiting.module';
import { SandboxModule } from '../sandbox/sandbox.module';
import { VerificationModule } from '../verification/verification.module';
import { ApiKeyGuard } from './api-key.guard';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { SandboxController } from './sandbox.controller';
import { TemplatesController } from './templates.controller';
import { VerificationsController } from './verifications.controller';

@Module({
  imports: [
    IssuanceModule,
    VerificationModule,
    DispatchModule,
    RateLimitingModule,
    DeliveryEventsModule,
    SandboxModule,
  ],
  controllers: [VerificationsController, TemplatesController, SandboxController],
  providers: [ApiKeyGuard, IdempotencyInterceptor],
})
export class ApiModule {}
