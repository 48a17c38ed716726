import { Clock } from '../common/clock';
import { channelForSend } from '../dispatch/channel-policy';
import { CodeSender, SendCodeReceipt, SendCodeRequest } from '../dispatch/code-sender';
import { DestinationPolicy } from '../dispatch/destination-policy';
import { Admission, NoRateLimits, Quota, RateLimits } from '../rate-limiting/rate-limits';
import { CodeGenerator } from './code-generator';
import { CodeHasher } from './code-hasher';
import { ExpiryWatch } from './expiry-watch';
import { RequestedChannel, VerificationRecord } from './verification';
import { NoVerificationEvents, VerificationEvents } from './verification-events';
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
}

/** `quota`: the rate-limit policy closest to its limit after this request, for the RateLimit-* headers. */
export type StartVerificationResult =
  | { kind: 'started'; verification: VerificationRecord; quota?: Quota }
  | { kind: 'dry_run'; channel: 'sms' | 'voice'; templateId: string; quota?: Quota };

export interface IssuanceSettings {
  ttlSeconds: number;
  codeLength: number;
  maxAttempts: number;
  autoVoiceOnResend: boolean;
}

/**
 * Issues a code and sends it. The rate limits admit the send first, before any hashing or Notify call, and get their
 * points back if the send fails. The record is written only after Notify accepted the message, so a failed send
 * leaves no pending verification holding an undelivered code; hashing runs while the message is on its way. The
 * code's expiry is watched from then on.
 */
export class StartVerification {
  constructor(
    private readonly store: VerificationStore,
    private readonly expiry: ExpiryWatch,
    private readonly keys: VerificationKeys,
    private readonly destinations: DestinationPolicy,
    private readonly sender: CodeSender,
    private readonly generator: CodeGenerator,
    private readonly hasher: CodeHasher,
    private readonly clock: Clock,
    private readonly settings: IssuanceSettings,
    private readonly events: VerificationEvents = new NoVerificationEvents(),
    private readonly limits: RateLimits = new NoRateLimits(),
  ) {}

  async execute(command: StartVerificationCommand): Promise<StartVerificationResult> {
    const phone = await this.destinations.resolve(command.to);
    const admission = await this.limits.admitStart({
      clientId: command.clientId,
      to: phone.e164,
      endUserIp: command.endUserIp,
      dryRun: command.dryRun ?? false,
    });
    const channel = channelForSend(command.channel, 0, this.settings.autoVoiceOnResend);
    const id = this.keys.newId(phone.e164);
    const codeLength = command.codeLength ?? this.settings.codeLength;
    const code = this.generator.generate(codeLength);
    const request = {
      verificationId: id,
      to: phone.e164,
      channel,
      code,
      locale: command.locale,
      templateId: command.templateId,
      voiceId: command.voiceId,
      ttlSeconds: this.settings.ttlSeconds,
      context: command.context,
    };

    if (command.dryRun) {
      const receipt = await this.send({ ...request, dryRun: true }, admission);
      return { kind: 'dry_run', channel, templateId: receipt.templateId, quota: admission.quota };
    }

    const hashing = this.hasher.hash(code);
    hashing.catch(() => undefined); // awaited below; a send failure must not leave it unhandled
    const receipt = await this.send(request, admission);
    const hash = await hashing;
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
      expiresAt: now + this.settings.ttlSeconds * 1000,
      attempts: 0,
      failures: 0,
      maxAttempts: this.settings.maxAttempts,
      codeVersion: 1,
      messageId: receipt.messageId,
      sends: [{ channel, messageId: receipt.messageId, sentAt: new Date(now).toISOString() }],
      sendCount: 1,
      lastSendAt: now,
    };
    const created = await this.store.create(verification, hash, now);
    await this.expiry.watch(verification);
    this.events.started(verification, created.replacedId !== undefined);
    return { kind: 'started', verification, quota: admission.quota };
  }

  /** A send that fails gives its rate-limit points back: it cost nothing. */
  private async send(request: SendCodeRequest, admission: Admission): Promise<SendCodeReceipt> {
    try {
      return await this.sender.send(request);
    } catch (error) {
      await admission.refund();
      throw error;
    }
  }
}
