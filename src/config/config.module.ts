import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { EnvironmentVariables, validateEnv } from './env.validation';
import { Settings } from './settings';

const VALIDATED = 'validated';

/**
 * Reads and validates the environment once. `overrides` lets tests and tools boot the app with their own settings
 * without touching `process.env`.
 */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(overrides: Record<string, string | undefined> = {}): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          cache: true,
          validate: (raw) => ({ [VALIDATED]: validateEnv({ ...raw, ...overrides }) }),
        }),
      ],
      providers: [
        {
          provide: Settings,
          inject: [ConfigService],
          useFactory: (config: ConfigService) =>
            new Settings(config.getOrThrow<EnvironmentVariables>(VALIDATED)),
        },
      ],
      exports: [Settings],
    };
  }
}
