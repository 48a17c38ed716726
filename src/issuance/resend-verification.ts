import { Clock } from '../common/clock';
import {
  FallbackAlreadyUsed,
  MaxSendsReached,
  ResendTooSoon,
  VerificationNotFound,
  VerificationNotPending,
} from '../common/domain-error';
import { channelForSend } from '../dispatch/channel-policy';
import { CodeSender } from '../dispatch/code-sender';
import { Admission, NoRateLimits, Quota, RateLimits } from '../rate-limiting/rate-limits';
import { CodeGenerator } from './code-generator';
import { CodeHasher } from './code-hasher';
import { ExpiryWatch } from './expiry-watch';
import { IssuanceSettings } from './start-verification';
import { Channel, VerificationRecord } from './verification';
import { VerificationStore } from './verification-store';

export interface ResendVerificationCommand {
  clientId: string;
  id: string;
  channel?: Channel;
  /**
   * The automatic voice fallback after a failed SMS: no cooldown (nobody asked twice), but the send budget and
   * every other limit hold, and it happens at most once per verification.
   */
  fallback?: boolean;
}

/** `quota`: the rate-limit policy closest to its limit after this resend, for the RateLimit-* headers. */
export interface ResendVerificationResult {
  verification: VerificationRecord;
  quota?: Quota;
}

/**
 * Sends a new code that replaces the previous one. The send is claimed first (cooldown, send budget), so concurrent
 * resends cannot all send; then the rate limits admit it (a resend counts against its number, the number's prefix
 * and Notify capacity). A refusal or a send that fails gives the claim and the points back.
 */
export class ResendVerification {
  constructor(
    private readonly store: VerificationStore,
    private readonly expiry: ExpiryWatch,
    private readonly sender: CodeSender,
    private readonly generator: CodeGenerator,
    private readonly hasher: CodeHasher,
    private readonly clock: Clock,
    private readonly settings: IssuanceSettings & { maxSends: number },
    private readonly limits: RateLimits = new NoRateLimits(),
  ) {}

  async execute(command: ResendVerificationCommand): Promise<ResendVerificationResult> {
    const record = await this.store.get(command.id);
    if (!record || record.clientId !== command.clientId) throw new VerificationNotFound();
    const options = { fallback: command.fallback ?? false };
    const claim = await this.store.claimResend(record, this.clock.now(), options);
    switch (claim.kind) {
      case 'not_found':
        throw new VerificationNotFound();
      case 'finished':
        throw new VerificationNotPending(claim.status);
      case 'cooldown':
        throw new ResendTooSoon(Math.ceil(claim.retryAfterMs / 1000));
      case 'max_sends':
        throw new MaxSendsReached(this.settings.maxSends);
      case 'fallback_used':
        throw new FallbackAlreadyUsed();
    }

    let admission: Admission;
    try {
      admission = await this.limits.admitResend({ to: record.to });
    } catch (error) {
      await this.store.releaseResend(record, claim, options);
      throw error;
    }
    const channel =
      command.channel ?? channelForSend(record.channel, claim.sendIndex, this.settings.autoVoiceOnResend);
    const code = this.generator.generate(record.codeLength ?? this.settings.codeLength);
    const hashing = this.hasher.hash(code);
    hashing.catch(() => undefined);
    let messageId: string;
    try {
      ({ messageId } = await this.sender.send({
        verificationId: record.id,
        to: record.to,
        channel,
        code,
        locale: record.locale,
        templateId: record.templateId,
        voiceId: record.voiceId,
        ttlSeconds: this.settings.ttlSeconds,
        context: record.context,
      }));
    } catch (error) {
      await this.store.releaseResend(record, claim, options);
      await admission.refund();
      throw error;
    }
    const hash = await hashing;
    const now = this.clock.now();
    const expiresAt = now + this.settings.ttlSeconds * 1000;
    const outcome = await this.store.commitResend(
      record,
      { hash, messageId, channel, sentAt: now, expiresAt },
      now,
    );
    if (outcome.kind === 'finished') throw new VerificationNotPending(outcome.status);
    await this.expiry.watch({ id: record.id, expiresAt });
    const updated = await this.store.get(record.id);
    if (!updated) throw new VerificationNotFound();
    return { verification: updated, quota: admission.quota };
  }
}
