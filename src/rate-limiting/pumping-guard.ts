import { createHmac } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { RateLimiterAbstract } from 'rate-limiter-flexible';
import { Clock } from '../common/clock';
import { RateLimited } from '../common/domain-error';
import { DomainEvents } from '../core/domain-events';
import { Take, toSeconds, WindowCounter } from './window-counter';
import { storeCall } from '../redis/store-errors';

export interface PumpingSettings {
  /** A prefix is the country calling code plus this many digits of the national number. */
  prefixDigits: number;
  sendsPerPrefixPerHour: number;
  /** Sends in a prefix's hour before its approval rate is judged. */
  minSends: number;
  minApprovalPercent: number;
  blockSeconds: number;
}

/**
 * The SMS-pumping guard. Pumping fraud sends codes to ranges of premium or colluding numbers that never use them, so
 * it shows as many sends to one prefix and almost no approvals. Per prefix and hour this counts sends (with a cap of
 * its own) and approvals; once a prefix has had `minSends` sends in the hour and fewer than `minApprovalPercent` of
 * them were approved, the prefix is blocked for `blockSeconds` (Twilio blocks such prefixes for 12 h). The block is
 * logged and published (`rate_limit.prefix_blocked`). A prefix is most of a number, so its counters and block are
 * keyed by an HMAC of it under the server secret, as the number's own keys are; the block's log line names the key.
 */
export class PumpingGuard {
  private readonly logger = new Logger('RateLimits');

  constructor(
    private readonly sends: WindowCounter,
    private readonly approvals: WindowCounter,
    /** Keeps, per blocked prefix, when its block ends (service clock, ms) in place of points. */
    private readonly blocks: RateLimiterAbstract,
    private readonly settings: PumpingSettings,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
    private readonly secret: Buffer,
  ) {}

  prefixOf(to: string): string {
    const parsed = parsePhoneNumberFromString(to);
    if (!parsed) return to.slice(0, 4);
    return `+${parsed.countryCallingCode}${parsed.nationalNumber.slice(0, this.settings.prefixDigits)}`;
  }

  /** Counts a send to `to`'s prefix, or throws `prefix_blocked` / `rate_limited_prefix` having counted nothing. */
  async take(to: string): Promise<Extract<Take, { kind: 'taken' }>> {
    const prefix = this.prefixOf(to);
    const subject = this.subjectOf(prefix);
    const blockedMs = await this.blockedFor(subject);
    if (blockedMs > 0) throw new RateLimited('prefix_blocked', toSeconds(blockedMs));
    const taken = await this.sends.take(subject);
    if (taken.kind === 'refused') throw new RateLimited('rate_limited_prefix', taken.retryAfterSeconds);
    const earlier = taken.quota.limit - taken.quota.remaining - 1;
    if (earlier >= this.settings.minSends) {
      const approved = await this.approvals.count(subject);
      if (approved * 100 < this.settings.minApprovalPercent * earlier) {
        await taken.refund();
        await this.block(prefix, subject, earlier, approved);
        throw new RateLimited('prefix_blocked', this.settings.blockSeconds);
      }
    }
    return taken;
  }

  /** A code sent to `to` was approved. */
  async approved(to: string): Promise<void> {
    await this.approvals.add(this.subjectOf(this.prefixOf(to)));
  }

  /** Forgets `to`'s prefix: its sends, approvals and block. */
  async forget(to: string): Promise<void> {
    const subject = this.subjectOf(this.prefixOf(to));
    await this.sends.forget(subject);
    await this.approvals.forget(subject);
    await this.blocks.delete(subject);
  }

  /** What the prefix's keys are named by: `rl:prefix-sends:<subject>`, `rl:prefix-block:<subject>`, … */
  subjectOf(prefix: string): string {
    return createHmac('sha256', this.secret).update(`rate-limit:prefix:${prefix}`).digest('hex').slice(0, 24);
  }

  private async blockedFor(subject: string): Promise<number> {
    const until = (await storeCall(this.blocks.get(subject)))?.consumedPoints ?? 0;
    return until - this.clock.now();
  }

  private async block(prefix: string, subject: string, sends: number, approvals: number): Promise<void> {
    const { blockSeconds } = this.settings;
    await storeCall(this.blocks.set(subject, this.clock.now() + blockSeconds * 1000, blockSeconds + 1));
    this.logger.warn(
      { event: 'prefix_blocked', prefix, key: `rl:prefix-block:${subject}`, sends, approvals, blockSeconds },
      `SMS pumping guard: prefix ${prefix} blocked for ${blockSeconds} s (${approvals} of ${sends} sends approved this hour)`,
    );
    await this.events.publish({ type: 'rate_limit.prefix_blocked', prefix, sends, approvals, blockSeconds });
  }
}
