// Every text file the publisher writes from MIN_VARIANT_BYTES up also goes out as KEY.gz and
// KEY.br: same bytes once decompressed, same headers plus Content-Encoding, written before the
// file, and byte-identical from one render to the next. Smaller files go out alone, and a file
// that shrank below the threshold loses its old variants.
import t from 'tap'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { createFsStorage } from '../../infra/storage/fs-storage.js'
import { createCompressor, createVariantWriter, hasVariants, isCompressible, MIN_VARIANT_BYTES, releasableBuffer } from '../../infra/storage/compressed-variants.js'
import { PAGE_CACHE_CONTROL, STATUS_CACHE_CONTROL } from '../../publish/page-writer.js'
import { PageDigests } from '../../publish/page-digests.js'
import { buildPublisher } from '../../publish/publisher.js'
import { SiteWriter } from '../../publish/site-writer.js'
import { smallElection, smallStationResult } from '../fixtures/small-election.js'
import { openTestBus, produceDefinition, produceResults, SITE_WIDE_FILES } from '../helpers/publisher-harness.js'
import { memoryStorage } from '../helpers/recording-outputs.js'

t.test('text formats are compressible, already-compressed ones are not', async (t) => {
  for (const key of ['index.html', 'departement/75/index.json', 'commune/75056/results.csv', 'map.svg', 'sitemap.xml', 'robots.txt']) {
    t.ok(isCompressible(key), key)
  }
  for (const key of ['logo.png', 'photo.jpg', 'font.woff2', 'index.html.gz', 'index.html.br', 'data/results.zip']) {
    t.notOk(isCompressible(key), key)
  }
})

t.test('variants decompress to the original and are the same bytes every time', async (t) => {
  const compressor = createCompressor()
  const body = Buffer.from(`<!doctype html><p>Résultats — ${'Île-de-France 12 345 voix; '.repeat(200)}</p>\n`)
  const first = await compressor.variants(body)
  const second = await compressor.variants(Buffer.from(body))
  t.same(
    first.map((v) => [v.suffix, v.encoding]),
    [
      ['.gz', 'gzip'],
      ['.br', 'br'],
    ],
  )
  const [gz, br] = first
  t.ok(gz && gunzipSync(gz.body).equals(body), 'gzip decompresses to the original')
  t.ok(br && brotliDecompressSync(br.body).equals(body), 'brotli decompresses to the original')
  t.ok(gz && br && gz.body.length < body.length / 4 && br.body.length < body.length / 4, 'both are much smaller')
  first.forEach((v, i) => t.ok(v.body.equals(second[i]?.body ?? Buffer.alloc(0)), `${v.suffix}: same bytes for the same input`))
  // RFC 1952 header: no FNAME/FCOMMENT/FEXTRA flags, MTIME zero.
  t.equal(gz?.body[3], 0, 'gzip header flags: no file name')
  t.equal(gz?.body.readUInt32LE(4), 0, 'gzip header mtime: zero')
})

