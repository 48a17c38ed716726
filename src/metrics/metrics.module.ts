import { Global, Module } from '@nestjs/common';
import { VerificationEvents } from '../issuance/verification-events';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';

/** Global, so the use cases, the Notify client and the problem filter can report without importing it. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [Metrics, { provide: VerificationEvents, useExisting: Metrics }],
  exports: [Metrics, VerificationEvents],
})
export class MetricsModule {}
