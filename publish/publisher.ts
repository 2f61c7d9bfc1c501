// The publishing back office: reads `[results]` from its start (no consumer group: its state is a
// function of the topic), keeps the tally tree in memory and, every intervalMs, writes the pages of
// the areas that changed. Cycles never overlap and the tally is frozen while one renders, so each
// cycle's pages describe one consistent snapshot.
import { performance } from 'node:perf_hooks'
import { TOPICS } from '../core/messages.js'
import type { Bus, ConsumedRecord, Subscription } from '../infra/bus/bus.js'
import type { Logger } from '../infra/logging.js'
import type { Registry } from '../infra/metrics.js'
import type { Storage } from '../infra/storage/storage.js'
import { writeAreas, writeStatus } from './page-writer.js'
import { createPublisherMetrics } from './publisher-metrics.js'
import { ResultsState } from './results-state.js'

export interface PublisherDeps {
  bus: Bus
  storage: Storage
  logger: Logger
  metrics: Registry
  intervalMs: number
  /** For logs and reports only: page content never depends on the clock. */
  clock?: () => Date
}

export interface CycleReport {
  startedAt: string
  durationMs: number
  /** Snapshot of the national page after this cycle (0 before any result). */
  snapshot: number
  areasRendered: number
  filesWritten: number
}

export interface PublisherStatus {
  snapshot: number
  stationsReported: number
  stationsTotal: number
  electionId?: string
}

export function buildPublisher(deps: PublisherDeps) {
  const { bus, storage, logger, intervalMs } = deps
  const clock = deps.clock ?? (() => new Date())
  const metrics = createPublisherMetrics(deps.metrics)
  const state = new ResultsState(logger, metrics)
  let subscription: Subscription | undefined
  let timer: NodeJS.Timeout | undefined
  let running = false
  /** The cycle rendering right now: the bus handler waits for it before touching the tally. */
  let rendering: Promise<CycleReport> | undefined
  /** Cycles run one after another on this chain. */
  let chain: Promise<unknown> = Promise.resolve()

  async function handle(records: ConsumedRecord[]): Promise<void> {
    while (rendering) await rendering.catch(() => undefined)
    state.apply(records)
  }

  async function cycle(): Promise<CycleReport> {
    const startedAt = clock().toISOString()
    const started = performance.now()
    const tallies = state.tallies
    const dirty = tallies?.takeDirty() ?? []
    if (!tallies || dirty.length === 0) {
      return { startedAt, durationMs: 0, snapshot: tallies?.root.snapshot ?? 0, areasRendered: 0, filesWritten: 0 }
    }
    const endTimer = metrics.cycleDuration.startTimer()
    try {
      const written = await writeAreas(storage, tallies, dirty)
      await writeStatus(storage, tallies)
      const report: CycleReport = {
        startedAt,
        durationMs: Math.round(performance.now() - started),
        snapshot: tallies.root.snapshot,
        areasRendered: written.areasRendered,
        filesWritten: written.filesWritten + 1,
      }
      endTimer()
      metrics.filesWritten.inc(report.filesWritten)
      metrics.areasRendered.inc(report.areasRendered)
      metrics.snapshot.set(report.snapshot)
      metrics.stationsReported.set(tallies.root.stationsReported)
      logger.info(report, 'publication cycle written')
      return report
    } catch (err) {
      // Nothing is lost: the areas go back to the dirty set and the next cycle writes them.
      tallies.markDirty(dirty)
      metrics.cycleFailures.inc()
      throw err
    }
  }

  /** Queues a cycle behind any running one; the tally stays frozen while it renders. */
  function enqueueCycle(): Promise<CycleReport> {
    const run = chain.then(() => {
      const p = cycle()
      rendering = p
      return p.finally(() => {
        rendering = undefined
      })
    })
    chain = run.catch(() => undefined)
    return run
  }

  function schedule(): void {
    if (!running) return
    timer = setTimeout(() => {
      timer = undefined
      // A burst of results between two ticks is coalesced into one cycle of the dirty set.
      if (!state.tallies || state.tallies.dirtyCount === 0) {
        schedule()
        return
      }
      enqueueCycle()
        .catch((err: unknown) => logger.error({ err }, 'publication cycle failed; retrying at the next tick'))
        .finally(schedule)
    }, intervalMs)
  }

  return {
    async start(): Promise<void> {
      if (running) return
      running = true
      subscription = await bus.subscribe({ topic: TOPICS.results, handle })
      logger.info({ output: storage.describe(), intervalMs }, 'publisher reading [results] from its start')
      // The first cycle waits for the backlog: rendering France once, not once per batch read.
      const sub = subscription
      sub
        .caughtUp()
        .then(schedule)
        .catch((err: unknown) => logger.error({ err }, 'publisher could not catch up with [results]'))
    },

    async stop(): Promise<void> {
      running = false
      if (timer) clearTimeout(timer)
      timer = undefined
      await chain
      await subscription?.stop()
      subscription = undefined
    },

    /** Resolves once every record already in `[results]` has been applied to the tally. */
    async caughtUp(): Promise<void> {
      await subscription?.caughtUp()
    },

    /** Reads everything already in `[results]`, then writes what changed. */
    async publishNow(): Promise<CycleReport> {
      await subscription?.caughtUp()
      return enqueueCycle()
    },

    status(): PublisherStatus {
      const tallies = state.tallies
      if (!tallies) return { snapshot: 0, stationsReported: 0, stationsTotal: 0 }
      const root = tallies.root
      return { snapshot: root.snapshot, stationsReported: root.stationsReported, stationsTotal: root.stationsTotal, electionId: tallies.electionId }
    },
  }
}

export type Publisher = ReturnType<typeof buildPublisher>
