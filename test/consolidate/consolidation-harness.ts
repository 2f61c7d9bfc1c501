// Builds the real consolidator for a test: PGlite in memory, migrated, and the embedded bus in the
// test's temp dir. Helpers put definitions and returns on the bus as ingest would and read
// `[results]` back through a real subscription.
import type { Test } from 'tap'
import { definitionPartKey, ResultsMessageSchema, splitDefinition, TOPICS, type ResultsMessage } from '../../core/messages.js'
import { receiptFor } from '../../core/return-ids.js'
import type { Counts, ElectionDefinition, ReturnSubmitted, StationResult } from '../../core/schemas.js'
import type { Bus, TopicSpec } from '../../infra/bus/bus.js'
import { openEmbeddedBus } from '../../infra/bus/embedded-bus.js'
import type { Db } from '../../infra/db/db.js'
import { migrate } from '../../infra/db/migrate.js'
import { openPgliteDb } from '../../infra/db/pglite-db.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry, type Registry } from '../../infra/metrics.js'
import { buildConsolidator, type Consolidator, type ConsolidatorDeps } from '../../consolidate/consolidator.js'
import { SMALL_CONTEST_ID, SMALL_ELECTION_ID } from '../fixtures/small-election.js'

export const NOW = new Date('2027-04-11T18:30:00.000Z')

const TOPIC_SPECS: TopicSpec[] = [
  { name: TOPICS.returns, partitions: 1, compacted: false },
  { name: TOPICS.elections, partitions: 1, compacted: false },
  { name: TOPICS.results, partitions: 1, compacted: true },
]

export interface Harness {
  dir: string
  bus: Bus
  db: Db
  registry: Registry
  consolidator: Consolidator
  /** Builds and starts another consolidator on the same database (a restart), on `bus` or the harness's. */
  restart(options?: { bus?: Bus }): Promise<Consolidator>
  reopenBus(): Promise<Bus>
}

export async function openHarness(t: Test, options: Partial<Pick<ConsolidatorDeps, 'batchSize' | 'thresholds'>> & { start?: boolean } = {}): Promise<Harness> {
  const dir = t.testdir()
  let bus = await openEmbeddedBus(dir)
  await bus.ensureTopics(TOPIC_SPECS)
  const db = await openPgliteDb()
  await migrate(db)
  const build = (onBus: Bus) => {
    const registry = createMetricsRegistry(false)
    const consolidator = buildConsolidator({
      bus: onBus,
      db,
      logger: silentLogger(),
      metrics: registry,
      clock: () => NOW,
      relayIntervalMs: 20,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      ...(options.thresholds === undefined ? {} : { thresholds: options.thresholds }),
    })
    return { consolidator, registry }
  }
  const first = build(bus)
  const running = new Set<Consolidator>([first.consolidator])
  const harness: Harness = {
    dir,
    bus,
    db,
    registry: first.registry,
    consolidator: first.consolidator,
    async restart(opts = {}) {
      const next = build(opts.bus ?? harness.bus)
      harness.consolidator = next.consolidator
      harness.registry = next.registry
      running.add(next.consolidator)
      await next.consolidator.start()
      return next.consolidator
    },
    async reopenBus() {
      bus = await openEmbeddedBus(dir)
      await bus.ensureTopics(TOPIC_SPECS)
      harness.bus = bus
      return bus
    },
  }
  t.teardown(async () => {
    for (const c of running) await c.stop()
    await harness.bus.close()
    await db.close()
  })
  if (options.start !== false) await first.consolidator.start()
  return harness
}

export async function produceDefinition(bus: Bus, def: ElectionDefinition): Promise<void> {
  await bus.produce(
    TOPICS.elections,
    splitDefinition(def).map((p) => ({ key: definitionPartKey(p), value: JSON.stringify(p) })),
  )
}

export async function produceReturns(bus: Bus, returns: readonly ReturnSubmitted[]): Promise<void> {
  await bus.produce(TOPICS.returns, returns.map((r) => ({ key: r.stationId, value: JSON.stringify(r) })))
}

/** A return of the small election for `stationId`, from an official on the upload API. */
export function smallReturn(stationId: string, counts: Counts, overrides: Partial<ReturnSubmitted> = {}): ReturnSubmitted {
  const returnId = overrides.returnId ?? `official-${stationId}:key-1`
  return {
    type: 'return',
    returnId,
    receipt: receiptFor(returnId),
    electionId: SMALL_ELECTION_ID,
    contestId: SMALL_CONTEST_ID,
    stationId,
    channel: 'api',
    submittedBy: `official-${stationId}`,
    submittedAt: '2027-04-11T18:20:00.000Z',
    counts,
    ...overrides,
  }
}

/** Every message on `[results]`, read from the start by a group-less subscription (as the publisher does). */
export async function readResults(bus: Bus): Promise<ResultsMessage[]> {
  const messages: ResultsMessage[] = []
  const sub = await bus.subscribe({
    topic: TOPICS.results,
    handle: async (records) => {
      for (const r of records) messages.push(ResultsMessageSchema.parse(JSON.parse(r.value)))
    },
  })
  await sub.caughtUp()
  await sub.stop()
  return messages
}

export function stationResults(messages: readonly ResultsMessage[]): StationResult[] {
  return messages.filter((m): m is StationResult => m.type === 'station-result')
}

export async function stationState(db: Db, stationId: string): Promise<{ state: string; version: number } | undefined> {
  const res = await db.query<{ state: string; version: number }>(
    `SELECT state, version FROM station_results WHERE election_id = $1 AND contest_id = $2 AND station_id = $3`,
    [SMALL_ELECTION_ID, SMALL_CONTEST_ID, stationId],
  )
  const row = res.rows[0]
  return row === undefined ? undefined : { state: row.state, version: Number(row.version) }
}

export async function outcomeOf(db: Db, returnId: string): Promise<{ status: string; reason: string | null; state_after: string | null } | undefined> {
  const res = await db.query<{ status: string; reason: string | null; state_after: string | null }>(
    `SELECT status, reason, state_after FROM return_outcomes WHERE return_id = $1`,
    [returnId],
  )
  return res.rows[0]
}

/** The value of a counter or gauge, optionally for one label set. */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = registry.getSingleMetric(name)
  if (metric === undefined) return 0
  const { values } = await metric.get()
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want))
    .reduce((sum, v) => sum + v.value, 0)
}
