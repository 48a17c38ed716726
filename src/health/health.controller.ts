import { Controller, Get, Inject, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
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
import { isEmbeddedRedis } from '../redis/embedded-redis';
import { readRedisMemory } from '../redis/redis-memory';
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

/** The share of maxmemory from which readiness warns. */
const NEAR_FULL = 0.9;

@ApiTags('operations')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');
  private nearFull = false;

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

  /**
   * Redis answers and takes a write (an OOM Redis answers PING but refuses every write), and how full it is: used
   * memory against maxmemory goes to the metrics, and from NEAR_FULL on a warning is logged (once until it drops).
   */
  private async redisUp() {
    const indicator = this.indicators.check('redis');
    const readiness = await redisReadiness(this.redis);
    if (!readiness.up) return indicator.down(readiness.details);
    if (isEmbeddedRedis(this.redis)) return indicator.up(readiness.details);
    // An OOM (or read-only) Redis still answers PING: readiness takes a small write too.
    try {
      await this.redis.set('health:write', String(Date.now()), 'PX', 60_000);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('.')[0] : 'unknown';
      return indicator.down({ ...readiness.details, message: `Redis refuses writes (${reason})` });
    }
    try {
      const { usedMemory, maxMemory } = await readRedisMemory(this.redis);
      this.metrics.redisMemory(usedMemory, maxMemory);
      const share = maxMemory > 0 ? usedMemory / maxMemory : 0;
      if (share >= NEAR_FULL && !this.nearFull) {
        this.logger.warn(
          `Redis memory is ${Math.round(share * 100)} % of maxmemory (${usedMemory} of ${maxMemory} bytes): writes fail at 100 %`,
        );
      }
      this.nearFull = share >= NEAR_FULL;
      return indicator.up({ ...readiness.details, usedMemory, maxMemory });
    } catch {
      return indicator.up(readiness.details); // INFO is not essential to serving
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
