// The embedded cache: a Map with expiry times. Enough for one process; Redis replaces it when
// several ingest or desk replicas must share state.
import type { Cache } from './cache.js'

interface Entry {
  value: string
  expiresAt: number
}

const SWEEP_EVERY_MS = 60_000

export function createMemoryCache(now: () => number = Date.now): Cache {
  const entries = new Map<string, Entry>()
  const expiry = (ttlMs?: number) => (ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs)
  const live = (key: string): Entry | undefined => {
    const e = entries.get(key)
    if (e && e.expiresAt <= now()) {
      entries.delete(key)
      return undefined
    }
    return e
  }
  // Expired entries nobody reads again would otherwise stay for the whole night.
  const sweeper = setInterval(() => {
    const t = now()
    for (const [k, e] of entries) if (e.expiresAt <= t) entries.delete(k)
  }, SWEEP_EVERY_MS)
  sweeper.unref()
  const increment = (key: string, ttlMs?: number): number => {
    const e = live(key)
    const n = (e ? Number(e.value) : 0) + 1
    entries.set(key, { value: String(n), expiresAt: e ? e.expiresAt : expiry(ttlMs) })
    return n
  }

  return {
    async get(key) {
      return live(key)?.value
    },
    async getMany(keys) {
      return keys.map((k) => live(k)?.value)
    },
    async set(key, value, ttlMs) {
      entries.set(key, { value, expiresAt: expiry(ttlMs) })
    },
    async setMany(list, ttlMs) {
      for (const { key, value } of list) entries.set(key, { value, expiresAt: expiry(ttlMs) })
    },
    async setIfAbsent(key, value, ttlMs) {
      if (live(key)) return false
      entries.set(key, { value, expiresAt: expiry(ttlMs) })
      return true
    },
    async increment(key, ttlMs) {
      return increment(key, ttlMs)
    },
    async incrementMany(keys, ttlMs) {
      return keys.map((key) => increment(key, ttlMs))
    },
    async delete(key) {
      entries.delete(key)
    },
    async holdLock(key, owner, ttlMs) {
      const e = live(key)
      if (e && e.value !== owner) return false
      entries.set(key, { value: owner, expiresAt: expiry(ttlMs) })
      return true
    },
    async releaseLock(key, owner) {
      if (live(key)?.value === owner) entries.delete(key)
    },
    async close() {
      clearInterval(sweeper)
      entries.clear()
    },
  }
}
