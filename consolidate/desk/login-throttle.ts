// Lockout against password guessing: too many failed logins for one username (someone guessing
// one account) or from one client address (someone trying many) within a window, and further
// attempts are refused for a while, without even checking the password. Counters live in the
// Cache, so every desk replica sees the same ones.
import { createHash } from 'node:crypto'
import type { Cache } from '../../infra/cache/cache.js'

export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000
export const LOGIN_LOCKOUT_MS = 15 * 60 * 1000
export const MAX_FAILURES_PER_USERNAME = 5
export const MAX_FAILURES_PER_ADDRESS = 20

/** What a lockout applies to. */
export type LockScope = 'username' | 'address'

export interface LoginThrottle {
  /** The lock that refuses this attempt, if any. */
  lockedBy(username: string, address: string): Promise<LockScope | undefined>
  /** Counts a failure; returns the lock it set, if it reached a limit. */
  recordFailure(username: string, address: string): Promise<LockScope | undefined>
  /** A successful login clears the username's failures (not the address's). */
  recordSuccess(username: string): Promise<void>
}

function keys(scope: LockScope, value: string): { failures: string; lock: string } {
  // Hashed: whatever someone types as a username becomes a key of fixed, safe shape.
  const id = createHash('sha256').update(value).digest('hex').slice(0, 32)
  return { failures: `desk:login-failures:${scope}:${id}`, lock: `desk:login-lock:${scope}:${id}` }
}

export function createLoginThrottle(cache: Cache): LoginThrottle {
  const limits: Record<LockScope, number> = { username: MAX_FAILURES_PER_USERNAME, address: MAX_FAILURES_PER_ADDRESS }
  return {
    async lockedBy(username, address) {
      const [byUsername, byAddress] = await cache.getMany([keys('username', username).lock, keys('address', address).lock])
      if (byUsername !== undefined) return 'username'
      if (byAddress !== undefined) return 'address'
      return undefined
    },
    async recordFailure(username, address) {
      let locked: LockScope | undefined
      for (const [scope, value] of [
        ['username', username],
        ['address', address],
      ] as const) {
        const k = keys(scope, value)
        const failures = await cache.increment(k.failures, LOGIN_FAILURE_WINDOW_MS)
        if (failures >= limits[scope]) {
          await cache.set(k.lock, String(failures), LOGIN_LOCKOUT_MS)
          // The lock now counts; the next window starts when it ends.
          await cache.delete(k.failures)
          locked ??= scope
        }
      }
      return locked
    },
    async recordSuccess(username) {
      await cache.delete(keys('username', username).failures)
    },
  }
}
