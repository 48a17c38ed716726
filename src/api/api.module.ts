import { Module } from '@nestjs/common';
import { DeliveryEventsModule } from '../delivery-events/delivery-events.module';
import { DispatchModule } from '../dispatch/dispatch.module';
import { IssuanceModule } from '../issuance/issuance.module';
import { RateLimitingModule } from '../rate-limiting/rate-limiting.module';
import { VerificationModule } from '../verification/verification.module';
import { ApiKeyGuard } from './api-key.guard';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { SandboxController } from './sandbox.controller';
import { VerificationsController } from './verifications.controller';

@Module({
  imports: [IssuanceModule, VerificationModule, DispatchModule, RateLimitingModule, DeliveryEventsModule],
  controllers: [VerificationsController, SandboxController],
  providers: [ApiKeyGuard, IdempotencyInterceptor],
})
export class ApiModule {}
