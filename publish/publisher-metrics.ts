// The publisher's instruments, registered on the registry its process exposes on /metrics.
import { Counter, Gauge, Histogram, type Registry } from '../infra/metrics.js'

export type PublisherMetrics = ReturnType<typeof createPublisherMetrics>

export function createPublisherMetrics(registry: Registry) {
  return {
    cycleDuration: new Histogram({
      name: 'publish_cycle_duration_seconds',
      help: 'Time to render and write the pages of one publication cycle.',
      // From a handful of changed communes (milliseconds) to a full France render (tens of seconds).
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60],
      registers: [registry],
    }),
    cycleFailures: new Counter({
      name: 'publish_cycle_failures_total',
      help: 'Publication cycles that failed (their areas are retried by the next cycle).',
      registers: [registry],
    }),
    filesWritten: new Counter({
      name: 'publish_files_written_total',
      help: 'Files written to the output storage (not counting their compressed variants).',
      registers: [registry],
    }),
    variantsWritten: new Counter({
      name: 'publish_variants_written_total',
      help: 'Compressed variants (.gz, .br) written next to the files.',
      registers: [registry],
    }),
    filesUnchanged: new Counter({
      name: 'publish_files_unchanged_total',
      help: 'Files rendered with the same bytes as the ones last written, so neither written nor purged.',
      registers: [registry],
    }),
    pathsPurged: new Counter({
      name: 'publish_purged_paths_total',
      help: 'Site paths purged from the caches in front.',
      registers: [registry],
    }),
    purgeFailures: new Counter({
      name: 'publish_purge_failures_total',
      help: 'Purges that failed (their paths are retried with the next cycle).',
      registers: [registry],
    }),
    purgePending: new Gauge({
      name: 'publish_purge_pending_paths',
      help: 'Site paths changed but not yet purged.',
      registers: [registry],
    }),
    active: new Gauge({
      name: 'publish_active',
      help: '1 while this publisher holds the lock and writes the site, 0 on standby.',
      registers: [registry],
    }),
    areasRendered: new Counter({
      name: 'publish_areas_rendered_total',
      help: 'Area pages (html, json and csv) rendered.',
      registers: [registry],
    }),
    snapshot: new Gauge({
      name: 'publish_snapshot',
      help: 'Snapshot number of the national page last written.',
      registers: [registry],
    }),
    stationsReported: new Gauge({
      name: 'publish_stations_reported',
      help: 'Stations counted in the national page last written.',
      registers: [registry],
    }),
    heapCollections: new Histogram({
      name: 'publish_heap_collection_seconds',
      help: 'Full garbage collections the publisher asked for during a render, when its heap had grown by its slack (64 MB) since the last (infra/heap-budget.ts).',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2],
      registers: [registry],
    }),
    messages: new Counter({
      name: 'publish_messages_total',
      help: 'Messages read from [results], by outcome.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  }
}
