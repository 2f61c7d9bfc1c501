// Builds the static finder under `finder/` of the output storage: pages, JSON shards, the two
// browser modules and the stylesheet. Shards and files of PRECOMPRESS_MIN_BYTES or more get their
// .gz and .br variants (written first, as the publisher does, so a reader who sees a file can get
// its variants); the small pages get none (see PRECOMPRESS_MIN_BYTES).
import { readFileSync } from 'node:fs'
import type { Storage, StoredObjectMeta } from '../infra/storage/storage.js'
import { createVariantWriter, isCompressible } from '../infra/storage/compressed-variants.js'
import { communeShardPath, DATA_DIR } from './browser/finder-lookup.js'
import { assembleFinder, type FinderInputs, type FinderModel } from './finder-model.js'
import { renderCommune, renderDepartement, renderHome, renderStation, renderStreets } from './finder-pages.js'
import { communesWithoutPostcode, geoTiles, nameShards, postcodeShards, shardCommune } from './finder-shards.js'

export const FINDER_PREFIX = 'finder/'
/** As nginx serves /finder/ (ops/nginx/nginx.conf): the finder changes only when it is rebuilt. */
export const FINDER_CACHE_CONTROL = 'public, max-age=300'
/** A shard must load fast on a phone: at most this many bytes once gzipped. */
export const MAX_SHARD_GZIP_BYTES = 100 * 1024
const BROWSER_FILES = ['finder-lookup.js', 'finder-page.js', 'finder.css'] as const
/** Files per message to the writer threads, and messages in flight: a bounded window of work. */
const FILES_PER_BATCH = 8
const BATCHES_IN_FLIGHT = 4
/**
 * Pages (and the stylesheet) smaller than this are written without .gz / .br siblings. Nearly every page is one
 * (of 105,115 pages for all of France, 103,497 are 1.0–2.0 KB: the station and commune pages), so
 * their siblings were two thirds of the files the build created, and creating files, not rendering,
 * was most of its time. Readers lose almost nothing: nginx gzips text of 512 bytes or more on the
 * fly when there is no sibling, Varnish keeps the result (asking nginx at most once per page and
 * encoding per max-age), and brotli would save some 100 bytes more on a 1.5 KB page. JSON shards
 * always get their siblings: they are what the search box loads, and few (6,550).
 */
export const PRECOMPRESS_MIN_BYTES = 2048

const META = {
  html: { contentType: 'text/html; charset=utf-8', cacheControl: FINDER_CACHE_CONTROL },
  json: { contentType: 'application/json; charset=utf-8', cacheControl: FINDER_CACHE_CONTROL },
  js: { contentType: 'text/javascript; charset=utf-8', cacheControl: FINDER_CACHE_CONTROL },
  css: { contentType: 'text/css; charset=utf-8', cacheControl: FINDER_CACHE_CONTROL },
} satisfies Record<string, StoredObjectMeta>

export interface FinderBuildSummary {
  stations: number
  communes: number
  stationsWithPlace: number
  stationsWithArea: number
  communesWithAddresses: number
  files: number
  bytes: number
  /** Files written with .gz and .br siblings (the others: pages under PRECOMPRESS_MIN_BYTES). */
  precompressed: number
  /** Gzipped size of the precompressed files (their .gz siblings). */
  gzipBytes: number
  shards: number
  largestShard: { key: string; gzipBytes: number }
  /** Shards above MAX_SHARD_GZIP_BYTES (should be none). */
  oversizedShards: string[]
  unmatched: string[]
}

export interface FinderBuildOptions {
  storage: Storage
  onProgress?: (done: number, total: number) => void
}

interface PendingFile {
  key: string
  body: () => string
  meta: StoredObjectMeta
  shard: boolean
}

