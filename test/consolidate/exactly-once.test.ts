// A return is never counted twice, whatever is delivered again: a client's retry, a duplicate in
// one batch, or a whole batch redelivered because the process died before committing offsets.
import t from 'tap'
import type { Bus } from '../../infra/bus/bus.js'
import type { Db } from '../../infra/db/db.js'
import { readRejectedMessages } from '../../consolidate/rejected-messages-repository.js'
import { cleanCounts, smallElection } from '../fixtures/small-election.js'
import {
  metricValue,
  openHarness,
  produceDefinition,
  produceReturns,
  readResults,
  smallReturn,
  stationResults,
  stationState,
} from '../fixtures/consolidation-harness.js'

const def = smallElection()

/** Station results ever written to the outbox. */
async function outboxRows(h: { db: Db }): Promise<number> {
  const res = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE station_id IS NOT NULL`)
  return res.rows[0]?.n ?? -1
}

t.test('the same return delivered twice counts once', async (t) => {
  const h = await openHarness(t)
  await produceDefinition(h.bus, def)
  const station = def.stations[0]
  if (!station) throw new Error('no station')
  const ret = smallReturn(station.id, cleanCounts(station, 1))
  // Twice in one batch (a retry while the first was in flight), then again later.
  await produceReturns(h.bus, [ret, ret])
  await h.consolidator.caughtUp()
  await produceReturns(h.bus, [{ ...ret, submittedAt: '2027-04-11T18:25:00.000Z' }])
  await h.consolidator.caughtUp()

  t.match(await h.consolidator.stats(), { returns: 1, validated: 1, rejected: 0 })
  t.same(await stationState(h.db, station.id), { state: 'published', version: 1 }, 'not taken for a correction')
  t.equal(stationResults(await readResults(h.bus)).length, 1)
  t.equal(await outboxRows(h), 1)
  t.equal(await metricValue(h.registry, 'consolidate_returns_consumed_total', { outcome: 'duplicate' }), 2)
})

t.test('a return id reused with other figures is set aside, not counted', async (t) => {
  const h = await openHarness(t)
  await produceDefinition(h.bus, def)
  const station = def.stations[1]
  if (!station) throw new Error('no station')
  const ret = smallReturn(station.id, cleanCounts(station, 1))
  await produceReturns(h.bus, [ret])
  await h.consolidator.caughtUp()
  const other = { ...ret, counts: cleanCounts(station, 2) }
  await produceReturns(h.bus, [other])
  await h.consolidator.caughtUp()

  t.match(await h.consolidator.stats(), { returns: 1, validated: 1, rejected: 1 })
  const [rejected] = await readRejectedMessages(h.db, 10)
  t.match(rejected, { topic: 'returns', reason: /^duplicate-id: return official-.* was already received with different content/ })
  t.same(JSON.parse(rejected?.value ?? '{}'), other, 'the record is kept whole')
  const results = stationResults(await readResults(h.bus))
  t.same(results.map((r) => r.counts), [ret.counts], 'the first figures stand')
})

/**
 * The real bus, but the returns handler "dies" once after its transaction committed and before
 * the bus could commit the batch's offsets: exactly the window exactly-once must cover.
 */
function dyingAfterCommit(bus: Bus): { bus: Bus; died: Promise<void> } {
  let armed = true
  let signal: () => void = () => undefined
  const died = new Promise<void>((resolve) => (signal = resolve))
  return {
    died,
    bus: {
      ensureTopics: (specs) => bus.ensureTopics(specs),
      produce: (topic, records) => bus.produce(topic, records),
      close: () => bus.close(),
      subscribe: (options) =>
        bus.subscribe({
          ...options,
          handle: async (records) => {
            await options.handle(records)
            if (options.topic === 'returns' && armed) {
              armed = false
              signal()
              throw new Error('simulated crash between the database commit and the offset commit')
            }
          },
        }),
    },
  }
}

t.test('a batch redelivered after a crash before the offset commit counts once', async (t) => {
  const h = await openHarness(t, { start: false })
  const dying = dyingAfterCommit(h.bus)
  const first = await h.restart({ bus: dying.bus })
  await produceDefinition(h.bus, def)
  const returns = def.stations.map((s, i) => smallReturn(s.id, cleanCounts(s, i)))
  await produceReturns(h.bus, returns)
  await dying.died
  // The process is gone: stop what is left of it and close the bus without any further commit.
  await first.stop()
  await h.bus.close()
  const before = await h.consolidator.stats()
  t.equal(before.returns, def.stations.length, 'the transaction had committed')

  await h.reopenBus()
  await h.restart()
  await h.consolidator.caughtUp()

  t.equal(
    await metricValue(h.registry, 'consolidate_returns_consumed_total', { outcome: 'duplicate' }),
    def.stations.length,
    'the whole batch was delivered again',
  )
  t.match(await h.consolidator.stats(), { returns: def.stations.length, validated: def.stations.length, needsReview: 0, rejected: 0 })
  t.equal(await outboxRows(h), def.stations.length, 'one outbox message per station')
  const results = stationResults(await readResults(h.bus))
  t.same(new Set(results.map((r) => r.stationId)).size, def.stations.length)
  t.ok(results.every((r) => r.version === 1), 'no station got a second version')
  for (const s of def.stations) t.same(await stationState(h.db, s.id), { state: 'published', version: 1 })
})
