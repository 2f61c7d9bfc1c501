// The figures the desk's open pages follow live (server-sent events, GET /events). One poller for
// the whole desk process, whatever the number of open pages: every LIVE_INTERVAL_MS it asks the
// database a cheap question — did anything move? (the highest return, outbox entry and audit entry,
// the outbox rows not yet relayed, the latest definition load: all read from indexes) — and only
// when the answer changed does it recount completeness and the review queue, once, and send every
// page the cells that changed. It stops polling when no page listens.
//
// Every state change leaves one of those marks: a return (returns.seq), a validation or a
// definition (outbox.id, elections.loaded_at), a publication (an outbox row relayed), a desk
// action or an automatic decision the desk records (audit_log.seq).
import type { Queryable } from '../../infra/db/db.js'
import type { Logger } from '../../infra/logging.js'
import { formatCountFr } from '../../core/counts.js'
import { readCompleteness } from './completeness-repository.js'
import { formatDateTimeFr, rowView } from './dashboard-view.js'

export const LIVE_INTERVAL_MS = 2000

/** What a page receives: the time of the figures, and text by cell key (`table|area|field`, or a `data-live` name). */
export interface LiveFigures {
  /** Increases each time the figures change; a page that cannot patch itself offers a reload when it does. */
  version: number
  asOf: string
  cells: Record<string, string>
}

export type LiveListener = (figures: LiveFigures) => void

export interface LiveFeed {
  /** Calls `listener` now with every cell (if figures are known yet), then with the changed cells. Returns the unsubscribe. */
  subscribe(listener: LiveListener): () => void
  close(): void
}

async function readChangeMarks(db: Queryable): Promise<string> {
  const res = await db.query<Record<string, unknown>>(
    `SELECT (SELECT max(seq) FROM returns) AS returns,
            (SELECT max(id) FROM outbox) AS outbox,
            (SELECT count(*) FROM outbox WHERE relayed_at IS NULL) AS unrelayed,
            (SELECT max(seq) FROM audit_log) AS audit,
            (SELECT max(loaded_at) FROM elections) AS loaded`,
  )
  return JSON.stringify(res.rows[0] ?? {}, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

async function readHeldCount(db: Queryable): Promise<number> {
  const res = await db.query<{ held: unknown }>(`SELECT count(*) AS held FROM station_results WHERE state IN ('needs-review', 'conflict')`)
  return Number(res.rows[0]?.held ?? 0)
}

/** Every cell of the dashboard's tables, keyed as desk-live.js finds them. */
async function readCells(db: Queryable): Promise<Record<string, string>> {
  const cells: Record<string, string> = {}
  const put = (table: string, row: ReturnType<typeof rowView>) => {
    const { areaCode, areaLabel: _label, href: _href, ...fields } = row
    for (const [field, text] of Object.entries(fields)) cells[`${table}|${areaCode}|${kebab(field)}`] = text
  }
  for (const e of await readCompleteness(db)) {
    put(`overall-${e.electionId}`, rowView('all', '', e.overall))
    for (const r of e.regions) put(`regions-${e.electionId}`, rowView(r.code ?? '', '', r))
    for (const d of e.departements) put(`departements-${e.electionId}`, rowView(d.code ?? '', '', d))
  }
  cells['review-total'] = formatCountFr(await readHeldCount(db))
  return cells
}

function kebab(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

export function createLiveFeed(deps: { db: Queryable; clock: () => Date; logger: Logger; intervalMs?: number }): LiveFeed {
  const intervalMs = deps.intervalMs ?? LIVE_INTERVAL_MS
  const listeners = new Set<LiveListener>()
  let marks: string | undefined
  let current: LiveFigures | undefined
  let timer: NodeJS.Timeout | undefined
  let polling = false

  async function poll(): Promise<void> {
    if (polling) return
    polling = true
    try {
      const latest = await readChangeMarks(deps.db)
      if (latest === marks && current !== undefined) return
      const cells = await readCells(deps.db)
      marks = latest
      const changed: Record<string, string> = {}
      for (const [key, text] of Object.entries(cells)) if (current?.cells[key] !== text) changed[key] = text
      const version = (current?.version ?? 0) + (Object.keys(changed).length > 0 ? 1 : 0)
      current = { version, asOf: formatDateTimeFr(deps.clock()), cells }
      if (Object.keys(changed).length === 0) return
      for (const listener of listeners) listener({ version, asOf: current.asOf, cells: changed })
    } catch (err) {
      // The next tick tries again; an open page keeps its last figures meanwhile.
      deps.logger.warn({ err }, 'desk: live figures could not be read')
    } finally {
      polling = false
    }
  }

  function start(): void {
    if (timer !== undefined) return
    timer = setInterval(() => void poll(), intervalMs)
    timer.unref()
    void poll()
  }

  function stop(): void {
    if (timer !== undefined) clearInterval(timer)
    timer = undefined
    // Nobody listened for a while: the next page starts from a fresh read.
    marks = undefined
  }

  return {
    subscribe(listener) {
      listeners.add(listener)
      if (current !== undefined) listener(current)
      start()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) stop()
      }
    },
    close() {
      listeners.clear()
      stop()
    },
  }
}
