// After a cycle, the caches in front (Varnish) must drop the URLs whose files changed. A purge
// that fails (Varnish restarting, a network blip) must not fail the cycle nor lose the URLs: they
// stay pending and go with the next cycle's purge.
import type { Logger } from '../infra/logging.js'
import type { Purger } from '../infra/purge/purger.js'
import type { PublisherMetrics } from './publisher-metrics.js'

const INDEX_FILE = 'index.html'

/**
 * The site paths that serve a file: `departement/75/index.html` is also `/departement/75/`.
 * Compressed variants have none of their own: readers never ask for `index.html.gz`, they ask for
 * the URL with Accept-Encoding, and Varnish keys every encoding of a URL under that URL (its xkey
 * is the path), so purging the URL drops them all.
 */
export function sitePathsOf(key: string): string[] {
  const path = `/${key}`
  if (isIndexPage(key)) return [path, path.slice(0, -INDEX_FILE.length)]
  return [path]
}

/** How many paths sitePathsOf(key) gives, without building them (420,000 keys for France). */
function sitePathCount(key: string): number {
  return isIndexPage(key) ? 2 : 1
}

function isIndexPage(key: string): boolean {
  return key === INDEX_FILE || key.endsWith(`/${INDEX_FILE}`)
}

/**
 * Keys whose paths go to the purger in one call. A France rebuild purges 420,000 files: their
 * 525,000 paths built at once, then batched into headers, took about 100 MB more at the cycle's end.
 */
export const KEYS_PER_PURGE = 10_000

export type PurgeQueue = ReturnType<typeof createPurgeQueue>

export function createPurgeQueue(purger: Purger, logger: Logger, metrics: PublisherMetrics) {
  /** Keys of files written but not yet purged: their paths are derived when purged, a share at a time. */
  const pending = new Set<string>()
  let pendingPaths = 0
  return {
    /** Queues the paths of files just written (also those of a cycle that failed halfway). */
    add(keys: readonly string[]): void {
      // A France rebuild's 420,000 keys would be held for a purge that does nothing.
      if (purger.nothingInFront) return
      for (const key of keys) {
        if (pending.has(key)) continue
        pending.add(key)
        pendingPaths += sitePathCount(key)
      }
      metrics.purgePending.set(pendingPaths)
    },

    /**
     * Purges every pending path, KEYS_PER_PURGE keys at a time; returns how many paths were
     * purged. A failure keeps the paths not yet purged for the next call.
     */
    async flush(): Promise<number> {
      if (pending.size === 0) return 0
      const keys = [...pending].sort()
      let purged = 0
      for (let i = 0; i < keys.length; i += KEYS_PER_PURGE) {
        const share = keys.slice(i, i + KEYS_PER_PURGE)
        const paths = share.flatMap(sitePathsOf).sort()
        try {
          await purger.purge(paths)
        } catch (err) {
          metrics.purgeFailures.inc()
          logger.warn({ err, paths: pendingPaths, purger: purger.describe() }, 'cache purge failed; its paths are retried with the next cycle')
          break
        }
        for (const key of share) pending.delete(key)
        pendingPaths -= paths.length
        purged += paths.length
        metrics.purgePending.set(pendingPaths)
        metrics.pathsPurged.inc(paths.length)
      }
      return purged
    },
  }
}
