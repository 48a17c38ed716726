import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { IssuanceModule } from '../issuance/issuance.module';
import { RateLimitingModule } from '../rate-limiting/rate-limiting.module';
import { VerificationModule } from '../verification/verification.module';
import { ApiKeyGuard } from './api-key.guard';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { TemplatesController } from './templates.controller';
import { VerificationsController } from './verifications.controller';

@Module({
  imports: [IssuanceModule, VerificationModule, DispatchModule, RateLimitingModule],
  controllers: [VerificationsController, TemplatesController],
  providers: [ApiKeyGuard, IdempotencyInterceptor],
})
export class ApiModule {}
