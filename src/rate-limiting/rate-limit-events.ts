/** A prefix ran hot with few approvals and is now refused for `blockSeconds`. Never carries a whole number. */
export interface PrefixBlocked {
  type: 'prefix_blocked';
  /** `+` country calling code and leading digits, e.g. `+1206555`. */
  prefix: string;
  sends: number;
  approvals: number;
  blockSeconds: number;
}

export type RateLimitEvent = PrefixBlocked;

/**
 * What the limits report as they work, for whoever listens (metrics). Refusals need no event: every one is a
 * problem answer with its own `code`. A listener that throws is ignored.
 */
export class RateLimitEvents {
  private readonly listeners = new Set<(event: RateLimitEvent) => void>();

  subscribe(listener: (event: RateLimitEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: RateLimitEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // a listener's failure must never refuse or fail a request
      }
    }
  }
}
