/**
 * A bounded in-memory cache with a time to live per entry, for authorizer results. Bounded by
 * entry count: the least recently used entry goes first (a Map keeps insertion order, and a hit
 * moves its entry to the end). A warm Lambda keeps it between invocations; each concurrent
 * instance has its own.
 */

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  public constructor(private readonly maxEntries: number) {}

  public get size(): number {
    return this.entries.size;
  }

  public get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) { return undefined; }
    this.entries.delete(key);
    if (entry.expiresAt <= now) { return undefined; }
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` for `ttlMs` (nothing when `ttlMs` is 0 or less). */
  public set(key: string, value: V, ttlMs: number, now: number): void {
    if (!(ttlMs > 0) || this.maxEntries <= 0) { return; }
    this.entries.delete(key);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) { break; }
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: now + ttlMs });
  }
}
