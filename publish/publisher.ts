// The publishing back office: reads `[results]` from its start (no consumer group: its state is a
// function of the topic), keeps the tally tree in memory and, every intervalMs, writes the pages of
// the areas that changed. Cycles never overlap and the tally is frozen while one renders, so each
// cycle's pages describe one consistent snapshot. Each cycle first takes or renews the lock that
// makes this publisher the single active writer; then only files whose bytes changed are written
// (with their compressed variants) and their URLs purged from the caches in front.
import { performance } from 'node:perf_hooks'
import { TOPICS } from '../core/messages.js'
import type { Bus, ConsumedRecord, Subscription } from '../infra/bus/bus.js'
import type { Cache } from '../infra/cache/cache.js'
import { createMemoryCache } from '../infra/cache/memory-cache.js'
import type { Logger } from '../infra/logging.js'
import type { Registry } from '../infra/metrics.js'
import { createNoPurger, type Purger } from '../infra/purge/purger.js'
import type { Storage } from '../infra/storage/storage.js'
import { createActiveLock, defaultLockTtlMs } from './active-lock.js'
import { createVariantWriter } from '../infra/storage/compressed-variants.js'
import { HeapBudget } from '../infra/heap-budget.js'
import { DownloadVersions, renderDownloads, writeDownloads } from './downloads-writer.js'
import { isEmbargoed } from './embargo.js'
import { PageDigests } from './page-digests.js'
import { cycleFileKeys, STATUS_KEY, STATUS_META, writeAreas, writeStatus, type PageOptions } from './page-writer.js'
import { createPublisherMetrics } from './publisher-metrics.js'
import { createPurgeQueue } from './purge-queue.js'
import { ResultsState } from './results-state.js'
import { SiteWriter, type SiteWriteReport } from './site-writer.js'
import type { AreaTally, TallyTree } from './tally-tree.js'

export interface PublisherDeps {
  bus: Bus
  storage: Storage
  logger: Logger
  metrics: Registry
  intervalMs: number
  /**
   * Page digests and the single-active lock, shared by every publisher of a deployment (Redis in
   * distributed mode). Default: a memory cache of this process (one publisher, digests lost on restart).
   */
  cache?: Cache
  /** Told the site paths of the files each cycle changed. Default: none (nothing in front). */
  purger?: Purger
  /** How long the lock outlives its holder's last renewal. Default: max(10 s, 5 × intervalMs). */
  lockTtlMs?: number
  /**
   * Decides the embargo (before the election's pollsCloseAt every file takes its embargoed form)
   * and paces the downloads; page content depends on it only through that. Default: the system clock.
   */
  clock?: () => Date
  /** Absolute base URL of the public site, for feed.xml and the sitemaps. Default http://localhost:8080. */
  siteUrl?: string
  /**
   * Least time between two writes of the site-wide downloads (per-station CSV, NIST JSON, feed,
   * sitemaps, corrections), which for France weigh tens of megabytes. Default 30 s, and never
   * less than ten times what they last cost (DOWNLOADS_COST_FACTOR); publishNow() and the end of
   * the embargo write them at once.
   */
  downloadsIntervalMs?: number
  /**
   * Pages of areas without any result written per timed cycle, and as many pages of stations
   * without a result in communes that have one (see TallyTree.takeDirty). Default 100.
   */
  areasWithoutResultsPerCycle?: number
  /** The département map and where tally-sheet scans are published (page-writer.ts). Default: neither. */
  pages?: PageOptions
  /** Bounds the garbage a render may leave on the heap (infra/heap-budget.ts). Default: a slack of 64 MB. */
  heap?: HeapBudget
}

export interface CycleReport {
  startedAt: string
  durationMs: number
  /** False when another publisher holds the lock: this one wrote and purged nothing. */
  active: boolean
  /** Snapshot of the national page after this cycle (0 before any result). */
  snapshot: number
  areasRendered: number
  /** Files whose bytes changed, written with their compressed variants. */
  filesWritten: number
  variantsWritten: number
  /** Files rendered with the bytes last written: neither written nor purged. */
  filesUnchanged: number
  /** Site paths purged after this cycle's writes (with any left over by a failed purge). */
  pathsPurged: number
}

export interface PublisherStatus {
  /** This publisher holds the lock and writes the site (false on standby). */
  active: boolean
  snapshot: number
  stationsReported: number
  stationsTotal: number
  electionId?: string
}

