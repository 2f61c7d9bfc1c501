// Renders the files of dirty areas and hands them to the cycle's SiteWriter, children before
// parents and status.json last, so a reader who follows a link from a fresh page never lands on
// an older one.
import type { AreaNode } from '../core/area-tree.js'
import type { Contest, Station } from '../core/schemas.js'
import type { StoredObjectMeta } from '../infra/storage/storage.js'
import type { HeapBudget } from '../infra/heap-budget.js'
import { areaLink, areaPath, buildAreaDocument, contestFigures, contestPath, stationPath, type AreaDocument } from './area-document.js'
import { renderAreaCsv, renderAreaCsvHeader, renderContestCsv, renderStationCsv } from './area-csv.js'
import { renderPage, type PageExtras } from './area-page.js'
import { rankCandidates } from './candidate-ranking.js'
import { buildContestDocument, contestReach } from './contest-document.js'
import type { DepartementMap } from './departement-map.js'
import { embargoedDocument, embargoedStatus, renderEmbargoedPage } from './embargo.js'
import { HTML_FILE, PAGE_LANGS } from './page-labels.js'
import { MAP_ASSET_KEY, readSiteAssets, SITE_ASSET_KEYS } from './site-assets.js'
import type { SiteWriter } from './site-writer.js'
import { buildStationDocument, type StationPageOptions } from './station-document.js'
import type { AreaTally, TallyTree } from './tally-tree.js'

export interface PageOptions extends StationPageOptions {
  /** The département map of the national page (single-contest elections); none without a map file. */
  map?: DepartementMap
}

// Pages change every few seconds on the night and are read by millions through Varnish and a CDN:
// a 10 s max-age bounds how stale a reader can be while each cache node asks the origin at most
// every 10 s per page; stale-while-revalidate lets caches answer at once while they refetch, so a
// burst of readers never waits on the origin. site-server.ts answers with the same values.
export const PAGE_CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=30'
/** status.json is what monitors and newsroom scripts poll for "is there something new". */
export const STATUS_CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=10'
/** The style sheet and script change only with a new release. */
export const ASSET_CACHE_CONTROL = 'public, max-age=300'

