import { setTimeout as sleep } from 'node:timers/promises';
import { NotifyCapacityExhausted, NotifyUnavailable } from '../common/domain-error';
import { NotifyCatalog } from '../dispatch/notify-catalog';
import { TokenBucket } from './token-bucket';
import { Take, toSeconds, WindowCounter } from './window-counter';

export interface CapacitySettings {
  /** Absent: the tier's rate. */
  sendsPerSecond?: number;
  /** Absent: the tier's cap; 0: none. */
  dailyMessages?: number;
  maxWaitMs: number;
}

/** Notify's published quotas by tier: Basic 1 send a second and 200 messages a day, Advanced 25 a second. */
const TIERS = {
  BASIC: { sendsPerSecond: 1, dailyMessages: 200 },
  ADVANCED: { sendsPerSecond: 25, dailyMessages: 0 },
} as const;

/**
 * Notify's capacity, shared by every instance: a token bucket per Notify configuration at its rate (a second's worth
 * of burst), and its daily message cap counted per UTC day as Notify counts it. When the settings leave either to
 * the tier, the tier comes from DescribeNotifyConfigurations, which the catalog caches; an unknown tier is taken as
 * Basic, the stricter.
 */
export class NotifyCapacity {
  private readonly dailyCounters = new Map<number, WindowCounter>();

  constructor(
    private readonly bucket: TokenBucket,
    private readonly catalog: NotifyCatalog,
    private readonly settings: CapacitySettings,
    private readonly dailyCounter: (limit: number) => WindowCounter,
  ) {}

  /** Counts a message against the daily cap, if there is one; throws `notify_daily_limit` when it is reached. */
  async takeDaily(): Promise<Extract<Take, { kind: 'taken' }> | undefined> {
    const { dailyMessages } = await this.plan();
    if (dailyMessages === 0) return undefined;
    let counter = this.dailyCounters.get(dailyMessages);
    if (!counter) {
      counter = this.dailyCounter(dailyMessages);
      this.dailyCounters.set(dailyMessages, counter);
    }
    const taken = await counter.take(this.catalog.configurationId);
    if (taken.kind === 'refused') {
      throw new NotifyUnavailable(
        'notify_daily_limit',
        `The Notify configuration's daily limit of ${dailyMessages} messages is reached; sending resumes at midnight UTC.`,
        taken.retryAfterSeconds,
      );
    }
    return taken;
  }

  /**
   * Waits for a token, at most `maxWaitMs`; throws `notify_capacity` (503) when the wait would be longer, having
   * reserved nothing. A token is not given back: whether or not the send then succeeds, the call was made.
   */
  async acquire(): Promise<void> {
    const { sendsPerSecond } = await this.plan();
    const reservation = await this.bucket.reserve(`rl:notify-bucket:${this.catalog.configurationId}`, {
      ratePerSecond: sendsPerSecond,
      burst: sendsPerSecond,
      maxWaitMs: this.settings.maxWaitMs,
    });
    if (reservation.kind === 'refused') {
      throw new NotifyCapacityExhausted(toSeconds(reservation.waitMs - this.settings.maxWaitMs));
    }
    if (reservation.waitMs > 0) await sleep(reservation.waitMs);
  }

  private async plan(): Promise<{ sendsPerSecond: number; dailyMessages: number }> {
    const { sendsPerSecond, dailyMessages } = this.settings;
    if (sendsPerSecond !== undefined && dailyMessages !== undefined) return { sendsPerSecond, dailyMessages };
    const configuration = await this.catalog.describeConfigurationOrFail();
    const tier = configuration.tier === 'ADVANCED' ? TIERS.ADVANCED : TIERS.BASIC;
    return {
      sendsPerSecond: sendsPerSecond ?? tier.sendsPerSecond,
      dailyMessages: dailyMessages ?? tier.dailyMessages,
    };
  }
}