/**
 * A bound, not a tuned optimum. Measured in the embedded replay of 10 départements (10,398
 * stations, consolidation in the same process): a first cycle of 500 areas without results and 344
 * with took 9.6 s. An area now also brings its English page and its stations' pages, about four
 * times the files, and a first cycle of 500 kept the first results off the national page for
 * half a minute on a busy machine; 100 keeps a first cycle near what 500 cost before. France's
 * 36,000 areas are then all written within about 360 cycles (6 minutes at 1 s), while results keep
 * reaching their pages at every cycle: a page without a result holds no figure.
 */
const AREAS_WITHOUT_RESULTS_PER_CYCLE = 100

const DOWNLOADS_INTERVAL_MS = 30_000
/**
 * The downloads wait at least this many times what they last cost (rendered and written) before
 * they are rewritten: for France they cost seconds (a 75 MB NIST report, compressed twice), and
 * rewritten every 30 s of a night they took about 12 % of the publisher's CPU from the pages. At
 * 10, they take at most about a tenth of the time, on any machine; small elections keep the 30 s.
 */
const DOWNLOADS_COST_FACTOR = 10

interface CycleOptions {
  /** How many areas that never had a result this cycle may write. */
  maxWithoutResults: number
  /** Write the downloads whatever their pace (publishNow, rebuild). */
  force?: boolean
  /** Write every file, whatever the digests say (rebuild). */
  rewriteAll?: boolean
  /** False: the digests of the files written are not recorded (RebuildOptions.recordDigests). */
  recordDigests?: boolean
  progress?: (areasDone: number, areasTotal: number) => void
}

interface RenderOptions {
  embargoed: boolean
  downloads: boolean
  rewriteAll: boolean
  recordDigests: boolean
  progress: ((areasDone: number, areasTotal: number) => void) | undefined
}

export interface RebuildOptions {
  /**
   * False when nothing will ever read the digests this rebuild would record: the embedded memory
   * cache of a one-shot `publish rebuild` dies with its process, and France's 420,000 digests
   * held there grew the heap by about 200 MB. Default true (Redis keeps them for the publisher
   * that runs next, which then skips the unchanged files).
   */
  recordDigests?: boolean
}

const NOTHING_WRITTEN: SiteWriteReport = { filesWritten: 0, variantsWritten: 0, filesUnchanged: 0 }

