import { RateLimits } from '../rate-limiting/rate-limits';
import { VerificationStore } from '../issuance/verification-store';
import { SandboxInbox } from './sandbox-inbox';

export interface SandboxResetResult {
  /** Messages dropped from the client's inbox. */
  messages: number;
  /** Distinct numbers whose limits and counters were cleared. */
  numbers: number;
}

/**
 * POST /sandbox/reset: a developer who used up a limit while trying the API starts over without waiting for it. It
 * clears what the calling client spent: its inbox, its API key's start count, and for every number it sent to, that
 * number's send limits, its prefix's SMS-pumping counts and block, its failed-check count and Notify's daily count.
 * Verifications are kept (they expire on their own); the per-IP count is not cleared, as it is not the client's.
 */
export class ResetSandbox {
  constructor(
    private readonly inbox: SandboxInbox,
    private readonly limits: RateLimits,
    private readonly store: VerificationStore,
  ) {}

  async execute(clientId: string): Promise<SandboxResetResult> {
    const before = (await this.inbox.messages(clientId)).length;
    const numbers = await this.inbox.forget(clientId);
    await this.limits.forget({ clientId, numbers });
    for (const to of numbers) await this.store.forgetFailedChecks(clientId, to);
    return { messages: before, numbers: numbers.length };
  }
}
