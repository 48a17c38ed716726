import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DispatchModule } from '../dispatch/dispatch.module';
import { HealthController } from './health.controller';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), DispatchModule],
  controllers: [HealthController],
})
export class HealthModule {}
