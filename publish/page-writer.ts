// Writes the files of dirty areas through the Storage interface (each write atomic), children
// before parents and status.json last, so a reader who follows a link from a fresh page never
// lands on an older one.
import type { Storage, StoredObjectMeta } from '../infra/storage/storage.js'
import { areaPath, buildAreaDocument } from './area-document.js'
import { renderAreaCsv } from './area-csv.js'
import { renderAreaPage } from './area-page.js'
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
const STATUS: StoredObjectMeta = { contentType: 'application/json; charset=utf-8', cacheControl: STATUS_CACHE_CONTROL }

/**
 * Writes kept in flight: rendering (CPU) overlaps the writes (the disk or S3 is the slow part)
 * without holding a whole France of rendered pages in memory.
 */
const MAX_WRITES_IN_FLIGHT = 64

export interface WriteReport {
  areasRendered: number
  filesWritten: number
}

export async function writeAreas(storage: Storage, tallies: TallyTree, dirty: readonly AreaTally[]): Promise<WriteReport> {
  const writes = new WriteWindow(storage, MAX_WRITES_IN_FLIGHT)
  try {
    // `dirty` is deepest first; a level is on storage before its parents start.
    for (const level of groupByDepth(dirty)) {
      for (const tally of level) {
        const dir = areaPath(tally.node)
        const doc = buildAreaDocument(tallies, tally)
        await writes.put(`${dir}index.json`, `${JSON.stringify(doc)}\n`, JSON_META)
        await writes.put(`${dir}index.html`, renderAreaPage(doc), HTML)
        await writes.put(`${dir}results.csv`, renderAreaCsv(tallies, tally), CSV)
      }
      await writes.drain()
    }
  } catch (err) {
    // Let the writes still in flight land before the retry, so an old page never lands after a newer one.
    await writes.quiesce()
    throw err
  }
  return { areasRendered: dirty.length, filesWritten: writes.written }
}

/** At most `limit` writes in flight; the first failure is thrown by the next put() or drain(). */
class WriteWindow {
  written = 0
  private active = 0
  private failure: { err: unknown } | undefined
  private readonly waiting: (() => void)[] = []

  constructor(
    private readonly storage: Storage,
    private readonly limit: number,
  ) {}

  async put(key: string, body: string, meta: StoredObjectMeta): Promise<void> {
    while (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.throwIfFailed()
    this.active++
    this.storage.put(key, Buffer.from(body), meta).then(
      () => this.settle(),
      (err: unknown) => this.settle(err),
    )
  }

  async drain(): Promise<void> {
    while (this.active > 0) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.throwIfFailed()
  }

  /** Waits for every write in flight, whatever their outcome. */
  async quiesce(): Promise<void> {
    while (this.active > 0) await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  private settle(err?: unknown): void {
    this.active--
    if (err === undefined) this.written++
    else this.failure ??= { err }
    this.waiting.shift()?.()
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.err
  }
}

/** status.json: what the whole site covers, in the same deterministic terms as the pages. */
export async function writeStatus(storage: Storage, tallies: TallyTree): Promise<void> {
  const root = tallies.root
  const status = {
    electionId: tallies.electionId,
    snapshot: root.snapshot,
    updatedAt: root.updatedAtMs === undefined ? null : new Date(root.updatedAtMs).toISOString(),
    stations: { reported: root.stationsReported, total: root.stationsTotal },
  }
  await storage.put('status.json', Buffer.from(`${JSON.stringify(status)}\n`), STATUS)
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