export function buildPublisher(deps: PublisherDeps) {
  const { bus, storage, logger, intervalMs } = deps
  const backfillPerCycle = deps.areasWithoutResultsPerCycle ?? AREAS_WITHOUT_RESULTS_PER_CYCLE
  const clock = deps.clock ?? (() => new Date())
  const ownsCache = deps.cache === undefined
  const cache = deps.cache ?? createMemoryCache()
  const purger = deps.purger ?? createNoPurger()
  const metrics = createPublisherMetrics(deps.metrics)
  const state = new ResultsState(logger, metrics)
  const lock = createActiveLock(cache, deps.lockTtlMs ?? defaultLockTtlMs(intervalMs), logger, metrics)
  const digests = new PageDigests(cache, storage.describe())
  const files = createVariantWriter(storage)
  const purges = createPurgeQueue(purger, logger, metrics)
  const siteUrl = deps.siteUrl ?? 'http://localhost:8080'
  const downloadsIntervalMs = deps.downloadsIntervalMs ?? DOWNLOADS_INTERVAL_MS
  const versions = new DownloadVersions()
  const heap = deps.heap ?? new HeapBudget()
  heap.onCollected((ms) => metrics.heapCollections.observe(ms / 1000))
  /** The embargo state of the last cycle, for the tally it was computed on. */
  let embargoSeen: { tallies: TallyTree; embargoed: boolean } | undefined
  /** Results changed since the downloads were last written; and when that was (clock ms). */
  let downloadsPending = true
  let downloadsWrittenAtMs = -Infinity
  /** Wall time the downloads took to render and write, the last time they were written. */
  let downloadsCostMs = 0
  /** Checked each time this publisher becomes active: false when the output does not match the digests. */
  let outputChecked = false
  let subscription: Subscription | undefined
  let timer: NodeJS.Timeout | undefined
  let running = false
  /** The cycle rendering right now: the bus handler waits for it before touching the tally. */
  let rendering: Promise<CycleReport> | undefined
  /** Cycles run one after another on this chain. */
  let chain: Promise<unknown> = Promise.resolve()
  /**
   * Aborted by stop(): a cycle in progress gives up at its next batch of files rather than finish
   * (the first cycle after a start renders the whole country: minutes on a small machine, during
   * which a stop would otherwise wait). Its areas are written by the next publisher to run.
   */
  let stopping = new AbortController()

  async function handle(records: ConsumedRecord[]): Promise<void> {
    while (rendering) await rendering.catch(() => undefined)
    state.apply(records)
  }

  async function cycle({ maxWithoutResults, force = false, rewriteAll = false, recordDigests = true, progress }: CycleOptions): Promise<CycleReport> {
    const now = clock()
    const startedAt = now.toISOString()
    const started = performance.now()
    const active = await lock.hold()
    if (!active) outputChecked = false
    const tallies = state.tallies
    const embargoed = tallies !== undefined && isEmbargoed(tallies.definition, now)
    const lifted = tallies !== undefined && embargoSeen?.tallies === tallies && embargoSeen.embargoed && !embargoed
    if (tallies && lifted) {
      // Every page, download and status.json goes from its notice to its figures in this cycle.
      logger.info({ electionId: tallies.electionId }, 'the embargo has lifted: publishing every figure')
      tallies.markAllDirty()
    }
    if (tallies) embargoSeen = { tallies, embargoed }
    // A standby keeps the dirty set: when it takes over, it renders everything changed since.
    const dirty = active ? (tallies?.takeDirty(maxWithoutResults) ?? []) : []
    if (dirty.length > 0) downloadsPending = true
    // Not before the definition is read: a cycle with nothing to write must not start the pace's clock.
    const downloads = tallies !== undefined && active && downloadsPending && (force || lifted || now.getTime() - downloadsWrittenAtMs >= Math.max(downloadsIntervalMs, DOWNLOADS_COST_FACTOR * downloadsCostMs))
    const written = tallies && (dirty.length > 0 || downloads) ? await render(tallies, dirty, { embargoed, downloads, rewriteAll, recordDigests, progress }) : NOTHING_WRITTEN
    if (downloads) {
      downloadsPending = false
      downloadsWrittenAtMs = now.getTime()
    }
    // Also on standby: paths this publisher wrote before it lost the lock are purged by no one else.
    const pathsPurged = await purges.flush()
    const report: CycleReport = {
      startedAt,
      durationMs: Math.round(performance.now() - started),
      active,
      snapshot: tallies?.root.snapshot ?? 0,
      areasRendered: dirty.length,
      filesWritten: written.filesWritten,
      variantsWritten: written.variantsWritten,
      filesUnchanged: written.filesUnchanged,
      pathsPurged,
    }
    if (dirty.length > 0) logger.info(report, 'publication cycle written')
    return report
  }

  /** Writes the dirty areas (and the downloads) then status.json; on failure the areas go back to the dirty set. */
  async function render(tallies: TallyTree, dirty: AreaTally[], how: RenderOptions): Promise<SiteWriteReport> {
    const { embargoed, downloads, progress } = how
    const endTimer = metrics.cycleDuration.startTimer()
    let writer: SiteWriter | undefined
    try {
      const trustDigests = !how.rewriteAll && (outputChecked || (await outputMatchesDigests()))
      outputChecked = true
      const report = await lock.keepDuring(async (signal) => {
        // Untrusted digests are not looked up: a rebuild need not list France's 420,000 keys.
        const keys = trustDigests ? cycleFileKeys(tallies, dirty, deps.pages) : []
        const recorded = how.recordDigests ? digests : digests.withoutRecording()
        const onWritten = (written: readonly string[]) => purges.add(written)
        writer = await SiteWriter.open({ digests: recorded, files, signal: AbortSignal.any([signal, stopping.signal]), onWritten }, keys, trustDigests)
        await writeAreas(writer, tallies, dirty, deps.pages, { embargoed, heap, onAreaDone: progress && ((done) => progress(done, dirty.length)) })
        // After the pages, not before: France's downloads are 110 MB of buffers (the NIST report
        // alone 75 MB), which would otherwise be held through the whole render. The tally is
        // frozen while the cycle runs, so they are of the same results as the pages.
        const downloadsStarted = performance.now()
        const siteWide = downloads ? await renderDownloads(tallies, { embargoed, siteUrl }) : undefined
        if (siteWide) await writer.lookUp(siteWide.files.map((f) => f.key))
        const outdated = siteWide ? await writeDownloads(writer, siteWide, versions) : []
        if (siteWide) downloadsCostMs = performance.now() - downloadsStarted
        await writeStatus(writer, tallies, embargoed)
        return { ...(await writer.finish()), outdated }
      })
      await deleteOutdated(report.outdated)
      endTimer()
      metrics.filesWritten.inc(report.filesWritten)
      metrics.variantsWritten.inc(report.variantsWritten)
      metrics.filesUnchanged.inc(report.filesUnchanged)
      metrics.areasRendered.inc(dirty.length)
      metrics.snapshot.set(tallies.root.snapshot)
      metrics.stationsReported.set(tallies.root.stationsReported)
      return report
    } catch (err) {
      // Nothing is lost: the areas go back to the dirty set and the next cycle writes them; the
      // files already written keep their digests and are purged with the next cycle.
      if (writer) {
        // It tells the purge queue every file written, even when their digests cannot all be
        // recorded: the files are on storage.
        await writer.finish().catch((finishErr: unknown) => {
          logger.error({ err: finishErr }, 'could not record the digests of a failed cycle; its files are rewritten next cycle')
        })
      }
      tallies.markDirty(dirty)
      if (!stopping.signal.aborted) metrics.cycleFailures.inc()
      throw err
    }
  }

  /** Old content-addressed downloads: a failure leaves a file nobody links to, so it is only logged. */
  async function deleteOutdated(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      await storage.delete(key).catch((err: unknown) => logger.warn({ err, key }, 'could not delete an outdated download'))
    }
  }

  /** An output emptied or replaced behind the cache's back would otherwise never be rewritten. */
  async function outputMatchesDigests(): Promise<boolean> {
    if (await digests.storageMatches(storage, STATUS_KEY, STATUS_META)) return true
    logger.warn({ output: storage.describe() }, 'the output does not hold the status.json the digests describe; rewriting every file this cycle')
    return false
  }

  /** Queues a cycle behind any running one; the tally stays frozen while it renders. */
  function enqueueCycle(options: CycleOptions): Promise<CycleReport> {
    const run = chain.then(() => {
      const p = cycle(options)
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
      // A burst of results between two ticks is coalesced into one cycle of the dirty set. A tick
      // with nothing new still runs a cycle: it renews the lock and retries pending purges.
      enqueueCycle({ maxWithoutResults: backfillPerCycle })
        .catch((err: unknown) => {
          if (stopping.signal.aborted) logger.info('publication cycle interrupted: the publisher is stopping')
          else logger.error({ err }, 'publication cycle failed; retrying at the next tick')
        })
        .finally(schedule)
    }, intervalMs)
  }

  return {
    async start(): Promise<void> {
      if (running) return
      running = true
      stopping = new AbortController()
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
      stopping.abort(new Error('the publisher is stopping'))
      await chain
      await subscription?.stop()
      subscription = undefined
      await lock.release()
      if (ownsCache) await cache.close()
    },

    /** Resolves once every record already in `[results]` has been applied to the tally. */
    async caughtUp(): Promise<void> {
      await subscription?.caughtUp()
    },

    /** Reads everything already in `[results]`, then writes everything that changed, at once. */
    async publishNow(): Promise<CycleReport> {
      await subscription?.caughtUp()
      return enqueueCycle({ maxWithoutResults: Infinity, force: true })
    },

    /**
     * `elections publish rebuild`: reads everything in `[results]`, then writes every file of the
     * site, whatever the digests say, and purges them. Rejects when `[results]` holds no election
     * definition; reports `active: false` (nothing written) when another publisher holds the lock.
     */
    async rebuild(progress?: (areasDone: number, areasTotal: number) => void, options: RebuildOptions = {}): Promise<CycleReport> {
      await subscription?.caughtUp()
      const tallies = state.tallies
      if (!tallies) throw new NoElectionError()
      tallies.markAllDirty()
      return enqueueCycle({ maxWithoutResults: Infinity, force: true, rewriteAll: true, recordDigests: options.recordDigests ?? true, progress })
    },

    status(): PublisherStatus {
      const tallies = state.tallies
      const active = lock.active
      if (!tallies) return { active, snapshot: 0, stationsReported: 0, stationsTotal: 0 }
      const root = tallies.root
      return { active, snapshot: root.snapshot, stationsReported: root.stationsReported, stationsTotal: root.stationsTotal, electionId: tallies.electionId }
    },
  }
}

export type Publisher = ReturnType<typeof buildPublisher>

/** rebuild() on a `[results]` without an election definition: there is nothing to publish. */
export class NoElectionError extends Error {
  override name = 'NoElectionError'
  constructor() {
    super('[results] holds no election definition: load an election first (elections election load FILE)')
  }
}
