import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { NotifyCatalog } from '../dispatch/notify-catalog';
import { ApiProblems } from '../api/openapi';
import { problemBody } from '../api/problem-table';
import { Metrics } from '../metrics/metrics';
import { REDIS_CLIENT } from '../redis/redis.module';
import { redisReadiness } from './redis-readiness';

/** Liveness says the process serves; readiness says it can do its job: Redis answers and Notify's configuration is ACTIVE. */
const PROBE_OK = {
  type: 'object',
  example: {
    status: 'ok',
    info: { redis: { status: 'up' }, notify: { status: 'up', tier: 'ADVANCED' } },
    error: {},
    details: { redis: { status: 'up' }, notify: { status: 'up', tier: 'ADVANCED' } },
  },
};

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly catalog: NotifyCatalog,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly metrics: Metrics,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process serves requests' })
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ description: "Terminus's result", schema: PROBE_OK })
  @ApiProblems({ 503: ['not_ready'] })
  live(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.probe(reply, []);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Redis answers and the Notify configuration is ACTIVE (cached 5 min)' })
  @HealthCheck({ swaggerDocumentation: false })
  @ApiOkResponse({ description: "Terminus's result", schema: PROBE_OK })
  @ApiProblems({ 503: ['not_ready'] })
  ready(@Res({ passthrough: true }) reply: FastifyReply) {
    return this.probe(reply, [() => this.redisUp(), () => this.notifyActive()]);
  }

  /**
   * Terminus's answer; a failed one (or any probe while shutting down) is a 503 problem+json that keeps terminus's
   * `info`, `error` and `details`, so the operator sees which check failed.
   */
  private async probe(reply: FastifyReply, checks: HealthIndicatorFunction[]) {
    try {
      return await this.health.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const failed = Object.keys(result.error ?? {});
      const detail =
        result.status === 'shutting_down'
          ? 'The service is shutting down.'
          : `Not ready: ${failed.join(', ')}.`;
      const problem = problemBody('not_ready', detail);
      this.metrics.problem(problem.status, problem.code);
      void reply
        .status(problem.status)
        .header('Content-Type', 'application/problem+json')
        .header('Retry-After', '5');
      return {
        ...problem,
        info: result.info,
        error: result.error,
        details: result.details,
      };
    }
  }

  private async redisUp() {
    const indicator = this.indicators.check('redis');
    const readiness = await redisReadiness(this.redis);
    return readiness.up ? indicator.up(readiness.details) : indicator.down(readiness.details);
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
