interface Entry<V> {
  value: Promise<V>;
  /** Unset while the load is in flight: the TTL starts when the value arrives. */
  expiresAt?: number;
}

/**
 * Caches loaded values for a fixed time. Concurrent misses for one key share a single load, so a burst of
 * sends after a restart costs one Describe call rather than one per request. Failed loads are not cached.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached && (cached.expiresAt === undefined || this.now() < cached.expiresAt)) return cached.value;

    // A load that throws synchronously still ends up as a rejection, like every other failure.
    const entry: Entry<V> = { value: new Promise<V>((resolve) => resolve(load())) };
    this.entries.set(key, entry);
    entry.value.then(
      () => {
        entry.expiresAt = this.now() + this.ttlMs;
      },
      () => {
        // A newer load may already have replaced this entry; only drop our own.
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  clear(): void {
    this.entries.clear();
  }
}
