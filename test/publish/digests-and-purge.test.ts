// Only files whose bytes changed are written and purged: the digests of the files last written
// live in the cache (so they outlive a publisher), and the purge after each cycle names exactly
// the site paths of those files; a failed purge is retried, never lost.
import t, { type Test } from 'tap'
import { join } from 'node:path'
import type { Station } from '../../core/schemas.js'
import type { Bus } from '../../infra/bus/bus.js'
import type { Cache } from '../../infra/cache/cache.js'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry, type Registry } from '../../infra/metrics.js'
import { buildPublisher } from '../../publish/publisher.js'
import { sitePathsOf } from '../../publish/purge-queue.js'
import { smallElection, smallStationResult } from '../fixtures/small-election.js'
import { isSiteWide, openTestBus, produceDefinition, produceResults, SITE_WIDE_FILES, SITE_WIDE_FOLDERS } from '../helpers/publisher-harness.js'
import { failingOnce, memoryStorage, recordingPurger, type MemoryStorage, type RecordingPurger } from '../helpers/recording-outputs.js'

const def = smallElection()
const stationById = (id: string): Station => {
  const s = def.stations.find((x) => x.id === id)
  if (!s) throw new Error(`no station ${id}`)
  return s
}
const allResults = () => def.stations.map((s, i) => smallStationResult(s, { seed: 3 + i * 5 }))
const PAGE_FILES = ['index.html', 'index.en.html', 'index.json', 'results.csv']
/** 11 area and 9 station pages, each in PAGE_FILES, the two assets, status.json and the site-wide files. */
const ALL_FILES = 20 * 4 + 2 + 1 + SITE_WIDE_FILES
/** Their site paths: each file, the folder of each page (of its index.html) and the site-wide folders. */
const ALL_PATHS = ALL_FILES + 20 + SITE_WIDE_FOLDERS
const isVariant = (key: string) => key.endsWith('.gz') || key.endsWith('.br')
/** The area pages' share of what a cycle wrote or purged (the downloads have their own test). */
const areaPagesOnly = (keys: readonly string[]) => keys.filter((k) => !isSiteWide(k))

interface Setup {
  bus: Bus
  cache?: Cache
  storage?: MemoryStorage
  purger?: RecordingPurger
  registry?: Registry
}

/** A started publisher over the given cache, storage and purger (fresh ones by default). */
async function publisherOn(t: Test, setup: Setup) {
  const storage = setup.storage ?? memoryStorage()
  const purger = setup.purger ?? recordingPurger()
  const registry = setup.registry ?? createMetricsRegistry(false)
  const publisher = buildPublisher({ bus: setup.bus, storage, cache: setup.cache, purger, logger: silentLogger(), metrics: registry, intervalMs: 3_600_000 })
  await publisher.start()
  t.teardown(() => publisher.stop())
  return { publisher, storage, purger, registry }
}

async function busWithResults(t: Test) {
  const bus = await openTestBus(t, join(t.testdir(), 'bus'))
  await produceDefinition(bus, def)
  await produceResults(bus, allResults())
  return bus
}

t.test('site paths: an index.html is also its folder, a variant has no path of its own', async (t) => {
  t.same(sitePathsOf('departement/75/index.html'), ['/departement/75/index.html', '/departement/75/'])
  t.same(sitePathsOf('index.html'), ['/index.html', '/'])
  t.same(sitePathsOf('departement/75/index.json'), ['/departement/75/index.json'])
  t.same(sitePathsOf('status.json'), ['/status.json'])
})

