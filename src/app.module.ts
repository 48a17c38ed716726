import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { ApiModule } from './api/api.module';
import { ProblemFilter } from './api/problem.filter';
import { loggerParams } from './common/logging';
import { AppConfigModule } from './config/config.module';
import { EventsModule } from './core/events.module';
import { Settings } from './config/settings';
import { DeliveryEventsModule } from './delivery-events/delivery-events.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { RedisModule } from './redis/redis.module';
import { SandboxEmulatorModule } from './sandbox/sandbox-emulator.module';
import { SandboxModule } from './sandbox/sandbox.module';
import { TwilioModule } from './twilio/twilio.module';
import { WebhooksModule } from './webhooks/webhooks.module';

export interface AppOptions {
  /** Where JSON log lines go; stdout when omitted. */
  logStream?: DestinationStream;
}

@Module({})
export class AppModule {
  /** `env` overrides the process environment: tests and tools boot the app with their own settings. */
  static forRoot(env: Record<string, string | undefined> = {}, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(env),
        LoggerModule.forRootAsync({
          inject: [Settings],
          useFactory: (settings: Settings) => loggerParams(settings, options.logStream),
        }),
        EventsModule,
        SandboxEmulatorModule,
        RedisModule,
        MetricsModule,
        ApiModule,
        DeliveryEventsModule,
        WebhooksModule,
        SandboxModule,
        HealthModule,
        TwilioModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
