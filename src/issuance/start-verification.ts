import { Clock } from '../common/clock';
import { channelForSend } from '../dispatch/channel-policy';
import { CodeSender } from '../dispatch/code-sender';
import { DestinationPolicy } from '../dispatch/destination-policy';
import { CodeGenerator } from './code-generator';
import { CodeHasher } from './code-hasher';
import { RequestedChannel, VerificationRecord } from './verification';
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
}

export type StartVerificationResult =
  | { kind: 'started'; verification: VerificationRecord }
  | { kind: 'dry_run'; channel: 'sms' | 'voice'; templateId: string };

export interface IssuanceSettings {
  ttlSeconds: number;
  codeLength: number;
  maxAttempts: number;
  autoVoiceOnResend: boolean;
}

/**
 * Issues a code and sends it. The record is written only after Notify accepted the message, so a failed send leaves
 * no pending verification holding an undelivered code; hashing runs while the message is on its way.
 */
export class StartVerification {
  constructor(
    private readonly store: VerificationStore,
    private readonly keys: VerificationKeys,
    private readonly destinations: DestinationPolicy,
    private readonly sender: CodeSender,
    private readonly generator: CodeGenerator,
    private readonly hasher: CodeHasher,
    private readonly clock: Clock,
    private readonly settings: IssuanceSettings,
  ) {}

  async execute(command: StartVerificationCommand): Promise<StartVerificationResult> {
    const phone = await this.destinations.resolve(command.to);
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
      const receipt = await this.sender.send({ ...request, dryRun: true });
      return { kind: 'dry_run', channel, templateId: receipt.templateId };
    }

    const hashing = this.hasher.hash(code);
    hashing.catch(() => undefined); // awaited below; a send failure must not leave it unhandled
    const receipt = await this.sender.send(request);
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
      locale: command.locale ?? 'en',
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
    await this.store.create(verification, hash, now);
    return { kind: 'started', verification };
  }
}
