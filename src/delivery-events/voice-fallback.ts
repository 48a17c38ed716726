import { Logger } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { ResendVerification } from '../issuance/resend-verification';
import { JobResult } from '../outbox/outbox';

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
export function voiceFallbackHandler(resend: ResendVerification): (payload: unknown) => Promise<JobResult> {
  const logger = new Logger('VoiceFallback');
  return async (payload) => {
    const { verificationId, clientId } = payload as VoiceFallbackJob;
    try {
      await resend.execute({ clientId, id: verificationId, channel: 'voice', fallback: true });
      logger.log({ verificationId }, 'Automatic voice fallback placed');
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
  };
}