t.test('the publisher writes .gz and .br before each file, with its headers and Content-Encoding', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const def = smallElection()
  await produceDefinition(bus, def)
  await produceResults(bus, def.stations.slice(0, 5).map((s, i) => smallStationResult(s, { seed: i + 1 })))

  const render = async () => {
    const storage = memoryStorage()
    const publisher = buildPublisher({ bus, storage, logger: silentLogger(), metrics: createMetricsRegistry(false), intervalMs: 3_600_000 })
    await publisher.start()
    t.teardown(() => publisher.stop())
    const report = await publisher.publishNow()
    return { storage, report, order: storage.take() }
  }
  const { storage, report, order } = await render()

  const plain = [...storage.objects.keys()].filter((k) => !k.endsWith('.gz') && !k.endsWith('.br'))
  t.equal(plain.length, (11 + 9) * 4 + 2 + 1 + SITE_WIDE_FILES, 'json, html in two languages and csv of 11 areas and 9 stations, the two assets, status.json and the site-wide files')
  const large = plain.filter((key) => hasVariants(key, storage.objects.get(key)?.body ?? Buffer.alloc(0)))
  const small = plain.filter((key) => !large.includes(key))
  t.ok(large.length > 0 && small.length > 0, `${large.length} files of ${MIN_VARIANT_BYTES} bytes or more, ${small.length} smaller (station CSVs)`)
  t.ok(small.every((key) => isCompressible(key) && (storage.objects.get(key)?.body.length ?? 0) < MIN_VARIANT_BYTES), 'only text files below the threshold go without variants')
  for (const key of small) t.notOk(storage.objects.has(`${key}.gz`) || storage.objects.has(`${key}.br`), `${key}: no variant`)
  t.equal(storage.objects.size, plain.length + large.length * 2, 'the larger files each with their two variants, nothing else')
  t.same([report.filesWritten, report.variantsWritten], [plain.length, large.length * 2])
  t.equal(order.length, storage.objects.size, 'each object put once')

  for (const key of large) {
    const original = storage.objects.get(key)
    const gz = storage.objects.get(`${key}.gz`)
    const br = storage.objects.get(`${key}.br`)
    if (!original || !gz || !br) {
      t.fail(`${key}: missing variant`)
      continue
    }
    t.equal(original.meta.contentEncoding, undefined, `${key}: the file itself has no Content-Encoding`)
    t.same(gz.meta, { ...original.meta, contentEncoding: 'gzip' }, `${key}.gz headers`)
    t.same(br.meta, { ...original.meta, contentEncoding: 'br' }, `${key}.br headers`)
    t.ok(gunzipSync(gz.body).equals(original.body), `${key}.gz decompresses to the file`)
    t.ok(brotliDecompressSync(br.body).equals(original.body), `${key}.br decompresses to the file`)
    const at = order.indexOf(key)
    t.ok(order.indexOf(`${key}.gz`) < at && order.indexOf(`${key}.br`) < at, `${key}: variants written before the file`)
  }
  t.ok(storage.objects.get('status.json')?.meta.cacheControl === STATUS_CACHE_CONTROL && !storage.objects.has('status.json.gz'), 'status.json is too small for variants')
  t.equal(storage.objects.get('index.json.gz')?.meta.cacheControl, PAGE_CACHE_CONTROL)
  t.equal(storage.objects.get('index.html.br')?.meta.cacheControl, PAGE_CACHE_CONTROL)
  t.equal(storage.objects.get('index.html.br')?.meta.contentType, 'text/html; charset=utf-8')

  // Another publisher, its own storage and cache, the same results: the same bytes, variants included.
  const again = await render()
  t.same([...again.storage.objects.keys()].sort(), [...storage.objects.keys()].sort())
  for (const [key, object] of storage.objects) {
    t.ok(object.body.equals(again.storage.objects.get(key)?.body ?? Buffer.alloc(0)), `${key}: byte-identical in a second render`)
  }
})

