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
  if (key === INDEX_FILE || key.endsWith(`/${INDEX_FILE}`)) return [path, path.slice(0, -INDEX_FILE.length)]
  return [path]
}

export type PurgeQueue = ReturnType<typeof createPurgeQueue>

export function createPurgeQueue(purger: Purger, logger: Logger, metrics: PublisherMetrics) {
  const pending = new Set<string>()
  return {
    /** Queues the paths of files just written (also those of a cycle that failed halfway). */
    add(keys: readonly string[]): void {
      for (const key of keys) for (const path of sitePathsOf(key)) pending.add(path)
      metrics.purgePending.set(pending.size)
    },

    /** Purges every pending path; returns how many were purged (0 when the purge failed). */
    async flush(): Promise<number> {
      if (pending.size === 0) return 0
      const paths = [...pending].sort()
      try {
        await purger.purge(paths)
      } catch (err) {
        metrics.purgeFailures.inc()
        logger.warn({ err, paths: paths.length, purger: purger.describe() }, 'cache purge failed; its paths are retried with the next cycle')
        return 0
      }
      for (const path of paths) pending.delete(path)
      metrics.purgePending.set(pending.size)
      metrics.pathsPurged.inc(paths.length)
      return paths.length
    },
  }
}
