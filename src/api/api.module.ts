import { Module } from '@nestjs/common';
import { DispatchModule } from '../dispatch/dispatch.module';
import { IssuanceModule } from '../issuance/issuance.module';
import { VerificationModule } from '../verification/verification.module';
import { ApiKeyGuard } from './api-key.guard';
import { SandboxController } from './sandbox.controller';
import { VerificationsController } from './verifications.controller';

@Module({
  imports: [IssuanceModule, VerificationModule, DispatchModule],
  controllers: [VerificationsController, SandboxController],
  providers: [ApiKeyGuard],
})
export class ApiModule {}
