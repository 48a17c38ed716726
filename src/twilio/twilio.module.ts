import { Module } from '@nestjs/common';
import { ApiKeyGuard } from '../api/api-key.guard';
import { IssuanceModule } from '../issuance/issuance.module';
import { VerificationModule } from '../verification/verification.module';
import { TwilioAuthGuard } from './twilio-auth.guard';
import { TwilioServicesController, TwilioVerificationsController } from './twilio.controllers';
import { TwilioVerifications } from './twilio-verifications';
import { VerifyServiceStore } from './verify-service.store';
import { VerifyServices } from './verify-services';

/**
 * A Twilio Verify v2 compatible surface under /v2 (Services, Verifications, VerificationCheck), so that an app on
 * Twilio migrates by changing its base URL. It only translates: every rule is our use cases'.
 */
@Module({
  imports: [IssuanceModule, VerificationModule],
  controllers: [TwilioServicesController, TwilioVerificationsController],
  providers: [ApiKeyGuard, TwilioAuthGuard, VerifyServiceStore, VerifyServices, TwilioVerifications],
})
export class TwilioModule {}
