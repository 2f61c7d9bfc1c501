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
import { setImmediate } from 'node:timers/promises'
import type { StoredObjectMeta } from '../infra/storage/storage.js'
import { renderAtomFeed } from './atom-feed.js'
import { buildCorrectionsLog, renderCorrectionsPage } from './corrections-log.js'
import { embargoNotice } from './embargo.js'
import { renderNistReport } from './nist-report.js'
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

interface DownloadFile {
  key: string
  body: Buffer
  meta: StoredObjectMeta
}

/** The site-wide files of one cycle, rendered after its pages (their digests are looked up then: `SiteWriter.lookUp`). */
export interface RenderedDownloads {
  /** In write order; the manifest, data/index.json, comes last. */
  files: DownloadFile[]
  /** The content-addressed folder of this version; undefined under embargo. */
  folder: string | undefined
}

/**
 * Renders the site-wide files, giving the event loop a turn between them: for France they take
 * about 3.5 s of CPU in all (the NIST report 1.2–1.7 s, the station CSV 0.4 s), and in one piece
 * they held back the renewal of the publisher's lock (TTL 10 s) for as long.
 */
export async function renderDownloads(tallies: TallyTree, ctx: DownloadsContext): Promise<RenderedDownloads> {
  const { embargoed } = ctx
  const stationsCsv = renderStationsCsv(tallies, embargoed)
  await setImmediate()
  const nist = renderNistReport(tallies, embargoed)
  await setImmediate()
  const big = [
    { name: 'results.csv', key: DOWNLOAD_KEYS.stationsCsv, body: stationsCsv, meta: LIVE_CSV },
    { name: 'results-nist.json', key: DOWNLOAD_KEYS.nist, body: nist, meta: LIVE_JSON },
  ]
  const hashes = big.map((f) => sha256Of(f.body))
  // One folder per pair: the CSV and the JSON a manifest names are always from the same results.
  const folder = embargoed ? undefined : `data/v/${sha256Of(Buffer.from(hashes.join(''))).slice(0, 16)}/`
  const files: DownloadFile[] = []
  const listed: ManifestFile[] = []
  for (const [i, f] of big.entries()) {
    if (folder) files.push({ key: `${folder}${f.name}`, body: f.body, meta: { ...f.meta, cacheControl: IMMUTABLE_CACHE_CONTROL } })
    files.push({ key: f.key, body: f.body, meta: f.meta })
    listed.push({ name: f.name, url: `/${f.key}`, ...(folder ? { versionedUrl: `/${folder}${f.name}` } : {}), sha256: hashes[i] ?? '', bytes: f.body.length, contentType: f.meta.contentType })
  }
  if (!embargoed) {
    await setImmediate()
    const log = buildCorrectionsLog(tallies)
    const correctionsJson = Buffer.from(`${JSON.stringify(log)}\n`)
    files.push({ key: DOWNLOAD_KEYS.corrections, body: correctionsJson, meta: LIVE_JSON })
    listed.push({ name: 'corrections.json', url: `/${DOWNLOAD_KEYS.corrections}`, sha256: sha256Of(correctionsJson), bytes: correctionsJson.length, contentType: JSON_TYPE })
    files.push({ key: DOWNLOAD_KEYS.correctionsPage, body: Buffer.from(renderCorrectionsPage(tallies, log)), meta: LIVE_HTML })
    files.push({ key: DOWNLOAD_KEYS.feed, body: Buffer.from(renderAtomFeed(tallies, log, ctx.siteUrl)), meta: LIVE_ATOM })
  }
  await setImmediate()
  for (const sitemap of renderSitemaps(tallies, ctx.siteUrl, embargoed)) files.push({ key: sitemap.key, body: sitemap.body, meta: LIVE_XML })
  const root = tallies.root
  const manifest = embargoed
    ? { electionId: tallies.electionId, embargo: { resultsFrom: embargoNotice(tallies.definition).resultsFrom }, files: listed }
    : { electionId: tallies.electionId, snapshot: root.snapshot, updatedAt: root.updatedAtMs === undefined ? null : new Date(root.updatedAtMs).toISOString(), files: listed }
  files.push({ key: DOWNLOAD_KEYS.manifest, body: Buffer.from(`${JSON.stringify(manifest)}\n`), meta: LIVE_JSON })
  return { files, folder }
}

/** Writes the site-wide files; returns the keys of content-addressed copies now out of the window, to delete. */
export async function writeDownloads(writer: SiteWriter, downloads: RenderedDownloads, versions: DownloadVersions): Promise<string[]> {
  const manifest = downloads.files.at(-1)
  // Handed over: nothing reads these bodies again, and France's two big ones are 85 MB.
  for (const f of downloads.files.slice(0, -1)) await writer.put(f.key, f.body, f.meta, true)
  // The manifest after the files it names, so a script following it never gets a 404.
  await writer.drain()
  if (manifest) await writer.put(manifest.key, manifest.body, manifest.meta)
  await writer.drain()
  return downloads.folder ? versions.keep(downloads.folder).flatMap(keysOfVersion) : []
}

/** Every key of a version folder, variants included: what deleting an old version removes. */
function keysOfVersion(folder: string): string[] {
  return ['results.csv', 'results-nist.json'].flatMap((name) => ['', '.gz', '.br'].map((suffix) => `${folder}${name}${suffix}`))
}

function sha256Of(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex')
}