t.test('a changed area writes and purges exactly its files; an unchanged file is neither', async (t) => {
  const bus = await busWithResults(t)
  const { publisher, storage, purger } = await publisherOn(t, { bus })
  const first = await publisher.publishNow()
  t.same([first.filesWritten, first.filesUnchanged], [ALL_FILES, 0])
  const everything = purger.take()
  t.equal(everything.length, 1, 'one purge for the cycle')
  t.equal(everything[0]?.length, ALL_PATHS, 'every file, and each page folder')
  storage.take()

  // New figures in Créteil: its station, commune, département, région and the country change; the assets do not.
  await produceResults(bus, [smallStationResult(stationById('94028-0002'), { version: 2, seed: 40 })])
  const changed = await publisher.publishNow()
  const pages = ['commune/94028/bureau/0002/', 'commune/94028/', 'departement/94/', 'region/11/', '']
  const files = [...pages.flatMap((dir) => PAGE_FILES.map((f) => `${dir}${f}`)), 'status.json']
  const changedKeys = storage.take().filter((k) => !isVariant(k))
  t.same(areaPagesOnly(changedKeys).sort(), [...files].sort(), 'the station, the four areas and status.json')
  const [purged, ...morePurges] = purger.take()
  t.same(morePurges, [], 'one purge')
  t.same(areaPagesOnly(purged ?? []), [...files.flatMap(sitePathsOf)].sort(), 'exactly their paths, folders included')
  t.same(purged, [...changedKeys.flatMap(sitePathsOf)].sort(), 'and the paths of the downloads that changed, nothing else')
  t.equal(changed.filesWritten, changedKeys.length)

  // The same figures again as version 3: pages show the new snapshot, the CSVs (figures only) do not change.
  await produceResults(bus, [smallStationResult(stationById('94028-0002'), { version: 3, seed: 40 })])
  const sameFigures = await publisher.publishNow()
  t.equal(sameFigures.areasRendered, 4)
  const written = areaPagesOnly(storage.take())
  t.notOk(
    written.some((k) => k.includes('results.csv')),
    'no results.csv and no variant of one rewritten',
  )
  const writtenFiles = written.filter((k) => !isVariant(k))
  t.equal(writtenFiles.length, 16, 'the sixteen changed files')
  t.ok(
    written.filter(isVariant).every((v) => writtenFiles.includes(v.replace(/\.(gz|br)$/, ''))),
    'and variants of those only',
  )
  t.notOk(
    areaPagesOnly(purger.take().flat()).some((p) => p.endsWith('results.csv')),
    'no unchanged CSV purged',
  )

  // Nothing new: nothing rendered, written or purged.
  const idle = await publisher.publishNow()
  t.same([idle.areasRendered, idle.filesWritten, idle.pathsPurged], [0, 0, 0])
  t.same(storage.take(), [])
  t.same(purger.take(), [])
})

t.test('digests in the cache outlive the publisher: a restart over the same results writes nothing', async (t) => {
  const bus = await busWithResults(t)
  const cache = createMemoryCache()
  t.teardown(() => cache.close())
  const storage = memoryStorage('out-a')
  const first = await publisherOn(t, { bus, cache, storage })
  t.equal((await first.publisher.publishNow()).filesWritten, ALL_FILES)
  await first.publisher.stop()
  storage.take()

  const purger = recordingPurger()
  const registry = createMetricsRegistry(false)
  const restarted = await publisherOn(t, { bus, cache, storage, purger, registry })
  const report = await restarted.publisher.publishNow()
  t.same([report.areasRendered, report.filesWritten, report.filesUnchanged, report.pathsPurged], [11, 0, ALL_FILES, 0], 'every area rendered, none written')
  t.same(storage.take(), [], 'no put at all')
  t.same(purger.take(), [], 'no purge')
  t.match(await registry.metrics(), new RegExp(`publish_files_unchanged_total ${ALL_FILES}\\b`))

  // Another output on the same cache has its own digests: it gets every file.
  const other = await publisherOn(t, { bus, cache, storage: memoryStorage('out-b') })
  await restarted.publisher.stop()
  t.equal((await other.publisher.publishNow()).filesWritten, ALL_FILES)
})

t.test('an output emptied behind the cache is rewritten in full', async (t) => {
  const bus = await busWithResults(t)
  const cache = createMemoryCache()
  t.teardown(() => cache.close())
  const first = await publisherOn(t, { bus, cache, storage: memoryStorage('out') })
  await first.publisher.publishNow()
  await first.publisher.stop()

  // Same name, nothing in it (an operator cleared the folder or the bucket).
  const emptied = memoryStorage('out')
  const restarted = await publisherOn(t, { bus, cache, storage: emptied })
  const report = await restarted.publisher.publishNow()
  t.same([report.filesWritten, report.filesUnchanged], [ALL_FILES, 0])
  t.equal([...emptied.objects.keys()].filter((k) => !isVariant(k)).length, ALL_FILES)
  t.equal(emptied.objects.size, ALL_FILES + report.variantsWritten, 'every file, with its variants when large enough')
})

t.test('a rebuild records its digests, unless told nothing will read them', async (t) => {
  const bus = await busWithResults(t)
  for (const recordDigests of [true, false]) {
    const cache = createMemoryCache()
    t.teardown(() => cache.close())
    const storage = memoryStorage(`out-${recordDigests}`)
    const rebuilt = await publisherOn(t, { bus, cache, storage })
    t.equal((await rebuilt.publisher.rebuild(undefined, { recordDigests })).filesWritten, ALL_FILES, 'every file written either way')
    await rebuilt.publisher.stop()
    // The publisher that runs next on the same cache and output skips what the digests say is there.
    const next = await publisherOn(t, { bus, cache, storage })
    const report = await next.publisher.publishNow()
    t.same([report.filesWritten, report.filesUnchanged], recordDigests ? [0, ALL_FILES] : [ALL_FILES, 0], `recordDigests ${recordDigests}`)
  }
})

