// DESIGN: "the publisher is a single active writer (Redis lock) with standbys". Each cycle starts
// by taking or renewing the lock; a publisher that does not hold it renders nothing (it keeps
// reading [results], so it can take over at once with an up-to-date tally). The lock outlives a
// few intervals, so a publisher killed without releasing it is replaced within its TTL, and it is
// renewed every cycle even when nothing changed, so a standby never steals it in a quiet moment.
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import type { Cache } from '../infra/cache/cache.js'
import type { Logger } from '../infra/logging.js'
import type { PublisherMetrics } from './publisher-metrics.js'

export const ACTIVE_LOCK_KEY = 'publish:active'
const MIN_LOCK_TTL_MS = 10_000
const LOCK_TTL_INTERVALS = 5

export function defaultLockTtlMs(intervalMs: number): number {
  return Math.max(MIN_LOCK_TTL_MS, LOCK_TTL_INTERVALS * intervalMs)
}

export type ActiveLock = ReturnType<typeof createActiveLock>

export function createActiveLock(cache: Cache, ttlMs: number, logger: Logger, metrics: PublisherMetrics) {
  // Says who holds it, in the logs of the standby.
  const owner = `${hostname()}:${process.pid}:${randomBytes(6).toString('hex')}`
  let active = false
  let known = false

  async function note(now: boolean): Promise<void> {
    metrics.active.set(now ? 1 : 0)
    if (known && now === active) return
    active = now
    known = true
    if (now) {
      logger.info({ owner, lock: ACTIVE_LOCK_KEY, ttlMs }, 'publisher active: it holds the lock and writes the site')
      return
    }
    const holder = await cache.get(ACTIVE_LOCK_KEY).catch(() => undefined)
    logger.warn({ owner, holder, lock: ACTIVE_LOCK_KEY }, 'publisher on standby: another publisher holds the lock; this one renders nothing')
  }

  async function hold(): Promise<boolean> {
    let held: boolean
    try {
      held = await cache.holdLock(ACTIVE_LOCK_KEY, owner, ttlMs)
    } catch (err) {
      // Without an answer it may have expired and gone to a standby: writing would risk two writers.
      logger.error({ err, lock: ACTIVE_LOCK_KEY }, 'could not renew the publisher lock; standing by')
      held = false
    }
    await note(held)
    return held
  }

  return {
    owner,
    get active(): boolean {
      return active
    },

    /** Takes or renews the lock; true when this publisher may write. */
    hold,

    /**
     * Runs a cycle's work, renewing the lock every third of its TTL (a France render outlasts
     * it); the signal aborts as soon as the lock is lost, so no further file is started.
     */
    async keepDuring<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
      const controller = new AbortController()
      const renewal = setInterval(() => {
        void hold().then((held) => {
          if (!held) controller.abort(new Error(`publisher ${owner} lost the lock ${ACTIVE_LOCK_KEY} during a cycle; another publisher writes now`))
        })
      }, ttlMs / 3)
      try {
        return await work(controller.signal)
      } finally {
        clearInterval(renewal)
      }
    },

    /** Lets a standby take over at its next tick instead of after the TTL. */
    async release(): Promise<void> {
      const wasActive = active
      active = false
      metrics.active.set(0)
      try {
        // Owner-checked: never releases a lock another publisher took meanwhile.
        await cache.releaseLock(ACTIVE_LOCK_KEY, owner)
        if (wasActive) logger.info({ owner, lock: ACTIVE_LOCK_KEY }, 'publisher stopped; lock released')
      } catch (err) {
        logger.warn({ err, lock: ACTIVE_LOCK_KEY, ttlMs }, 'could not release the publisher lock; a standby takes over when it expires')
      }
    },
  }
}
