import { Channel } from '../core/verification';

export interface SendCodeRequest {
  verificationId: string;
  to: string;
  channel: Channel;
  code: string;
  locale?: string;
  templateId?: string;
  voiceId?: string;
  ttlSeconds: number;
  /** Echoed by Notify into delivery events; never holds the code. */
  context?: Record<string, string>;
  dryRun?: boolean;
}

export interface SendCodeReceipt {
  messageId: string;
  channel: Channel;
  templateId: string;
}

/** Delivers a code to a phone. Throws domain errors only (Notify failures are already mapped). */
export abstract class CodeSender {
  abstract send(request: SendCodeRequest): Promise<SendCodeReceipt>;
}
