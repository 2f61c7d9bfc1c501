// Short-lived shared state: idempotency records, sessions, rate limits, IVR call state, locks,
// page digests. Redis in production (several replicas share it), memory embedded.

export interface Cache {
  get(key: string): Promise<string | undefined>
  /** Values in the order of `keys` (one round trip on Redis). */
  getMany(keys: readonly string[]): Promise<(string | undefined)[]>
  set(key: string, value: string, ttlMs?: number): Promise<void>
  /** Sets every entry, in one round trip on Redis. */
  setMany(entries: readonly { key: string; value: string }[], ttlMs?: number): Promise<void>
  /** Sets only if absent; true if it was set (a lock, a first-seen marker). */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>
  /** Increments a counter, creating it with `ttlMs` if absent; returns the new value. */
  increment(key: string, ttlMs?: number): Promise<number>
  /**
   * Increments each counter as `increment` does, all with the same `ttlMs`, in one round trip on
   * Redis; the new values in the order of `keys`. (On a Redis cluster the keys would have to share
   * a hash slot; this project runs one Redis.)
   */
  incrementMany(keys: readonly string[], ttlMs: number): Promise<number[]>
  delete(key: string): Promise<void>
  /**
   * Takes or renews a lock: true when `owner` holds `key` afterwards (it was free, expired, or
   * already `owner`'s), its expiry then pushed to now + ttlMs. False while another owner holds it.
   */
  holdLock(key: string, owner: string, ttlMs: number): Promise<boolean>
  /** Releases the lock only if `owner` holds it (never another owner's). */
  releaseLock(key: string, owner: string): Promise<void>
  close(): Promise<void>
}
