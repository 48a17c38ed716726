import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { IdempotentAnswer } from '../core/idempotent-answer';
import {
  FallbackAlreadyUsed,
  MaxSendsReached,
  ResendTooSoon,
  VerificationNotFound,
  VerificationNotPending,
} from '../common/domain-error';
import { DomainEvents } from '../core/domain-events';
import { Channel, VerificationRecord } from '../core/verification';
import { channelForSend } from '../dispatch/channel-policy';
import { Admission, Quota, RateLimits } from '../rate-limiting/rate-limits';
import { CodeIssuer } from './code-issuer';
import { IssuancePolicy } from './issuance-policy';
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
  /** The request's Idempotency-Key: installing the new code records the 200 in the same Lua step. */
  answer?: IdempotentAnswer<VerificationRecord>;
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
@Injectable()
export class ResendVerification {
  constructor(
    private readonly store: VerificationStore,
    private readonly issuer: CodeIssuer,
    private readonly clock: Clock,
    private readonly policy: IssuancePolicy,
    private readonly events: DomainEvents,
    private readonly limits: RateLimits,
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
        throw new MaxSendsReached(this.policy.maxSends);
      case 'fallback_used':
        throw new FallbackAlreadyUsed();
    }

    const release = () => this.store.releaseResend(record, claim, options);
    let admission: Admission;
    try {
      admission = await this.limits.admitResend({ to: record.to });
    } catch (error) {
      await release();
      throw error;
    }
    const channel =
      command.channel ?? channelForSend(record.channel, claim.sendIndex, this.policy.autoVoiceOnResend);
    const { receipt, hash } = await this.issuer.issue(
      {
        verificationId: record.id,
        to: record.to,
        channel,
        locale: record.locale,
        templateId: record.templateId,
        voiceId: record.voiceId,
        ttlSeconds: this.policy.ttlSeconds,
        context: record.context,
      },
      record.codeLength ?? this.policy.codeLength,
      async () => {
        await release();
        await admission.refund();
      },
    );
    const now = this.clock.now();
    const expiresAt = now + this.policy.ttlSeconds * 1000;
    const send = { channel, messageId: receipt.messageId, sentAt: new Date(now).toISOString() };
    // The verification as the commit leaves it (the claim counted the send and moved lastSendAt), for the answer
    // the commit records under the key; the caller is answered with the record read back after it.
    const expected: VerificationRecord = {
      ...record,
      sends: [...record.sends, send],
      sendCount: claim.sendIndex + 1,
      lastSendAt: claim.claimedAt,
      fallbackAt: options.fallback ? claim.claimedAt : record.fallbackAt,
      messageId: receipt.messageId,
      expiresAt,
      codeVersion: record.codeVersion + 1,
    };
    const answer = command.answer && {
      key: command.answer.key,
      held: command.answer.held,
      ttlMs: command.answer.ttlMs,
      entry: command.answer.entry(expected),
    };
    const outcome = await this.store.commitResend(
      record,
      { hash, messageId: receipt.messageId, channel, sentAt: now, expiresAt },
      now,
      answer,
    );
    if (outcome.kind === 'finished') throw new VerificationNotPending(outcome.status);
    const updated = await this.store.get(record.id);
    if (!updated) throw new VerificationNotFound();
    await this.events.publish({ type: 'verification.resent', verification: updated });
    return { verification: updated, quota: admission.quota };
  }
}
