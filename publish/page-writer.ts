// Renders the files of dirty areas and hands them to the cycle's SiteWriter, children before
// parents and status.json last, so a reader who follows a link from a fresh page never lands on
// an older one.
import type { StoredObjectMeta } from '../infra/storage/storage.js'
import { areaPath, buildAreaDocument } from './area-document.js'
import { renderAreaCsv, renderAreaCsvHeader } from './area-csv.js'
import { renderAreaPage } from './area-page.js'
import { buildEmbargoedDocument, embargoedStatus, renderEmbargoedPage } from './embargo.js'
import type { SiteWriter } from './site-writer.js'
import type { AreaTally, TallyTree } from './tally-tree.js'

// Pages change every few seconds on the night and are read by millions through Varnish and a CDN:
// a 10 s max-age bounds how stale a reader can be while each cache node asks the origin at most
// every 10 s per page; stale-while-revalidate lets caches answer at once while they refetch, so a
// burst of readers never waits on the origin. site-server.ts answers with the same values.
export const PAGE_CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=30'
/** status.json is what monitors and newsroom scripts poll for "is there something new". */
export const STATUS_CACHE_CONTROL = 'public, max-age=5, stale-while-revalidate=10'

const HTML: StoredObjectMeta = { contentType: 'text/html; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL }
const JSON_META: StoredObjectMeta = { contentType: 'application/json; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL }
const CSV: StoredObjectMeta = { contentType: 'text/csv; charset=utf-8', cacheControl: PAGE_CACHE_CONTROL }
export const STATUS_META: StoredObjectMeta = { contentType: 'application/json; charset=utf-8', cacheControl: STATUS_CACHE_CONTROL }

const AREA_FILES = ['index.json', 'index.html', 'results.csv'] as const
export const STATUS_KEY = 'status.json'

/** Every file a cycle over `dirty` writes, to look up their last digests in one batch. */
export function cycleFileKeys(dirty: readonly AreaTally[]): string[] {
  return [...dirty.flatMap((tally) => AREA_FILES.map((file) => `${areaPath(tally.node)}${file}`)), STATUS_KEY]
}

/** `embargoed`: the polls are still open; every file takes its embargoed form (embargo.ts). */
export async function writeAreas(
  writer: SiteWriter,
  tallies: TallyTree,
  dirty: readonly AreaTally[],
  embargoed = false,
  onAreaDone?: (areasDone: number) => void,
): Promise<void> {
  let done = 0
  // `dirty` is deepest first; a level is on storage before its parents start.
  for (const level of groupByDepth(dirty)) {
    for (const tally of level) {
      onAreaDone?.(done++)
      const dir = areaPath(tally.node)
      if (embargoed) {
        const notice = buildEmbargoedDocument(tallies, tally)
        await writer.put(`${dir}index.json`, Buffer.from(`${JSON.stringify(notice)}\n`), JSON_META)
        await writer.put(`${dir}index.html`, Buffer.from(renderEmbargoedPage(tallies, notice)), HTML)
        await writer.put(`${dir}results.csv`, Buffer.from(renderAreaCsvHeader(tally)), CSV)
        continue
      }
      const doc = buildAreaDocument(tallies, tally)
      await writer.put(`${dir}index.json`, Buffer.from(`${JSON.stringify(doc)}\n`), JSON_META)
      await writer.put(`${dir}index.html`, Buffer.from(renderAreaPage(doc)), HTML)
      await writer.put(`${dir}results.csv`, Buffer.from(renderAreaCsv(tallies, tally)), CSV)
    }
    await writer.drain()
  }
  onAreaDone?.(done)
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
