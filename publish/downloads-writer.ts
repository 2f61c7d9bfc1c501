// The site-wide files of a cycle: downloads under data/ (per-station CSV, NIST SP 1500-100 JSON,
// corrections log, and a manifest), corrections/index.html, feed.xml and the sitemaps.
//
// Live files (fixed names) get the pages' short Cache-Control with stale-while-revalidate.
// The two big downloads are also written as content-addressed copies, data/v/<sha256/16>/NAME,
// whose bytes never change, with a one-year immutable Cache-Control: a script that read
// data/index.json fetches a file no cache will ever serve stale, and caches keep it for good.
// Only the last KEPT_VERSIONS copies are kept; older ones are deleted once the manifest has
// moved on (a copy written by an earlier process is not known and stays: harmless, never listed).
import { createHash } from 'node:crypto'
import type { StoredObjectMeta } from '../infra/storage/storage.js'
import { renderAtomFeed } from './atom-feed.js'
import { buildCorrectionsLog, renderCorrectionsPage } from './corrections-log.js'
import { embargoNotice } from './embargo.js'
import { buildNistReport } from './nist-report.js'
import { PAGE_CACHE_CONTROL } from './page-writer.js'
import { renderSitemaps } from './sitemap.js'
import type { SiteWriter } from './site-writer.js'
import { renderStationsCsv } from './stations-csv.js'
import type { TallyTree } from './tally-tree.js'

export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'
const KEPT_VERSIONS = 3

const JSON_TYPE = 'application/json; charset=utf-8'
const live = (contentType: string): StoredObjectMeta => ({ contentType, cacheControl: PAGE_CACHE_CONTROL })
const LIVE_JSON = live(JSON_TYPE)
const LIVE_CSV = live('text/csv; charset=utf-8')
const LIVE_HTML = live('text/html; charset=utf-8')
const LIVE_ATOM = live('application/atom+xml; charset=utf-8')
const LIVE_XML = live('application/xml; charset=utf-8')

export const DOWNLOAD_KEYS = {
  stationsCsv: 'data/results.csv',
  nist: 'data/results-nist.json',
  corrections: 'data/corrections.json',
  manifest: 'data/index.json',
  correctionsPage: 'corrections/index.html',
  feed: 'feed.xml',
} as const

export interface DownloadsContext {
  embargoed: boolean
  /** Public base URL of the site, for the feed's and sitemaps' absolute URLs. */
  siteUrl: string
}

/** The live keys a downloads pass may write, to look up their digests with the cycle's. */
export function downloadFileKeys(tallies: TallyTree, ctx: DownloadsContext): string[] {
  return [...Object.values(DOWNLOAD_KEYS), ...renderSitemaps(tallies, ctx.siteUrl, ctx.embargoed).map((f) => f.key)]
}

interface ManifestFile {
  name: string
  url: string
  /** The immutable copy of these bytes; absent under embargo. */
  versionedUrl?: string
  sha256: string
  bytes: number
  contentType: string
}

/** Remembers the content-addressed copies written, newest last, to delete the old ones. */
export class DownloadVersions {
  private readonly folders: string[] = []

  /** Records a version folder; returns the folders now out of the window, to delete. */
  keep(folder: string): string[] {
    if (this.folders.at(-1) !== folder) this.folders.push(folder)
    return this.folders.length > KEPT_VERSIONS ? this.folders.splice(0, this.folders.length - KEPT_VERSIONS) : []
  }
}

/** Writes the site-wide files; returns the keys of content-addressed copies now out of the window, to delete. */
export async function writeDownloads(writer: SiteWriter, tallies: TallyTree, ctx: DownloadsContext, versions: DownloadVersions): Promise<string[]> {
  const { embargoed } = ctx
  const big = [
    { name: 'results.csv', key: DOWNLOAD_KEYS.stationsCsv, body: Buffer.from(renderStationsCsv(tallies, embargoed)), meta: LIVE_CSV },
    { name: 'results-nist.json', key: DOWNLOAD_KEYS.nist, body: Buffer.from(`${JSON.stringify(buildNistReport(tallies, embargoed))}\n`), meta: LIVE_JSON },
  ]
  const files: ManifestFile[] = []
  const hashes = big.map((f) => sha256Of(f.body))
  // One folder per pair of versions: the CSV and the JSON of one manifest are always from the same results.
  const folder = `data/v/${createHash('sha256').update(hashes.join('')).digest('hex').slice(0, 16)}/`
  for (const [i, f] of big.entries()) {
    const sha256 = hashes[i] ?? ''
    if (!embargoed) await writer.put(`${folder}${f.name}`, f.body, { ...f.meta, cacheControl: IMMUTABLE_CACHE_CONTROL })
    await writer.put(f.key, f.body, f.meta)
    files.push({ name: f.name, url: `/${f.key}`, ...(embargoed ? {} : { versionedUrl: `/${folder}${f.name}` }), sha256, bytes: f.body.length, contentType: f.meta.contentType })
  }
  if (!embargoed) {
    const log = buildCorrectionsLog(tallies)
    const correctionsJson = Buffer.from(`${JSON.stringify(log)}\n`)
    await writer.put(DOWNLOAD_KEYS.corrections, correctionsJson, LIVE_JSON)
    files.push({ name: 'corrections.json', url: `/${DOWNLOAD_KEYS.corrections}`, sha256: sha256Of(correctionsJson), bytes: correctionsJson.length, contentType: JSON_TYPE })
    await writer.put(DOWNLOAD_KEYS.correctionsPage, Buffer.from(renderCorrectionsPage(tallies, log)), LIVE_HTML)
    await writer.put(DOWNLOAD_KEYS.feed, Buffer.from(renderAtomFeed(tallies, log, ctx.siteUrl)), LIVE_ATOM)
  }
  for (const s of renderSitemaps(tallies, ctx.siteUrl, embargoed)) await writer.put(s.key, Buffer.from(s.body), LIVE_XML)
  // The manifest after the files it names, so a script following it never gets a 404.
  await writer.drain()
  const root = tallies.root
  const manifest = embargoed
    ? { electionId: tallies.electionId, embargo: { resultsFrom: embargoNotice(tallies.definition).resultsFrom }, files }
    : { electionId: tallies.electionId, snapshot: root.snapshot, updatedAt: root.updatedAtMs === undefined ? null : new Date(root.updatedAtMs).toISOString(), files }
  await writer.put(DOWNLOAD_KEYS.manifest, Buffer.from(`${JSON.stringify(manifest)}\n`), LIVE_JSON)
  await writer.drain()
  return embargoed ? [] : versions.keep(folder).flatMap(keysOfVersion)
}

/** Every key of a version folder, variants included: what deleting an old version removes. */
function keysOfVersion(folder: string): string[] {
  return ['results.csv', 'results-nist.json'].flatMap((name) => ['', '.gz', '.br'].map((suffix) => `${folder}${name}${suffix}`))
}

function sha256Of(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex')
}
