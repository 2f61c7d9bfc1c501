// Relays the outbox to the bus: reads unrelayed messages in id order, produces a chunk with one
// call, then marks it relayed and moves the stations it announced to 'published'.
//
// Produce and mark are two steps, so a crash between them produces the chunk again on restart.
// That is harmless: `[results]` is compacted by key, the publisher keeps the highest version per
// station, and a definition part produced twice is the same message twice.
import { transition } from '../core/station-state.js'
import { stationResultKey } from '../core/messages.js'
import { StationResultStateSchema } from '../core/schemas.js'
import type { Bus, BusRecord } from '../infra/bus/bus.js'
import type { Db, Queryable } from '../infra/db/db.js'
import type { Logger } from '../infra/logging.js'
import type { ConsolidationMetrics } from './consolidation-metrics.js'
import type { ElectionCatalogue } from './election-catalogue.js'
import { markRelayed, readUnrelayed, type OutboxRow } from './outbox-repository.js'
import { createSerialQueue, type SerialQueue } from './serial-queue.js'
import { markPublished, type PublishedMark, type PublishedMove } from './station-results-repository.js'

/** Messages per produce: a few thousand keeps each fsync (or Kafka request) well filled. */
export const RELAY_CHUNK_MESSAGES = 2_000
/** How often a relay pass reads the outbox from its first id rather than from the last relayed. */
export const RESCAN_INTERVAL_MS = 60_000

export interface OutboxRelayDeps {
  db: Db
  bus: Bus
  /** The queue consolidation's writers share: marking stations published is one of them. */
  writers: SerialQueue
  catalogue: ElectionCatalogue
  clock: () => Date
  logger: Logger
  metrics: ConsolidationMetrics
  chunkMessages?: number
}

export interface OutboxRelay {
  /** Relays everything waiting now; resolves with how many messages went out. Rejects if the bus does. */
  relayOnce(): Promise<number>
  /** Messages a writer has just committed to the outbox (in id order): relayed at the next pass. */
  handOff(rows: readonly OutboxRow[]): void
  /**
   * Another writer (the results desk) committed outbox rows this relay was not handed: the next
   * pass, started at once, reads the whole outbox instead of waiting for its periodic rescan.
   * Reading rather than handing off, because those ids may lie below the cursor.
   */
  rescanSoon(): void
  /** Relays every `intervalMs`, and at once after each hand-off, until stop(). Failures are retried. */
  start(intervalMs: number): void
  stop(): Promise<void>
}

export function createOutboxRelay(deps: OutboxRelayDeps): OutboxRelay {
  const { db, bus, writers, catalogue, clock, logger, metrics } = deps
  const chunkMessages = deps.chunkMessages ?? RELAY_CHUNK_MESSAGES
  // One pass at a time: two passes would produce the same messages.
  const passes = createSerialQueue()
  let running = false
  let loop: Promise<void> | undefined
  let kicked = false
  let wake: (() => void) | undefined
  // Messages this process committed, in id order: relayed without reading them back.
  let handed: OutboxRow[] = []
  // The highest id relayed. Within this process ids commit in order (writers take turns), so
  // nothing at or below it is waiting, except what another process (PostgreSQL) or a lost
  // hand-off left: a pass reading the whole outbox every RESCAN_INTERVAL_MS picks that up.
  let cursor = 0
  let rescannedAt = Number.NEGATIVE_INFINITY

  async function drain(): Promise<number> {
    let total = 0
    if (Date.now() - rescannedAt >= RESCAN_INTERVAL_MS) {
      rescannedAt = Date.now()
      cursor = 0
      for (;;) {
        const rows = await readUnrelayed(db, cursor, chunkMessages)
        if (rows.length > 0) total += await relayChunk(rows)
        if (rows.length < chunkMessages) break
      }
    }
    for (;;) {
      let skip = 0
      while (skip < handed.length && (handed[skip]?.id ?? 0) <= cursor) skip += 1
      handed = handed.slice(skip)
      if (handed.length === 0) break
      total += await relayChunk(handed.slice(0, chunkMessages))
    }
    metrics.relayLag(0)
    return total
  }

  async function relayChunk(rows: readonly OutboxRow[]): Promise<number> {
    const oldest = rows[0]
    if (oldest !== undefined) metrics.relayLag(Math.max(0, (clock().getTime() - Date.parse(oldest.createdAt)) / 1000))
    for (const [topic, records] of byTopic(rows)) await bus.produce(topic, records)
    await writers.run(() =>
      db.transaction(async (tx) => {
        await markRelayed(tx, rows.map((r) => r.id), clock())
        await markStationsPublished(tx, rows)
      }),
    )
    cursor = Math.max(cursor, rows[rows.length - 1]?.id ?? cursor)
    metrics.relayed(rows.length)
    return rows.length
  }

  /** The `published` event of the state machine, for the latest version of each station relayed. */
  async function markStationsPublished(tx: Queryable, rows: readonly OutboxRow[]): Promise<void> {
    const latest = new Map<string, PublishedMark>()
    for (const r of rows) {
      if (r.result === undefined) continue
      const key = stationResultKey(r.result.ref.electionId, r.result.ref.contestId, r.result.ref.stationId)
      if ((latest.get(key)?.version ?? 0) < r.result.version) latest.set(key, r.result)
    }
    if (latest.size === 0) return
    const electionIds = [...new Set([...latest.values()].map((m) => m.ref.electionId))]
    await catalogue.refresh(tx, electionIds)
    const moves: PublishedMove[] = []
    for (const electionId of electionIds) {
      const policy = catalogue.get(electionId)?.election.policy
      if (policy === undefined) continue
      for (const fromState of StationResultStateSchema.options) {
        const t = transition(fromState, { kind: 'published' }, policy)
        if (t.ok) moves.push({ electionId, fromState, toState: t.state })
      }
    }
    await markPublished(tx, [...latest.values()], moves)
  }

  function relayOnce(): Promise<number> {
    return passes.run(drain)
  }

  function pause(ms: number): Promise<void> {
    if (kicked || !running) {
      kicked = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
      wake = done
    })
  }

  return {
    relayOnce,
    handOff(rows) {
      if (rows.length === 0) return
      handed.push(...rows)
      if (wake) wake()
      else kicked = true
    },
    rescanSoon() {
      rescannedAt = Number.NEGATIVE_INFINITY
      if (wake) wake()
      else kicked = true
    },
    start(intervalMs) {
      if (running) return
      running = true
      loop = (async () => {
        while (running) {
          try {
            await relayOnce()
          } catch (err) {
            metrics.relayFailed()
            logger.warn({ err }, 'consolidate: relaying the outbox failed; retrying')
          }
          await pause(intervalMs)
        }
      })()
    },
    async stop() {
      running = false
      wake?.()
      await loop
      loop = undefined
    },
  }
}

/** Rows grouped by topic, each group in id order. */
function byTopic(rows: readonly OutboxRow[]): Map<string, BusRecord[]> {
  const groups = new Map<string, BusRecord[]>()
  for (const r of rows) {
    let g = groups.get(r.topic)
    if (!g) groups.set(r.topic, (g = []))
    g.push({ key: r.key, value: r.value })
  }
  return groups
}
