// SiteWriter records the digests of the files it wrote while the cycle goes (a France rebuild
// writes 420,000 files: held to the end, their digests cost the publisher tens of megabytes),
// never before a file is on storage; a record that fails fails the cycle, and the files it
// covered are rewritten by the next one, never skipped. Digests of keys known only once the
// writer is open (the downloads, rendered after the pages) can be looked up then.
import t from 'tap'
import type { Cache } from '../../infra/cache/cache.js'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'
import { createVariantWriter } from '../../infra/storage/compressed-variants.js'
import { PAGE_CACHE_CONTROL } from '../../publish/page-writer.js'
import { PageDigests } from '../../publish/page-digests.js'
import { SiteWriter } from '../../publish/site-writer.js'
import { memoryStorage } from '../helpers/recording-outputs.js'

const META = { contentType: 'text/csv; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL }
const keyOf = (i: number) => `commune/${String(i).padStart(5, '0')}/results.csv`
const bodyOf = (i: number) => Buffer.from(`station,votes\r\n${i},${i * 7}\r\n`)

/** A cache whose setMany can be made to fail, and which counts the digests recorded. */
function watchedCache(): { cache: Cache; recorded: () => number; failSetMany: (fail: boolean) => void } {
  const inner = createMemoryCache()
  let recorded = 0
  let fail = false
  const cache: Cache = {
    ...inner,
    async setMany(entries, ttlMs) {
      if (fail) throw new Error('cache unreachable')
      await inner.setMany(entries, ttlMs)
      recorded += entries.length
    },
  }
  return { cache, recorded: () => recorded, failSetMany: (f) => (fail = f) }
}

t.test('digests are recorded as files are written, not only when the cycle ends', async (t) => {
  const storage = memoryStorage()
  const watched = watchedCache()
  const digests = new PageDigests(watched.cache, storage.describe())
  const told: string[][] = []
  const writer = await SiteWriter.open({ digests, files: createVariantWriter(storage), onWritten: (keys) => told.push([...keys]) }, [], true)
  const total = 12_000
  for (let i = 0; i < total; i++) await writer.put(keyOf(i), bodyOf(i), META)
  await writer.drain()
  // The records run behind the writes on a promise chain: let it settle.
  for (let i = 0; i < 100 && watched.recorded() < 10_000; i++) await new Promise((r) => setTimeout(r, 10))
  t.equal(watched.recorded(), 10_000, 'two records of 5,000 before finish(); the last 2,000 wait for it')
  t.same(told.map((keys) => keys.length), [5_000, 5_000], 'their keys went to the purge with them, not held to the end')
  t.equal(storage.objects.size, total, 'every file was on storage before any digest of it was recorded')

  const report = await writer.finish()
  t.equal(watched.recorded(), total, 'finish() records the rest')
  t.equal(report.filesWritten, total)
  t.same(told.flat().sort(), Array.from({ length: total }, (_, i) => keyOf(i)).sort(), 'every written key goes to the purge, once')

  const again = await SiteWriter.open({ digests, files: createVariantWriter(storage) }, Array.from({ length: total }, (_, i) => keyOf(i)))
  for (let i = 0; i < total; i++) await again.put(keyOf(i), bodyOf(i), META)
  const second = await again.finish()
  t.equal(second.filesUnchanged, total, 'the next cycle finds every digest and skips every file')
  t.equal(second.filesWritten, 0)
})

t.test('a digest record that fails fails the cycle; the next cycle rewrites those files', async (t) => {
  const storage = memoryStorage()
  const watched = watchedCache()
  const digests = new PageDigests(watched.cache, storage.describe())
  watched.failSetMany(true)
  const told: string[] = []
  const writer = await SiteWriter.open({ digests, files: createVariantWriter(storage), onWritten: (keys) => told.push(...keys) }, [], true)
  for (let i = 0; i < 6_000; i++) await writer.put(keyOf(i), bodyOf(i), META)
  await t.rejects(writer.finish(), /cache unreachable/, 'finish() reports the failed record')
  t.equal(storage.objects.size, 6_000, 'the files themselves were written')
  t.equal(new Set(told).size, 6_000, 'and their keys went to the purge all the same')

  watched.failSetMany(false)
  storage.take()
  const keys = Array.from({ length: 6_000 }, (_, i) => keyOf(i))
  const retry = await SiteWriter.open({ digests, files: createVariantWriter(storage) }, keys)
  for (let i = 0; i < 6_000; i++) await retry.put(keyOf(i), bodyOf(i), META)
  const report = await retry.finish()
  t.equal(report.filesWritten, 6_000, 'no digest was recorded, so none is skipped')
  t.equal(storage.take().length, 6_000)
  t.equal(watched.recorded(), 6_000)
})

t.test('lookUp() adds digests once the writer is open; it looks up nothing when digests are not trusted', async (t) => {
  const storage = memoryStorage()
  const digests = new PageDigests(createMemoryCache(), storage.describe())
  const files = createVariantWriter(storage)
  const key = 'data/results.csv'
  const body = Buffer.from('station,votes\r\n1,7\r\n')
  const first = await SiteWriter.open({ digests, files }, [])
  await first.put(key, body, META)
  await first.finish()

  const trusted = await SiteWriter.open({ digests, files }, [])
  await trusted.lookUp([key])
  await trusted.put(key, body, META)
  t.same(await trusted.finish(), { filesWritten: 0, variantsWritten: 0, filesUnchanged: 1 }, 'same bytes, digest found: skipped')

  const rebuild = await SiteWriter.open({ digests, files }, [], false)
  await rebuild.lookUp([key])
  await rebuild.put(key, body, META)
  t.equal((await rebuild.finish()).filesWritten, 1, 'a rebuild rewrites it anyway')
})
