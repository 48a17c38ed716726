import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { ResendVerification } from '../issuance/resend-verification';
import { JobResult } from '../outbox/outbox';
import { OutboxJob } from '../outbox/outbox-job';

export const VOICE_FALLBACK_JOB = 'verification.voice-fallback';

export interface VoiceFallbackJob {
  verificationId: string;
  clientId: string;
}

/**
 * Places the automatic call through the same use case as a resend, so the send budget and every rate limit apply;
 * only the cooldown is skipped, and the store lets it succeed once per verification. Refusals (finished, limits,
 * placed already) end the job; an unavailable Notify is retried by the outbox while the code could still be used.
 */
@Injectable()
export class VoiceFallback {
  private readonly logger = new Logger(VoiceFallback.name);

  constructor(private readonly resend: ResendVerification) {}

  @OutboxJob(VOICE_FALLBACK_JOB)
  async place(payload: unknown): Promise<JobResult> {
    const { verificationId, clientId } = payload as VoiceFallbackJob;
    try {
      await this.resend.execute({ clientId, id: verificationId, channel: 'voice', fallback: true });
      this.logger.log({ verificationId }, 'Automatic voice fallback placed');
      return { kind: 'done' };
    } catch (error) {
      if (error instanceof DomainError && !error.retryable) {
        return { kind: 'drop', reason: `voice fallback refused: ${error.code}` };
      }
      const retryAfter = error instanceof DomainError ? error.retryAfterSeconds : undefined;
      return {
        kind: 'retry',
        reason: `voice fallback failed: ${(error as Error).message}`,
        afterMs: retryAfter === undefined ? undefined : retryAfter * 1000,
      };
    }
  }
}
