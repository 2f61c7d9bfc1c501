// The consolidation core loop: definitions from `[elections]`, returns from `[returns]`, PIN
// lockouts from `[security]`, one database transaction per batch, and the outbox relayed to
// `[results]`. The bus commits a batch's
// offsets only after its handler resolves, i.e. after the transaction; a batch delivered again
// after a crash finds its returns already stored and changes nothing (exactly-once effect).
import assert from 'node:assert/strict'
import { setImmediate } from 'node:timers/promises'
import { DEFAULT_THRESHOLDS, type CheckThresholds } from '../core/checks.js'
import { TOPICS } from '../core/messages.js'
import type { BatchHandler, Bus, ConsumedRecord, Subscription } from '../infra/bus/bus.js'
import type { Db, Tx } from '../infra/db/db.js'
import type { Logger } from '../infra/logging.js'
import type { Registry } from '../infra/metrics.js'
import { createConsolidationMetrics } from './consolidation-metrics.js'
import { takeInDefinitionRecords } from './definition-loading.js'
import { ElectionCatalogue } from './election-catalogue.js'
import { createOutboxRelay } from './outbox-relay.js'
import { PeerTurnouts } from './peer-turnouts.js'
import { consolidatePendingStep } from './pending-returns.js'
import { countRejectedMessages } from './rejected-messages-repository.js'
import { takeInReturnRecords } from './return-intake.js'
import { countReturns } from './returns-repository.js'
import { takeInLockoutRecords } from './lockout-intake.js'
import { createSerialQueue } from './serial-queue.js'
import { countStationStates } from './station-results-repository.js'

export const RETURNS_GROUP = 'consolidate'
export const ELECTIONS_GROUP = 'consolidate-elections'
export const SECURITY_GROUP = 'consolidate-security'
export const DEFAULT_BATCH_SIZE = 500
export const RELAY_INTERVAL_MS = 100
/** A France-sized definition part is a few hundred kilobytes: a few dozen make a batch. */
const DEFINITION_PARTS_PER_BATCH = 32

export interface ConsolidatorDeps {
  bus: Bus
  /** Migrated (infra/db/migrate.ts) before start(). */
  db: Db
  logger: Logger
  metrics: Registry
  clock?: () => Date
  /** Returns per batch and per transaction. */
  batchSize?: number
  thresholds?: CheckThresholds
  relayIntervalMs?: number
}

export interface ConsolidationStats {
  /** Returns stored (each return id once). */
  returns: number
  /** Station results validated or published. */
  validated: number
  needsReview: number
  conflict: number
  /** Returns refused (unknown contest or station) plus records set aside in rejected_messages. */
  rejected: number
  /** Returns waiting for their election's definition. */
  pending: number
}