export async function buildFinder(inputs: FinderInputs, options: FinderBuildOptions): Promise<FinderBuildSummary> {
  const model = assembleFinder(inputs)
  const files = plannedFiles(model)
  const summary: FinderBuildSummary = {
    stations: 0,
    communes: 0,
    stationsWithPlace: 0,
    stationsWithArea: 0,
    communesWithAddresses: 0,
    files: 0,
    bytes: 0,
    precompressed: 0,
    gzipBytes: 0,
    shards: 0,
    largestShard: { key: '', gzipBytes: 0 },
    oversizedShards: [],
    unmatched: model.unmatched,
  }
  for (const c of model.communes.values()) {
    if (c.stations.length === 0) continue
    summary.communes++
    summary.stations += c.stations.length
    summary.stationsWithPlace += c.stations.filter((s) => s.place !== undefined).length
    summary.stationsWithArea += c.stations.filter((s) => s.area !== undefined).length
    if (c.hasAddresses) summary.communesWithAddresses++
  }
  let done = 0
  const writer = createVariantWriter(options.storage)
  const writeBatch = async (batch: readonly PendingFile[]) => {
    const toWrite = batch.map((file) => {
      const body = Buffer.from(file.body())
      const variants = file.shard || body.length >= PRECOMPRESS_MIN_BYTES
      // A page that shrank below the threshold since the last build must not keep its old siblings.
      return { key: `${FINDER_PREFIX}${file.key}`, body, meta: file.meta, variants, removeStaleVariants: !variants && isCompressible(file.key) }
    })
    const outcome = await writer.write(toWrite)
    outcome.written.forEach((w, i) => {
      const file = batch[i] as PendingFile
      summary.files++
      summary.bytes += toWrite[i]?.body.length ?? 0
      if (w.gzipBytes !== undefined) {
        summary.precompressed++
        summary.gzipBytes += w.gzipBytes
      }
      if (file.shard && w.gzipBytes !== undefined) {
        summary.shards++
        if (w.gzipBytes > summary.largestShard.gzipBytes) summary.largestShard = { key: w.key, gzipBytes: w.gzipBytes }
        if (w.gzipBytes > MAX_SHARD_GZIP_BYTES) summary.oversizedShards.push(w.key)
      }
      options.onProgress?.(++done, files.length)
    })
    if (outcome.error) throw outcome.error
  }
  // A bounded window: rendering here overlaps compression and writes in the writer threads
  // without holding every file in memory. The home page is last, alone: it links to everything.
  let next = 0
  const lane = async () => {
    while (next < files.length - 1) {
      const batch = files.slice(next, Math.min(next + FILES_PER_BATCH, files.length - 1))
      next += batch.length
      await writeBatch(batch)
    }
  }
  await Promise.all(Array.from({ length: BATCHES_IN_FLIGHT }, lane))
  await writeBatch(files.slice(-1))
  return summary
}

/** Every file of the finder, rendered lazily when written, the home page last. */
function plannedFiles(model: FinderModel): PendingFile[] {
  const files: PendingFile[] = []
  const json = (key: string, value: () => unknown): PendingFile => ({ key, body: () => `${JSON.stringify(value())}\n`, meta: META.json, shard: true })
  const html = (key: string, body: () => string): PendingFile => ({ key, body, meta: META.html, shard: false })

  for (const [postcode, shard] of postcodeShards(model)) files.push(json(`${DATA_DIR}/cp/${postcode}.json`, () => shard))
  for (const [id, shard] of nameShards(model)) files.push(json(`${DATA_DIR}/noms/${id}.json`, () => shard))
  for (const [id, tile] of geoTiles(model)) files.push(json(`${DATA_DIR}/geo/${id}.json`, () => tile))
  for (const c of communesWithoutPostcode(model)) files.push(json(communeShardPath(c.code), () => ({ commune: shardCommune(c) })))
  for (const dep of model.departements) {
    for (const c of dep.communes) {
      for (const s of c.stations) files.push(html(`bureau/${s.station.id}/index.html`, () => renderStation(s, c, dep.name)))
      if (c.hasAddresses && c.stations.length > 1) files.push(html(`commune/${c.code}/rues/index.html`, () => renderStreets(c, dep.name)))
      files.push(html(`commune/${c.code}/index.html`, () => renderCommune(c, dep.name)))
    }
    files.push(html(`departement/${dep.code}/index.html`, () => renderDepartement(dep)))
  }
  for (const name of BROWSER_FILES) {
    const meta = name.endsWith('.css') ? META.css : META.js
    files.push({ key: name, body: () => readFileSync(new URL(`./browser/${name}`, import.meta.url), 'utf8'), meta, shard: false })
  }
  files.push(html('index.html', () => renderHome(model.departements)))
  return files
}
