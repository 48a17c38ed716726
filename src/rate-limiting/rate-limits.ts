/**
 * Where a limited request stands against one policy after it was admitted: what `RateLimit-Limit`,
 * `RateLimit-Remaining` and `RateLimit-Reset` (seconds) report.
 */
export interface Quota {
  policy: string;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** A request the limits let through. Its points are taken; `refund` gives them back when the send then fails. */
export interface Admission {
  /** The admitted policy closest to its limit, for the RateLimit-* headers; absent when none counts. */
  quota?: Quota;
  refund(): Promise<void>;
}

export interface StartAdmissionRequest {
  clientId: string;
  /** E.164, after the destination policy accepted it. */
  to: string;
  /** From `X-End-User-IP`, already validated; absent: the per-IP policy does not apply. */
  endUserIp?: string;
  /** A dry run sends nothing: it counts as a start (API key, IP) and takes Notify capacity, nothing per number. */
  dryRun: boolean;
}

/**
 * The rate limits and abuse protection that stand before every send (src/rate-limiting). An admission either takes
 * the points of every policy that applies, or throws a DomainError (429, or 503 for Notify capacity) having changed
 * nothing. It never hashes or calls Notify's send operations; a store that cannot be reached throws (fail closed).
 */
export abstract class RateLimits {
  abstract admitStart(request: StartAdmissionRequest): Promise<Admission>;
  /** A resend is a send: it counts against the number, its prefix and Notify capacity. */
  abstract admitResend(request: { to: string }): Promise<Admission>;
  /** A code was approved: the conversion the SMS-pumping guard watches. Never throws, never delays the check. */
  abstract approved(to: string): void;
  /** Sandbox reset (POST /sandbox/reset): forgets the counts of this API key and of these numbers and prefixes. */
  async forget(subjects: { clientId: string; numbers: string[] }): Promise<void> {
    void subjects; // limits that keep no counts have nothing to forget
  }
}