t.test('a file that shrinks below the threshold loses its variants; one known small deletes nothing', async (t) => {
  const storage = memoryStorage()
  const digests = new PageDigests(createMemoryCache(), storage.describe())
  const files = createVariantWriter(storage)
  const meta = { contentType: 'text/csv; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL }
  const write = async (body: string, trustDigests = true) => {
    const writer = await SiteWriter.open({ digests, files }, ['a/results.csv'], trustDigests)
    await writer.put('a/results.csv', Buffer.from(body), meta)
    return writer.finish()
  }
  const deleted: string[] = []
  const del = storage.delete.bind(storage)
  storage.delete = async (key) => {
    deleted.push(key)
    await del(key)
  }

  const large = `${'commune,votes\r\n'.repeat(200)}`
  t.same((await write(large)).variantsWritten, 2)
  t.ok(storage.objects.has('a/results.csv.gz') && storage.objects.has('a/results.csv.br'), 'a large file has its variants')

  await write('commune,votes\r\n')
  t.notOk(storage.objects.has('a/results.csv.gz') || storage.objects.has('a/results.csv.br'), 'shrunk: the old variants are gone')
  t.same(deleted, ['a/results.csv.gz', 'a/results.csv.br'], 'deleted before the file was replaced')
  t.same(storage.take().at(-1), 'a/results.csv')

  deleted.length = 0
  await write('commune,votes\r\nParis,1\r\n')
  t.same(deleted, [], 'its last version was known to have no variants: nothing to delete')
  await write('commune,votes\r\nParis,2\r\n', false)
  t.same(deleted, ['a/results.csv.gz', 'a/results.csv.br'], 'without trusted digests (a rebuild) the variants are deleted anyway')
})

t.test('a body handed over to a folder writer thread is moved, not copied; a pooled one is copied', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'handover-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const files = createVariantWriter(createFsStorage(dir))
  const meta = { contentType: 'application/json; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL }
  const text = `[${'{"Count":12345,"Type":"total"},'.repeat(100_000)}0]\n`
  const big = Buffer.from(text)
  const small = Buffer.from('{"a":1}\n')
  const outcome = await files.write([
    { key: 'data/big.json', body: big, meta, variants: true, removeStaleVariants: false, handOver: true },
    { key: 'data/small.json', body: small, meta, variants: false, removeStaleVariants: false, handOver: true },
  ])
  t.equal(outcome.error, undefined)
  t.equal(outcome.written.length, 2)
  t.equal(big.length, 0, 'the big body now belongs to the thread that wrote it')
  t.equal(small.toString(), '{"a":1}\n', 'a small body shares its memory with others: copied, left intact')
  t.equal(readFileSync(join(dir, 'data/big.json'), 'utf8'), text, 'written whole')
  t.equal(gunzipSync(readFileSync(join(dir, 'data/big.json.gz'))).toString(), text, 'its .gz too')
  t.equal(brotliDecompressSync(readFileSync(join(dir, 'data/big.json.br'))).toString(), text, 'and its .br')
  t.equal(readFileSync(join(dir, 'data/small.json'), 'utf8'), '{"a":1}\n')
})

t.test('a releasable body handed over is written under each of its keys, then its memory is given back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'release-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const files = createVariantWriter(createFsStorage(dir))
  const meta = { contentType: 'application/json; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL }
  const anonMb = () => Number(/RssAnon:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024
  const unit = Buffer.from('{"GpUnitId":"gp-station-75056-0101","Type":"total","Count":12345},')
  const size = 64 * 1024 * 1024
  const before = anonMb()
  const body = releasableBuffer(size)
  body.fill(unit)
  const filled = anonMb()
  t.ok(filled - before > 48, `the body takes its 64 MB (${(filled - before).toFixed(0)} MB more)`)
  // The same body under two keys in one batch, as a download and its content-addressed copy go.
  const outcome = await files.write([
    { key: 'data/v/1/big.json', body, meta, variants: true, removeStaleVariants: false, handOver: true },
    { key: 'data/big.json', body, meta, variants: true, removeStaleVariants: false, handOver: true },
  ])
  t.equal(outcome.error, undefined)
  t.equal(outcome.written.length, 2)
  t.equal(body.length, 0, 'moved to the writer thread')
  const after = anonMb()
  t.ok(filled - after > 48, `its memory is given back once written (${(filled - after).toFixed(0)} MB less than when filled)`)
  for (const key of ['data/v/1/big.json', 'data/big.json']) {
    const written = readFileSync(join(dir, key))
    t.equal(written.length, size, `${key}: written whole`)
    t.ok(written.subarray(0, unit.length).equals(unit) && written.subarray(size - 1000).equals(Buffer.from(Array.from({ length: 1000 }, (_, k) => unit[(size - 1000 + k) % unit.length] ?? 0))), `${key}: its bytes`)
    t.equal(gunzipSync(readFileSync(join(dir, `${key}.gz`))).length, size, `${key}.gz`)
  }
})