export function buildConsolidator(deps: ConsolidatorDeps) {
  const { bus, db, logger } = deps
  const clock = deps.clock ?? (() => new Date())
  const batchSize = deps.batchSize ?? DEFAULT_BATCH_SIZE
  const thresholds = deps.thresholds ?? DEFAULT_THRESHOLDS
  const metrics = createConsolidationMetrics(deps.metrics)
  const writers = createSerialQueue()
  const catalogue = new ElectionCatalogue()
  const peers = new PeerTurnouts(thresholds.turnoutMinPeers)
  const relay = createOutboxRelay({ db, bus, writers, catalogue, clock, logger, metrics })
  let subscriptions: Subscription[] = []
  let started = false

  /** One writer's transaction, in turn with the others. */
  function write<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return writers.run(async () => {
      try {
        return await db.transaction(fn)
      } catch (err) {
        // The peer groups already hold what the rolled-back batch validated.
        peers.clear()
        throw err
      }
    })
  }

  const handleReturns: BatchHandler = async (records) => {
    const done = metrics.startBatch(TOPICS.returns)
    const summary = await write((tx) => takeInReturnRecords(tx, records, { topic: TOPICS.returns, catalogue, thresholds, now: clock(), peers }))
    done()
    relay.handOff(summary.consolidation.outbox)
    metrics.returnIntake(summary)
    if (summary.unparseable + summary.conflictingIds > 0) {
      logger.warn(
        { unparseable: summary.unparseable, conflictingIds: summary.conflictingIds },
        'consolidate: records set aside in rejected_messages',
      )
    }
    // PGlite runs queries synchronously, so a backlog of batches would otherwise chain promises
    // without ever returning to the event loop: no relay fsync, no HTTP answer in this process
    // until the backlog is gone. One turn of the loop per batch keeps them going.
    await setImmediate()
  }

  const handleElections: BatchHandler = async (records) => {
    const done = metrics.startBatch(TOPICS.elections)
    const intake = await writers.run(async () => {
      const taken = await db.transaction((tx) => takeInDefinitionRecords(tx, records, { topic: TOPICS.elections, now: clock() }))
      // Only now that it is committed does the catalogue learn the definition. A new version may
      // move stations between communes: peer groups are read again.
      for (const facts of taken.loaded) catalogue.install(facts)
      if (taken.loaded.length > 0) peers.clear()
      return taken
    })
    done()
    relay.handOff(intake.outbox)
    for (const f of intake.loaded) {
      logger.info({ electionId: f.election.id, version: f.version, stations: f.stations.size }, 'consolidate: election definition loaded')
    }
    for (const bad of intake.invalid) logger.error(bad, 'consolidate: election definition refused')
    if (intake.unparseable > 0) logger.warn({ unparseable: intake.unparseable }, 'consolidate: definition records set aside in rejected_messages')
    if (intake.loaded.length > 0) await consolidatePending()
  }

  const handleSecurity: BatchHandler = async (records) => {
    const done = metrics.startBatch(TOPICS.security)
    const intake = await writers.run(() => db.transaction((tx) => takeInLockoutRecords(tx, records, { topic: TOPICS.security, now: clock() })))
    done()
    metrics.lockoutIntake(intake)
    for (const lockout of intake.stored) logger.info(lockout, 'consolidate: PIN lockout stored for the desk')
    if (intake.unparseable > 0) {
      logger.warn({ unparseable: intake.unparseable }, 'consolidate: [security] records that are not lockouts, skipped and set aside in rejected_messages')
    }
  }

  /** Consolidates the pending returns of every loaded election, a batch per transaction. */
  async function consolidatePending(): Promise<void> {
    for (;;) {
      const step = await write((tx) => consolidatePendingStep(tx, { catalogue, thresholds, now: clock(), peers, limit: batchSize }))
      relay.handOff(step.consolidation.outbox)
      metrics.consolidation(step.consolidation)
      if (step.taken === 0 || step.stillPending === step.taken) return
      logger.info({ returns: step.taken - step.stillPending }, 'consolidate: pending returns consolidated')
    }
  }

  /** Logs a failed batch before the bus retries it; the batch's transaction has rolled back. */
  const logged =
    (topic: string, handle: BatchHandler): BatchHandler =>
    async (records: ConsumedRecord[]) => {
      try {
        await handle(records)
      } catch (err) {
        logger.error({ err, topic, records: records.length }, 'consolidate: batch failed and was rolled back; it will be delivered again')
        throw err
      }
    }

  return {
    async start(): Promise<void> {
      assert(!started, 'the consolidator is already started')
      started = true
      // Left over when a process stopped between loading a definition and consolidating what waited for it.
      await consolidatePending()
      subscriptions = [
        await bus.subscribe({
          topic: TOPICS.elections,
          group: ELECTIONS_GROUP,
          handle: logged(TOPICS.elections, handleElections),
          maxBatch: DEFINITION_PARTS_PER_BATCH,
        }),
        await bus.subscribe({ topic: TOPICS.returns, group: RETURNS_GROUP, handle: logged(TOPICS.returns, handleReturns), maxBatch: batchSize }),
        await bus.subscribe({ topic: TOPICS.security, group: SECURITY_GROUP, handle: logged(TOPICS.security, handleSecurity) }),
      ]
      relay.start(deps.relayIntervalMs ?? RELAY_INTERVAL_MS)
    },

    async stop(): Promise<void> {
      const subs = subscriptions
      subscriptions = []
      for (const s of subs) await s.stop()
      await relay.stop()
      started = false
      try {
        // What the last batches committed goes out now rather than at the next start.
        await relay.relayOnce()
      } catch (err) {
        logger.warn({ err }, 'consolidate: final relay failed; the outbox keeps the messages for the next start')
      }
    },

    relayOnce: (): Promise<number> => relay.relayOnce(),

    /** The results desk, in this process, committed results to the outbox: relay them now. */
    outboxWritten: (): void => relay.rescanSoon(),

    /** Resolves once every record on the topics when called is consolidated and relayed. */
    async caughtUp(): Promise<void> {
      for (const s of subscriptions) await s.caughtUp()
      await relay.relayOnce()
    },

    async stats(): Promise<ConsolidationStats> {
      const returns = await countReturns(db)
      const states = await countStationStates(db)
      const setAside = await countRejectedMessages(db)
      return {
        returns: returns.returns,
        validated: (states.get('validated') ?? 0) + (states.get('published') ?? 0),
        needsReview: states.get('needs-review') ?? 0,
        conflict: states.get('conflict') ?? 0,
        rejected: returns.rejected + setAside,
        pending: returns.pending,
      }
    },
  }
}

export type Consolidator = ReturnType<typeof buildConsolidator>
