import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { NotifyCallEvent } from '@app/notify';
import { EventOf, OnDomainEvent } from '../core/domain-events';
import { VerificationRecord } from '../core/verification';

/** Codes that refuse by a limit without being 429s. */
const RATE_LIMIT_CODES = new Set(['prefix_blocked', 'notify_capacity']);

/**
 * The service's Prometheus metrics, on a registry of its own (so that several apps in one process, as in tests, never
 * share counters). Labels are small closed sets — channel, ISO country, result, operation, outcome, problem code —
 * never a number, a code or an id.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private outboxDepthSource: () => number | Promise<number> = () => 0;

  private readonly verifications = new Counter({
    name: 'otp_verifications_total',
    help: 'Verification lifecycle events: started, approved, failed (attempts used up), expired (still pending when its last code expired), canceled, replaced (a new verification for the number canceled it).',
    labelNames: ['event', 'channel', 'country'] as const,
    registers: [this.registry],
  });
  private readonly checks = new Counter({
    name: 'otp_checks_total',
    help: 'Code checks by result: approved, rejected, failed, locked, exhausted, expired, not_pending, not_found.',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly notifyCalls = new Counter({
    name: 'otp_notify_calls_total',
    help: 'Calls to AWS End User Messaging Notify by operation and outcome (ok or the error kind), SDK retries included in one call.',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly notifyDuration = new Histogram({
    name: 'otp_notify_call_duration_seconds',
    help: 'Duration of calls to Notify, SDK retries included.',
    labelNames: ['operation'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly problems = new Counter({
    name: 'otp_problems_total',
    help: 'Error answers (application/problem+json) by HTTP status and stable code.',
    labelNames: ['status', 'code'] as const,
    registers: [this.registry],
  });
  private readonly rateLimitRefusals = new Counter({
    name: 'otp_rate_limit_refusals_total',
    help: 'Requests refused by a limit, by policy (the problem code without its "rate_limited_" prefix).',
    labelNames: ['policy'] as const,
    registers: [this.registry],
  });

  private readonly prefixBlocks = new Counter({
    name: 'otp_prefix_blocks_total',
    help: 'Prefixes the SMS-pumping guard blocked (many sends, few approvals); each block lasts PUMPING_BLOCK_SECONDS.',
    registers: [this.registry],
  });

  constructor() {
    const outboxDepthSource = () => this.outboxDepthSource();
    new Gauge({
      name: 'otp_outbox_depth',
      help: 'Jobs in the outbox, due or scheduled: one expiry watch per pending verification, plus feedback, webhooks and fallback calls to run.',
      registers: [this.registry],
      async collect() {
        // Read at each scrape; a store that is down keeps the last value rather than failing the whole scrape.
        try {
          this.set(await outboxDepthSource());
        } catch {
          /* keep the last value */
        }
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }

  private readonly redisUsedMemory = new Gauge({
    name: 'otp_redis_used_memory_bytes',
    help: "Redis's used_memory, read by each readiness probe.",
    registers: [this.registry],
  });

  private readonly redisMaxMemory = new Gauge({
    name: 'otp_redis_maxmemory_bytes',
    help: "Redis's maxmemory (0: no limit), read by each readiness probe; writes fail with OOM when used_memory reaches it.",
    registers: [this.registry],
  });

  redisMemory(usedMemory: number, maxMemory: number): void {
    this.redisUsedMemory.set(usedMemory);
    this.redisMaxMemory.set(maxMemory);
  }

  /** The outbox, once there is one, tells its depth here; it is read at each scrape. */
  setOutboxDepthSource(source: () => number | Promise<number>): void {
    this.outboxDepthSource = source;
  }

  @OnDomainEvent('verification.started')
  started({ verification }: EventOf<'verification.started'>): void {
    this.verifications.inc({ event: 'started', ...verificationLabels(verification) });
  }

  @OnDomainEvent('verification.replaced')
  replaced({ verification }: EventOf<'verification.replaced'>): void {
    this.verifications.inc({ event: 'replaced', ...verificationLabels(verification) });
  }

  @OnDomainEvent('verification.checked')
  checked({ result, verification }: EventOf<'verification.checked'>): void {
    this.checks.inc({ result });
    if (verification && (result === 'approved' || result === 'failed')) {
      this.verifications.inc({ event: result, ...verificationLabels(verification) });
    }
  }

  @OnDomainEvent('verification.canceled')
  canceled({ verification }: EventOf<'verification.canceled'>): void {
    this.verifications.inc({ event: 'canceled', ...verificationLabels(verification) });
  }

  @OnDomainEvent('verification.expired')
  expired({ verification }: EventOf<'verification.expired'>): void {
    this.verifications.inc({ event: 'expired', ...verificationLabels(verification) });
  }

  notifyCall(event: NotifyCallEvent): void {
    this.notifyCalls.inc({ operation: event.operation, outcome: event.outcome });
    this.notifyDuration.observe({ operation: event.operation }, event.durationMs / 1000);
  }

  /** No label: a prefix is a number's first digits, and stays in the log line of the block. */
  @OnDomainEvent('rate_limit.prefix_blocked')
  prefixBlocked(): void {
    this.prefixBlocks.inc();
  }

  problem(status: number, code: string): void {
    this.problems.inc({ status: String(status), code });
    if (status === 429 || RATE_LIMIT_CODES.has(code)) {
      this.rateLimitRefusals.inc({ policy: code.replace(/^rate_limited_/, '') });
    }
  }
}

/** The channel of the latest send (whose code a check compares) and the number's country, nothing else. */
function verificationLabels(verification: VerificationRecord): { channel: string; country: string } {
  const channel = verification.sends[verification.sends.length - 1]?.channel ?? 'sms';
  const country = /^[A-Z]{2}$/.test(verification.country) ? verification.country : 'unknown';
  return { channel, country };
}
