import { createHmac } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { DestinationLimitReached, RateLimited, RateLimitedCode } from '../common/domain-error';
import { ipNetwork } from './end-user-ip';
import { NotifyCapacity } from './notify-capacity';
import { PumpingGuard } from './pumping-guard';
import { closestToLimit } from './rate-limit-headers';
import { Admission, Quota, RateLimits, StartAdmissionRequest } from './rate-limits';
import { SubjectWindows } from './subject-windows';
import { WindowCounter } from './window-counter';

/** The counters of the policies that count per subject; see the README's policy table. */
export interface PolicyCounters {
  apiKey: WindowCounter;
  endUserIp: WindowCounter;
  numberShort: WindowCounter;
  numberDaily: WindowCounter;
  /** numberShort and numberDaily taken together, in one round trip. */
  numberWindows: SubjectWindows;
}

type Taken = { quota?: Quota; refund: () => Promise<void> };
type Step = () => Promise<Taken | undefined>;

/**
 * Every policy, taken in a fixed order: API key, end-user IP, the number per quarter hour and per day, the number's
 * prefix (pumping guard), Notify's daily cap, and last Notify's token bucket (the one that may wait). The first
 * refusal gives back what the earlier policies took, so a refused request changes nothing; a send that then fails
 * gives everything back too, except the Notify token (the call was made).
 *
 * Each policy is taken before the next is looked at, so requests refused early never reach the later counters: the
 * caller's own budgets come first, so that a flood from one client or IP cannot spend a number's budget, and a
 * number's own limits come before its prefix's, so that a flood to one number never counts against its neighbours.
 * A number's limits count sends to it whoever asked for them: rotating `X-End-User-IP` or API keys buys nothing
 * against a number, and their refusal reads the same whether or not it has a verification. Key names hold HMACs of
 * numbers and IPs, never the values.
 */
export class PolicyRateLimits extends RateLimits {
  private readonly logger = new Logger('RateLimits');

  constructor(
    private readonly counters: PolicyCounters,
    private readonly pumping: PumpingGuard,
    private readonly capacity: NotifyCapacity,
    private readonly secret: Buffer,
  ) {
    super();
  }

  admitStart(request: StartAdmissionRequest): Promise<Admission> {
    const steps: Step[] = [() => this.count(this.counters.apiKey, request.clientId, 'rate_limited_api_key')];
    if (request.endUserIp !== undefined) {
      const network = this.digest('ip', ipNetwork(request.endUserIp));
      steps.push(() => this.count(this.counters.endUserIp, network, 'rate_limited_ip'));
    }
    if (!request.dryRun) steps.push(...this.sendSteps(request.to));
    steps.push(() => this.token());
    return this.admit(steps);
  }

  admitResend(request: { to: string }): Promise<Admission> {
    return this.admit([...this.sendSteps(request.to), () => this.token()]);
  }

  approved(to: string): void {
    this.pumping.approved(to).catch((error: unknown) => {
      this.logger.warn(
        { err: error instanceof Error ? error.message : String(error) },
        'could not count an approval for the SMS pumping guard',
      );
    });
  }

  override async forget(subjects: { clientId: string; numbers: string[] }): Promise<void> {
    await this.counters.apiKey.forget(subjects.clientId);
    for (const to of subjects.numbers) {
      const number = this.numberSubject(to);
      await this.counters.numberShort.forget(number);
      await this.counters.numberDaily.forget(number);
      await this.pumping.forget(to);
    }
  }

  private sendSteps(to: string): Step[] {
    const number = this.numberSubject(to);
    return [() => this.countNumber(number), () => this.pumping.take(to), () => this.capacity.takeDaily()];
  }

  private async token(): Promise<undefined> {
    await this.capacity.acquire();
    return undefined;
  }

  private async count(
    counter: WindowCounter,
    subject: string,
    code: RateLimitedCode | 'destination_daily_limit',
  ): Promise<Taken> {
    const taken = await counter.take(subject);
    if (taken.kind === 'taken') return taken;
    throw code === 'destination_daily_limit'
      ? new DestinationLimitReached(taken.retryAfterSeconds)
      : new RateLimited(code, taken.retryAfterSeconds);
  }

  /** The number's quarter hour and day, in one step: the quarter hour refuses first, as it comes first. */
  private async countNumber(number: string): Promise<Taken> {
    const taken = await this.counters.numberWindows.take(number);
    if (taken.kind === 'refused') {
      throw taken.counter === this.counters.numberDaily
        ? new DestinationLimitReached(taken.retryAfterSeconds)
        : new RateLimited('rate_limited_destination', taken.retryAfterSeconds);
    }
    return { quota: closestToLimit(taken.quotas), refund: taken.refund };
  }

  /** A hash tag, so that all of a number's windows share one Redis Cluster slot. */
  private numberSubject(to: string): string {
    return `{${this.digest('number', to)}}`;
  }

  private async admit(steps: Step[]): Promise<Admission> {
    const taken: Taken[] = [];
    try {
      for (const step of steps) {
        const result = await step();
        if (result) taken.push(result);
      }
    } catch (error) {
      await this.refund(taken);
      throw error;
    }
    return {
      quota: closestToLimit(taken.flatMap((t) => (t.quota ? [t.quota] : []))),
      refund: () => this.refund(taken),
    };
  }

  /** Gives points back; a failure here (Redis gone meanwhile) can only leave a count too high, never too low. */
  private async refund(taken: Taken[]): Promise<void> {
    const results = await Promise.allSettled(taken.map((t) => t.refund()));
    if (results.some((r) => r.status === 'rejected')) {
      this.logger.warn(
        'could not give back rate-limit points; some counts stay high until their window ends',
      );
    }
  }

  private digest(kind: 'number' | 'ip', value: string): string {
    return createHmac('sha256', this.secret).update(`rate-limit:${kind}:${value}`).digest('hex').slice(0, 24);
  }
}
