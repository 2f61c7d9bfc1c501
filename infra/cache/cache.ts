// Short-lived shared state: idempotency records, sessions, rate limits, locks, page digests.
// Redis in production, memory embedded.

export interface Cache {
  get(key: string): Promise<string | undefined>
  set(key: string, value: string, ttlMs?: number): Promise<void>
  /** Sets only if absent; true if it was set (a lock, a first-seen marker). */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>
  /** Increments a counter, creating it with `ttlMs` if absent; returns the new value. */
  increment(key: string, ttlMs?: number): Promise<number>
  delete(key: string): Promise<void>
  close(): Promise<void>
}