const HTML: StoredObjectMeta = { contentType: 'text/html; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL }
const JSON_META: StoredObjectMeta = { contentType: 'application/json; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL }
const CSV: StoredObjectMeta = { contentType: 'text/csv; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL }
export const STATUS_META: StoredObjectMeta = { contentType: 'application/json; charset=utf-8', cacheControl: STATUS_CACHE_CONTROL }

/** The files of every page: its data, its HTML in each language, its CSV. */
const PAGE_FILES = ['index.json', ...PAGE_LANGS.map((lang) => HTML_FILE[lang]), 'results.csv']
export const STATUS_KEY = 'status.json'

/** Every file a cycle over `dirty` writes, to look up their last digests in one batch. */
export function cycleFileKeys(tallies: TallyTree, dirty: readonly AreaTally[], options: PageOptions = {}): string[] {
  const pages: string[] = []
  for (const tally of dirty) {
    pages.push(areaPath(tally.node))
    if (tally.node.area.level === 'commune') for (const s of tallies.stationsToWrite(tally.node)) pages.push(stationPath(tally.node, s))
  }
  for (const contest of contestsToWrite(tallies)) pages.push(contestPath(contest))
  return [...SITE_ASSET_KEYS, ...(options.map ? [MAP_ASSET_KEY] : []), ...pages.flatMap((dir) => PAGE_FILES.map((file) => `${dir}${file}`)), STATUS_KEY]
}

/** How one cycle writes: `embargoed`, the polls are still open and every file takes its embargoed form (embargo.ts). */
/** Areas of one level rendered between two waits for the writes in flight (see writeAreas). */
const AREAS_PER_CHUNK = 64

export interface AreaRun {
  embargoed?: boolean
  /** Called before each area and once at the end, with the number of areas done: a progress bar. */
  onAreaDone?: (areasDone: number) => void
  /** Checked after each chunk of areas: a France render would otherwise leave its garbage on the heap. */
  heap?: HeapBudget
}

export async function writeAreas(writer: SiteWriter, tallies: TallyTree, dirty: readonly AreaTally[], options: PageOptions = {}, run: AreaRun = {}): Promise<void> {
  const embargoed = run.embargoed ?? false
  // The style sheet and script first: every page links to them.
  for (const asset of readSiteAssets()) await writer.put(asset.key, asset.body, { contentType: asset.contentType, cacheControl: ASSET_CACHE_CONTROL })
  if (options.map) await writer.put(MAP_ASSET_KEY, Buffer.from(options.map.svg), { contentType: 'image/svg+xml; charset=utf-8', cacheControl: ASSET_CACHE_CONTROL })
  let done = 0
  // `dirty` is deepest first; a level is on storage before its parents start.
  for (const level of groupByDepth(dirty)) {
    for (let i = 0; i < level.length; i += AREAS_PER_CHUNK) {
      const chunk = level.slice(i, i + AREAS_PER_CHUNK)
      // A commune's station pages are on storage before the commune page linking to them. One
      // wait per chunk of communes, not per commune: each wait idles the writer threads while
      // this thread renders the next pages.
      const communes = chunk.filter((tally) => tally.node.area.level === 'commune')
      for (const tally of communes) await writeStations(writer, tallies, tally.node, options, embargoed)
      if (communes.length > 0) await writer.drain()
      for (const tally of communes) tallies.stationsWritten(tally.node)
      for (const tally of chunk) {
        run.onAreaDone?.(done++)
        const doc = buildAreaDocument(tallies, tally)
        if (embargoed) await writeEmbargoedPage(writer, tallies, areaPath(tally.node), doc, renderAreaCsvHeader(tally))
        else {
          const extras = tally.node === tallies.tree.root ? nationalExtras(tallies, options) : {}
          await writePage(writer, areaPath(tally.node), doc, renderAreaCsv(tallies, tally), extras)
        }
      }
      run.heap?.check()
    }
    await writer.drain()
  }
  const contests = contestsToWrite(tallies)
  for (const contest of contests) {
    const csv = renderContestCsv(tallies, contest, contestReach(tallies, contest).communes)
    const doc = buildContestDocument(tallies, contest)
    if (embargoed) await writeEmbargoedPage(writer, tallies, contestPath(contest), doc, headerOnly(csv))
    else await writePage(writer, contestPath(contest), doc, csv, {})
  }
  await writer.drain()
  tallies.contestsWritten(contests)
  run.onAreaDone?.(done)
}

/** A commune's station pages whose result changed (all of them the first time); the caller drains before the commune's own. */
async function writeStations(writer: SiteWriter, tallies: TallyTree, commune: AreaNode, options: PageOptions, embargoed: boolean): Promise<void> {
  const stations: Station[] = tallies.stationsToWrite(commune)
  for (const station of stations) {
    const dir = stationPath(commune, station)
    const doc = buildStationDocument(tallies, commune, station, options)
    const csv = renderStationCsv(tallies, station)
    if (embargoed) await writeEmbargoedPage(writer, tallies, dir, doc, headerOnly(csv))
    else await writePage(writer, dir, doc, csv, {})
  }
}

async function writePage(writer: SiteWriter, dir: string, doc: AreaDocument, csv: string, extras: PageExtras): Promise<void> {
  await writer.put(`${dir}index.json`, Buffer.from(`${JSON.stringify(doc)}\n`), JSON_META)
  for (const lang of PAGE_LANGS) await writer.put(`${dir}${HTML_FILE[lang]}`, Buffer.from(renderPage(doc, dir, lang, extras)), HTML)
  await writer.put(`${dir}results.csv`, Buffer.from(csv), CSV)
}

/** The same files under embargo: the page's names and links, when results appear, the CSV's header. */
async function writeEmbargoedPage(writer: SiteWriter, tallies: TallyTree, dir: string, doc: AreaDocument, csvHeader: string): Promise<void> {
  const notice = embargoedDocument(tallies.definition, doc)
  await writer.put(`${dir}index.json`, Buffer.from(`${JSON.stringify(notice)}\n`), JSON_META)
  for (const lang of PAGE_LANGS) await writer.put(`${dir}${HTML_FILE[lang]}`, Buffer.from(renderEmbargoedPage(tallies.definition, notice, dir, lang)), HTML)
  await writer.put(`${dir}results.csv`, Buffer.from(csvHeader), CSV)
}

/** The first line of a CSV (its header, ending in CRLF). */
function headerOnly(csv: string): string {
  return csv.slice(0, csv.indexOf('\r\n') + 2)
}

/** Contest pages exist only when there are several contests: otherwise the national page is the contest's. */
function contestsToWrite(tallies: TallyTree): Contest[] {
  return tallies.definition.election.contests.length > 1 ? tallies.contestsToWrite() : []
}

/** The map of the national page: who leads each département, for a single-contest election. */
export function nationalExtras(tallies: TallyTree, options: PageOptions): PageExtras {
  if (!options.map || tallies.definition.election.contests.length !== 1) return {}
  const leads = []
  for (const region of tallies.tree.root.children) {
    for (const node of region.children) {
      if (node.area.level !== 'departement') continue
      const ct = tallies.tallyOf(node).contests[0]
      const figures = ct ? contestFigures(ct, false) : undefined
      const leader = figures && figures.valid > 0 ? rankCandidates(figures.candidates)[0] : undefined
      leads.push({ ...areaLink(node), leader })
    }
  }
  leads.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
  return { map: { geometry: options.map, leads } }
}

/** status.json: what the whole site covers, in the same deterministic terms as the pages. */
export async function writeStatus(writer: SiteWriter, tallies: TallyTree, embargoed = false): Promise<void> {
  const root = tallies.root
  const status = embargoed ? embargoedStatus(tallies) : {
    electionId: tallies.electionId,
    snapshot: root.snapshot,
    updatedAt: root.updatedAtMs === undefined ? null : new Date(root.updatedAtMs).toISOString(),
    stations: { reported: root.stationsReported, total: root.stationsTotal },
  }
  await writer.put(STATUS_KEY, Buffer.from(`${JSON.stringify(status)}\n`), STATUS_META)
  await writer.drain()
}

function groupByDepth(tallies: readonly AreaTally[]): AreaTally[][] {
  const groups: AreaTally[][] = []
  let current: AreaTally[] = []
  for (const t of tallies) {
    if (current.length > 0 && current[0]?.depth !== t.depth) {
      groups.push(current)
      current = []
    }
    current.push(t)
  }
  if (current.length > 0) groups.push(current)
  return groups
}
