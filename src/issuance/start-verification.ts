import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { StoreUnavailable } from '../common/domain-error';
import { IdempotentAnswer } from '../core/idempotent-answer';
import { DomainEvents } from '../core/domain-events';
import { RequestedChannel, VerificationRecord } from '../core/verification';
import { channelForSend } from '../dispatch/channel-policy';
import { DestinationPolicy } from '../dispatch/destination-policy';
import { Quota, RateLimits } from '../rate-limiting/rate-limits';
import { CodeIssuer } from './code-issuer';
import { IssuancePolicy } from './issuance-policy';
import { VerificationKeys } from './verification-keys';
import { VerificationStore } from './verification-store';

export interface StartVerificationCommand {
  clientId: string;
  to: string;
  channel: RequestedChannel;
  purpose: string;
  locale?: string;
  templateId?: string;
  voiceId?: string;
  codeLength?: number;
  context?: Record<string, string>;
  dryRun?: boolean;
  /** The end user's IP address (`X-End-User-IP`), for the per-IP limit. */
  endUserIp?: string;
  /** The request's Idempotency-Key: the verification's creation records its 201 in the same Lua step. */
  answer?: IdempotentAnswer<VerificationRecord>;
}

/** The store failed after Notify accepted the message: it went out, and its code was never stored. */
const SENT_NOT_STORED =
  'A code was sent, but the verification store failed before it was stored, so that code will not work; retry for a new one.';

/** `quota`: the rate-limit policy closest to its limit after this request, for the RateLimit-* headers. */
export type StartVerificationResult =
  | { kind: 'started'; verification: VerificationRecord; quota?: Quota }
  | { kind: 'dry_run'; channel: 'sms' | 'voice'; templateId: string; quota?: Quota };

/**
 * Issues a code and sends it. The rate limits admit the send first, before any hashing or Notify call, and get their
 * points back if the send fails (not if its outcome is unknown). The record is written only after Notify accepted the
 * message, in one Lua step with the answer under the request's Idempotency-Key, so a failed send leaves no pending
 * verification holding an undelivered code, and a sent one is found by its key or number (README: "Failure points of
 * a start"); hashing runs while the message is on its way.
 */
@Injectable()
export class StartVerification {
  constructor(
    private readonly store: VerificationStore,
    private readonly keys: VerificationKeys,
    private readonly destinations: DestinationPolicy,
    private readonly issuer: CodeIssuer,
    private readonly clock: Clock,
    private readonly policy: IssuancePolicy,
    private readonly events: DomainEvents,
    private readonly limits: RateLimits,
  ) {}

  async execute(command: StartVerificationCommand): Promise<StartVerificationResult> {
    const phone = await this.destinations.resolve(command.to);
    const admission = await this.limits.admitStart({
      clientId: command.clientId,
      to: phone.e164,
      endUserIp: command.endUserIp,
      dryRun: command.dryRun ?? false,
    });
    const channel = channelForSend(command.channel, 0, this.policy.autoVoiceOnResend);
    const id = this.keys.newId(phone.e164);
    const codeLength = command.codeLength ?? this.policy.codeLength;
    const request = {
      verificationId: id,
      to: phone.e164,
      channel,
      locale: command.locale,
      templateId: command.templateId,
      voiceId: command.voiceId,
      ttlSeconds: this.policy.ttlSeconds,
      context: command.context,
    };
    const refund = () => admission.refund();

    if (command.dryRun) {
      const receipt = await this.issuer.dryRun(request, codeLength, refund);
      return { kind: 'dry_run', channel, templateId: receipt.templateId, quota: admission.quota };
    }

    // Read before the send, so that once the message is out one store call remains (see VerificationStore.create).
    const previous = command.answer
      ? await this.store
          .latestPendingId(command.clientId, command.purpose, phone.e164)
          .catch(async (error) => {
            await refund();
            throw error;
          })
      : undefined;
    const { receipt, hash } = await this.issuer.issue(request, codeLength, refund);
    const now = this.clock.now();
    const verification: VerificationRecord = {
      id,
      clientId: command.clientId,
      to: phone.e164,
      country: phone.country,
      purpose: command.purpose,
      channel: command.channel,
      status: 'pending',
      locale: command.locale,
      templateId: command.templateId,
      voiceId: command.voiceId,
      codeLength,
      context: command.context,
      createdAt: now,
      expiresAt: now + this.policy.ttlSeconds * 1000,
      attempts: 0,
      failures: 0,
      maxAttempts: this.policy.maxAttempts,
      codeVersion: 1,
      messageId: receipt.messageId,
      sends: [{ channel, messageId: receipt.messageId, sentAt: new Date(now).toISOString() }],
      sendCount: 1,
      lastSendAt: now,
    };
    const answer = command.answer && {
      key: command.answer.key,
      held: command.answer.held,
      ttlMs: command.answer.ttlMs,
      entry: command.answer.entry(verification),
    };
    const created = await this.store
      .create(verification, hash, now, answer, previous)
      .catch((error: unknown) => {
        // Never answered as if nothing was sent. (A write that may have landed is OutcomeUnknown, and passes.)
        throw error instanceof StoreUnavailable ? new StoreUnavailable(error.cause, SENT_NOT_STORED) : error;
      });
    await this.events.publish({ type: 'verification.started', verification });
    if (created.replacedId !== undefined) {
      // The start stands whatever this read meets; subscribers then do without the replaced record.
      const replaced = (await this.store.get(created.replacedId).catch(() => null)) ?? undefined;
      await this.events.publish({
        type: 'verification.replaced',
        verification,
        replacedId: created.replacedId,
        replaced,
      });
    }
    return { kind: 'started', verification, quota: admission.quota };
  }
}
