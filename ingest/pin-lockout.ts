// Counts wrong PINs in the cache (Redis in production, so every ingest replica sees the same
// counts): too many for one station code, or from one caller (phone number or client address),
// within a window locks that code or caller for a while. Counters are fixed windows that start at
// the first failure; a lock stores its end instant so an answer can say when to retry.
import type { Cache } from '../infra/cache/cache.js'

export interface LockoutPolicy {
  /** Wrong PINs for one station code within `windowMs` that lock the code. */
  maxCodeFailures: number
  /** Wrong attempts from one caller within `windowMs` that lock the caller. */
  maxCallerFailures: number
  windowMs: number
  lockMs: number
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  maxCodeFailures: 5,
  maxCallerFailures: 20,
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
}

/** A lock that started just now, and the wrong attempts counted when it did. */
export interface NewLock {
  until: Date
  attempts: number
}

/** What a failure locked just now (each lock is reported once, when it starts). */
export interface NewLocks {
  code?: NewLock
  caller?: NewLock
}

export interface PinLockout {
  /** The later end of the code's and the caller's locks, or undefined when neither is locked. */
  lockedUntil(code: string, caller: string): Promise<Date | undefined>
  recordFailure(code: string, caller: string): Promise<NewLocks>
  /** A right PIN clears the code's failures; the caller's stay (a caller guessing many codes). */
  recordSuccess(code: string): Promise<void>
}

const keys = {
  codeFailures: (code: string) => `pin:fail:code:${code}`,
  callerFailures: (caller: string) => `pin:fail:caller:${caller}`,
  codeLock: (code: string) => `pin:lock:code:${code}`,
  callerLock: (caller: string) => `pin:lock:caller:${caller}`,
}

export function createPinLockout(cache: Cache, policy: LockoutPolicy, clock: () => Date): PinLockout {
  /** Locks `lockKey` unless it already is; the failure counter starts afresh after the lock. */
  const lock = async (lockKey: string, counterKey: string): Promise<Date | undefined> => {
    const until = new Date(clock().getTime() + policy.lockMs)
    const locked = await cache.setIfAbsent(lockKey, String(until.getTime()), policy.lockMs)
    await cache.delete(counterKey)
    return locked ? until : undefined
  }

  return {
    async lockedUntil(code, caller) {
      const ends = (await cache.getMany([keys.codeLock(code), keys.callerLock(caller)]))
        .filter((v): v is string => v !== undefined)
        .map(Number)
      return ends.length === 0 ? undefined : new Date(Math.max(...ends))
    },
    async recordFailure(code, caller) {
      const [codeFailures, callerFailures] = await Promise.all([
        cache.increment(keys.codeFailures(code), policy.windowMs),
        cache.increment(keys.callerFailures(caller), policy.windowMs),
      ])
      const locks: NewLocks = {}
      if (codeFailures >= policy.maxCodeFailures) {
        const until = await lock(keys.codeLock(code), keys.codeFailures(code))
        if (until) locks.code = { until, attempts: codeFailures }
      }
      if (callerFailures >= policy.maxCallerFailures) {
        const until = await lock(keys.callerLock(caller), keys.callerFailures(caller))
        if (until) locks.caller = { until, attempts: callerFailures }
      }
      return locks
    },
    async recordSuccess(code) {
      await cache.delete(keys.codeFailures(code))
    },
  }
}
