import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import Redis from 'ioredis';
import { NotifyCatalog } from '../dispatch/notify-catalog';
import { REDIS_CLIENT } from '../redis/redis.module';

/** Liveness says the process serves; readiness says it can do its job: Redis answers and Notify's configuration is ACTIVE. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly catalog: NotifyCatalog,
    @Inject(REDIS_CLIENT) private readonly redis: Redis | null,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.redisUp(), () => this.notifyActive()]);
  }

  private async redisUp() {
    const indicator = this.indicators.check('redis');
    if (!this.redis) return indicator.up({ store: 'in-process' });
    try {
      await this.redis.ping();
      return indicator.up();
    } catch {
      return indicator.down({ message: 'Redis does not answer' });
    }
  }

  /** Cached by the catalog (5 minutes), so probes do not call AWS each time. */
  private async notifyActive() {
    const indicator = this.indicators.check('notify');
    try {
      const configuration = await this.catalog.describeConfiguration();
      return configuration.status === 'ACTIVE'
        ? indicator.up({ tier: configuration.tier })
        : indicator.down({ configurationStatus: configuration.status });
    } catch {
      return indicator.down({ message: 'Notify configuration unavailable' });
    }
  }
}
