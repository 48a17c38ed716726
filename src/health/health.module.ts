import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Settings } from '../config/settings';
import { DispatchModule } from '../dispatch/dispatch.module';
import { MetricsModule } from '../metrics/metrics.module';
import { HealthController } from './health.controller';

@Module({
  imports: [
    // On SIGTERM terminus answers every probe 503 at once and waits SHUTDOWN_DRAIN_MS before the server closes.
    TerminusModule.forRootAsync({
      inject: [Settings],
      useFactory: (settings: Settings) => ({
        logger: false,
        gracefulShutdownTimeoutMs: settings.app.shutdownDrainMs,
      }),
    }),
    DispatchModule,
    MetricsModule,
  ],
  controllers: [HealthController],
})
export class HealthModule {}
