import t from 'tap'
import { DefinitionAssembler, type ElectionDefinitionPart } from '../../core/messages.js'
import type { ElectionDefinition } from '../../core/schemas.js'
import { readFindings } from '../../consolidate/returns-repository.js'
import { cleanCounts, smallElection } from '../fixtures/small-election.js'
import {
  metricValue,
  openHarness,
  outcomeOf,
  produceDefinition,
  produceReturns,
  readResults,
  smallReturn,
  stationResults,
  stationState,
} from '../fixtures/consolidation-harness.js'

const def = smallElection()
const [paris1, paris2] = def.stations
if (!paris1 || !paris2) throw new Error('the small election has stations')

t.test('a clean return becomes a StationResult on [results]', async (t) => {
  const h = await openHarness(t)
  await produceDefinition(h.bus, def)
  const counts = cleanCounts(paris1, 3)
  await produceReturns(h.bus, [smallReturn(paris1.id, counts)])
  await h.consolidator.caughtUp()

  const results = stationResults(await readResults(h.bus))
  t.equal(results.length, 1)
  t.match(results[0], { type: 'station-result', stationId: paris1.id, version: 1, status: 'validated', validatedAt: '2027-04-11T18:30:00.000Z' })
  t.same(results[0]?.counts, counts)
  t.notOk(results[0] && 'reason' in results[0], 'a first publication carries no reason')
  t.same(await stationState(h.db, paris1.id), { state: 'published', version: 1 }, 'the relay moved the station to published')
  t.same(await stationState(h.db, paris2.id), { state: 'awaiting', version: 0 }, 'the other stations wait')
  t.match(await h.consolidator.stats(), { returns: 1, validated: 1, needsReview: 0, conflict: 0, rejected: 0 })
  t.equal(await metricValue(h.registry, 'consolidate_returns_consumed_total', { outcome: 'checked' }), 1)
  t.equal(await metricValue(h.registry, 'consolidate_results_validated_total'), 1)
  t.equal(await metricValue(h.registry, 'consolidate_outbox_relay_lag_seconds'), 0, 'nothing is waiting in the outbox')
})

t.test('a return that does not add up is held for review with E102 and E103', async (t) => {
  const h = await openHarness(t)
  await produceDefinition(h.bus, def)
  const good = cleanCounts(paris1, 5)
  const slip = { ...good, valid: good.valid + 10 } // candidates no longer add up to valid, ballots not to voters
  const ret = smallReturn(paris1.id, slip)
  await produceReturns(h.bus, [ret])
  await h.consolidator.caughtUp()

  t.same(stationResults(await readResults(h.bus)), [], 'nothing reaches [results]')
  t.same(await stationState(h.db, paris1.id), { state: 'needs-review', version: 0 })
  t.match(await outcomeOf(h.db, ret.returnId), { status: 'checked', state_after: 'needs-review' })
  const findings = await readFindings(h.db, [ret.returnId])
  t.same(findings.map((f) => f.code), ['E102', 'E103'])
  t.match(findings[0], { severity: 'error', fields: ['valid', 'votes'], detail: `${good.valid} ≠ ${good.valid + 10}` })
  t.match(await h.consolidator.stats(), { returns: 1, validated: 0, needsReview: 1 })
  t.equal(await metricValue(h.registry, 'consolidate_returns_held_total', { state: 'needs-review' }), 1)
})

t.test('the election definition reaches [results], once, whole', async (t) => {
  const h = await openHarness(t)
  await produceDefinition(h.bus, def)
  await h.consolidator.caughtUp()
  // The same version loaded again changes nothing.
  await produceDefinition(h.bus, def)
  await h.consolidator.caughtUp()

  const messages = await readResults(h.bus)
  const parts = messages.filter((m): m is ElectionDefinitionPart => m.type === 'election-definition-part')
  t.equal(parts.length, 4, 'part 0 and one per département (75, 94, 69), relayed once')
  const assembler = new DefinitionAssembler()
  let assembled: ElectionDefinition | undefined
  for (const p of parts) assembled = assembler.add(p) ?? assembled
  // Parts group areas and stations by département, so compare them in a fixed order.
  const byCode = (a: { level: string; code: string }, b: { level: string; code: string }) => `${a.level}:${a.code}`.localeCompare(`${b.level}:${b.code}`)
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id)
  t.same(assembled?.election, def.election, 'the publisher can rebuild the definition from [results] alone')
  t.same([...(assembled?.areas ?? [])].sort(byCode), [...def.areas].sort(byCode))
  t.same([...(assembled?.stations ?? [])].sort(byId), [...def.stations].sort(byId))

  const stored = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM stations WHERE election_id = $1`, [def.election.id])
  t.equal(stored.rows[0]?.n, def.stations.length)
  const awaiting = await h.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM station_results WHERE state = 'awaiting'`)
  t.equal(awaiting.rows[0]?.n, def.stations.length, 'every station of the contest waits for its return')
  const dep = await h.db.query<{ departement: string }>(`SELECT departement FROM stations WHERE station_id = $1`, [paris1.id])
  t.equal(dep.rows[0]?.departement, '75')
})

t.test('warnings hold a return unless the policy acknowledges them automatically', async (t) => {
  // 30 % blank ballots: W202, no error.
  const station = paris1
  const base = cleanCounts(station, 2)
  const blank = Math.floor(base.voters * 0.3)
  const valid = base.voters - blank - base.invalid
  const votes = { MARTIN: valid - 20, DUBOIS: 10, LEROY: 10 }
  const warned = { ...base, blank, valid, votes }

  for (const autoAcknowledgeWarnings of [false, true]) {
    await t.test(`autoAcknowledgeWarnings ${autoAcknowledgeWarnings}`, async (t) => {
      const h = await openHarness(t)
      const election = smallElection()
      election.election.policy = { mode: 'auto', autoAcknowledgeWarnings }
      await produceDefinition(h.bus, election)
      const ret = smallReturn(station.id, warned)
      await produceReturns(h.bus, [ret])
      await h.consolidator.caughtUp()

      t.same((await readFindings(h.db, [ret.returnId])).map((f) => f.code), ['W202'], 'the finding is stored either way')
      const results = stationResults(await readResults(h.bus))
      if (autoAcknowledgeWarnings) {
        t.equal(results.length, 1, 'validated and published')
        t.same(await stationState(h.db, station.id), { state: 'published', version: 1 })
      } else {
        t.equal(results.length, 0, 'held for the desk')
        t.same(await stationState(h.db, station.id), { state: 'needs-review', version: 0 })
      }
    })
  }
})