t.test('a failed purge is logged, counted and its paths go with the next cycle', async (t) => {
  const bus = await busWithResults(t)
  const purger = recordingPurger()
  const registry = createMetricsRegistry(false)
  const { publisher } = await publisherOn(t, { bus, purger, registry })
  purger.failNext(1)
  const failed = await publisher.publishNow()
  t.same([failed.filesWritten, failed.pathsPurged], [ALL_FILES, 0], 'the cycle itself succeeds')
  const [attempt] = purger.take()
  t.equal(attempt?.length, ALL_PATHS)
  let metrics = await registry.metrics()
  t.match(metrics, /publish_purge_failures_total 1/)
  t.match(metrics, new RegExp(`publish_purge_pending_paths ${ALL_PATHS}\\b`))

  // The next cycle purges them with its own, even when it writes nothing.
  const retried = await publisher.publishNow()
  t.same([retried.filesWritten, retried.pathsPurged], [0, ALL_PATHS])
  t.same(purger.take(), [attempt])

  purger.failNext(1)
  await produceResults(bus, [smallStationResult(stationById('69266-0001'), { version: 2, seed: 50 })])
  await publisher.publishNow()
  await produceResults(bus, [smallStationResult(stationById('75056-0101'), { version: 2, seed: 51 })])
  const both = await publisher.publishNow()
  const [lyonAttempt, bothPurge] = purger.take()
  t.ok(lyonAttempt?.includes('/commune/69266/'), 'the failed purge named Villeurbanne')
  t.ok(lyonAttempt?.every((p) => bothPurge?.includes(p)), 'the next purge names every path of the failed one')
  t.ok(bothPurge?.includes('/commune/75056/'), 'and its own')
  t.equal(both.pathsPurged, bothPurge?.length)
  metrics = await registry.metrics()
  t.match(metrics, /publish_purge_failures_total 2/)
  t.match(metrics, /publish_purge_pending_paths 0/)
})

t.test('a failed write records no digest for the file, and what was written is still purged', async (t) => {
  const bus = await busWithResults(t)
  const inner = memoryStorage()
  const storage = failingOnce(inner, 'departement/94/index.html')
  const purger = recordingPurger()
  const publisher = buildPublisher({ bus, storage, purger, logger: silentLogger(), metrics: createMetricsRegistry(false), intervalMs: 3_600_000 })
  await publisher.start()
  t.teardown(() => publisher.stop())
  await t.rejects(publisher.publishNow(), /disk full/)
  t.same(purger.take(), [], 'no purge after a failed cycle')
  const before = inner.take()
  t.ok(before.includes('departement/94/index.html.gz'), 'its variants were written before the file failed')
  t.notOk(before.includes('departement/94/index.html'))

  const retry = await publisher.publishNow()
  const rewritten = inner.take().filter((k) => !isVariant(k))
  t.ok(rewritten.includes('departement/94/index.html'), 'the failed file is written again: its digest was never recorded')
  t.notOk(rewritten.includes('commune/94028/index.html'), 'a file written by the failed cycle is not written again')
  // Station pages the failed cycle wrote are not rendered again; the 11 areas, assets, status.json and the site-wide files are.
  t.equal(retry.filesWritten + retry.filesUnchanged, 11 * 4 + 2 + 1 + SITE_WIDE_FILES)
  const [purge] = purger.take()
  t.ok(purge?.includes('/commune/94028/') && purge.includes('/departement/94/') && purge.includes('/'), 'files of both cycles purged')
  t.equal(purge?.length, ALL_PATHS, 'every file of the site, once')
})

t.test('digests that could not be recorded fail the cycle; its files are purged and written again', async (t) => {
  const bus = await busWithResults(t)
  const inner = createMemoryCache()
  let failDigests = true
  const cache: Cache = {
    ...inner,
    async setMany(entries, ttlMs) {
      if (failDigests && entries.some((e) => e.key.startsWith('publish:digest:'))) {
        failDigests = false
        throw new Error('cache unreachable')
      }
      await inner.setMany(entries, ttlMs)
    },
  }
  const { publisher, storage, purger } = await publisherOn(t, { bus, cache })
  await t.rejects(publisher.publishNow(), /cache unreachable/)
  t.equal(storage.take().filter((k) => !isVariant(k)).length, ALL_FILES, 'every file was written before the record failed')

  // Station pages the failed cycle wrote are not rendered again; the 11 areas, assets, status.json and the site-wide files are.
  const retry = await publisher.publishNow()
  t.equal(retry.filesWritten, 11 * 4 + 2 + 1 + SITE_WIDE_FILES, 'no digest was recorded: every file rendered again is written again')
  const [purge] = purger.take()
  t.equal(purge?.length, ALL_PATHS, 'every path purged once, the station pages of the failed cycle too')
  const again = await publisher.publishNow()
  t.equal(again.filesWritten, 0, 'recorded this time: the next cycle writes nothing')
})
