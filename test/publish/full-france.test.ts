// A whole France (69,242 stations, 35,700 communes, 107 départements) through the publisher:
// every page (areas and stations) is rendered once, national = Σ of the stations, and a later
// correction re-renders only its station and four areas. Time is printed as a comment, not asserted: speed is measured by
// bench/replay-france.ts, where it is compared with a baseline of the same run.
import t from 'tap'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { TOPICS } from '../../core/messages.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { isCompressible, MIN_VARIANT_BYTES } from '../../infra/storage/compressed-variants.js'
import type { Storage } from '../../infra/storage/storage.js'
import { buildPublisher } from '../../publish/publisher.js'
import { FRANCE_COMMUNES, FRANCE_STATIONS, syntheticFrance, syntheticFranceResults } from '../fixtures/synthetic-france.js'
import { openTestBus, produceDefinition, produceResults, SITE_WIDE_FILES } from '../helpers/publisher-harness.js'

/** Remembers the size of every file and keeps the bytes of the JSON ones only (France is 350 MB, 560 MB with variants). */
function memoryStorage(): Storage & { files: Map<string, Buffer>; sizes: Map<string, number> } {
  const files = new Map<string, Buffer>()
  const sizes = new Map<string, number>()
  return {
    files,
    sizes,
    async put(key, body) {
      sizes.set(key, body.length)
      if (key.endsWith('.json')) files.set(key, body)
    },
    async get(key) {
      return files.get(key)
    },
    async delete(key) {
      files.delete(key)
    },
    describe: () => 'memory',
  }
}

// Every area, station and English page of France with their variants: several minutes on a busy
// 2-core CI machine, close to the suite's 10.
t.setTimeout(30 * 60_000)

t.test('France: every page rendered within the budget, national = Σ of the stations', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const def = syntheticFrance()
  const results = syntheticFranceResults(def)
  await produceDefinition(bus, def)
  for (let i = 0; i < results.length; i += 5_000) await produceResults(bus, results.slice(i, i + 5_000))

  const storage = memoryStorage()
  const publisher = buildPublisher({ bus, storage, logger: silentLogger(), metrics: createMetricsRegistry(false), intervalMs: 3_600_000 })
  await publisher.start()
  t.teardown(() => publisher.stop())
  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  const report = await publisher.publishNow()
  const cpu = process.cpuUsage(cpuBefore)
  const cpuMs = Math.round((cpu.user + cpu.system) / 1000)
  const elapsed = Math.round(performance.now() - started)
  let bytes = 0
  for (const n of storage.sizes.values()) bytes += n
  t.comment(`read ${FRANCE_STATIONS} results, rendered ${report.filesWritten} files (${Math.round(bytes / 1e6)} MB): ${cpuMs} ms CPU, ${elapsed} ms wall (cycle ${report.durationMs} ms)`)

  const regions = new Set(def.areas.filter((a) => a.level === 'region').map((a) => a.code)).size
  const areas = 1 + regions + 107 + FRANCE_COMMUNES
  // Per area and per station: index.json, index.html, index.en.html, results.csv; then the style
  // sheet, the refresh script, status.json and the site-wide files, whose sitemaps list every page
  // in both languages (and the corrections page), 50,000 URLs a file.
  const SITEMAP_FILES = Math.ceil(((areas + FRANCE_STATIONS) * 2 + 1) / 50_000)
  const files = (areas + FRANCE_STATIONS) * 4 + 2 + 1 + SITE_WIDE_FILES - 1 + SITEMAP_FILES
  t.equal(report.areasRendered, areas)
  t.equal(report.filesWritten, files)
  const plain = [...storage.sizes].filter(([key]) => !key.endsWith('.gz') && !key.endsWith('.br'))
  const large = plain.filter(([key, size]) => size >= MIN_VARIANT_BYTES && isCompressible(key)).length
  t.equal(plain.length, files)
  t.ok(large > 0 && large < files, `${large} files large enough for variants, ${files - large} smaller`)
  t.equal(report.variantsWritten, large * 2, 'each large enough with its .gz and .br')
  t.equal(storage.sizes.size, files + large * 2)
  const nist = JSON.parse(storage.files.get('data/results-nist.json')?.toString() ?? '{}') as { Status: string; GpUnit: unknown[] }
  t.equal(nist.Status, 'unofficial-complete')
  t.equal(nist.GpUnit.length, areas + FRANCE_STATIONS, 'every area and station a GpUnit')

  const national = JSON.parse(storage.files.get('index.json')?.toString() ?? '{}') as { valid: number; stations: unknown; snapshot: number }
  t.equal(national.valid, results.reduce((sum, r) => sum + r.counts.valid, 0))
  t.same(national.stations, { reported: FRANCE_STATIONS, total: FRANCE_STATIONS })
  t.equal(national.snapshot, FRANCE_STATIONS)

  // A correction afterwards touches its station, commune, département, région and the country, not France.
  const first = results[0]
  if (!first) throw new Error('no results')
  await bus.produce(TOPICS.results, [{ key: 'correction', value: JSON.stringify({ ...first, version: 2 }) }])
  const second = await publisher.publishNow()
  t.equal(second.areasRendered, 4)
  // Same figures as version 2: the five pages show the new snapshot (json and both html), their
  // results.csv (figures only) and the two assets do not change. Site-wide: the per-station CSV (its
  // version column) and its content-addressed copies, the corrections log and page, the feed and
  // the manifest change; the NIST report (no versions in it) and the sitemaps (same validation
  // times) do not.
  t.same([second.filesWritten, second.filesUnchanged], [5 * 3 + 1 + 7, 5 + 2 + 2 + SITEMAP_FILES])
})
