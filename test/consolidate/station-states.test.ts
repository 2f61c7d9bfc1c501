// How returns move a station through the state machine beyond the first clean return: corrections,
// disagreements between independent sources, and the double policy.
import t from 'tap'
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

t.test('a return after validation is a correction: held for a person, whatever the policy', async (t) => {
  const election = smallElection()
  election.election.policy = { mode: 'auto', autoAcknowledgeWarnings: true }
  const h = await openHarness(t)
  await produceDefinition(h.bus, election)
  const first = cleanCounts(paris1, 1)
  await produceReturns(h.bus, [smallReturn(paris1.id, first)])
  await h.consolidator.caughtUp()
  const correction = smallReturn(paris1.id, cleanCounts(paris1, 2), { returnId: `official-${paris1.id}:key-2` })
  await produceReturns(h.bus, [correction])
  await h.consolidator.caughtUp()

  t.same((await readFindings(h.db, [correction.returnId])).map((f) => f.code), ['W206'])
  t.match(await outcomeOf(h.db, correction.returnId), { status: 'checked', state_after: 'needs-review' })
  t.same(await stationState(h.db, paris1.id), { state: 'needs-review', version: 1 }, 'the published version stays')
  const results = stationResults(await readResults(h.bus))
  t.same(results.map((r) => [r.version, r.counts]), [[1, first]], 'nothing new reaches [results] before the desk decides')
  t.match(await h.consolidator.stats(), { returns: 2, validated: 0, needsReview: 1 })
})

t.test('independent returns that disagree put the station in conflict', async (t) => {
  const h = await openHarness(t)
  await produceDefinition(h.bus, def)
  const good = cleanCounts(paris1, 4)
  // The phone return has a keying slip (an error, so it is held); the upload disagrees with it.
  const phone = smallReturn(paris1.id, { ...good, valid: good.valid - 1, invalid: good.invalid + 1 }, { returnId: 'ivr:call-7', channel: 'phone', submittedBy: 'ivr' })
  const upload = smallReturn(paris1.id, good)
  await produceReturns(h.bus, [phone])
  await h.consolidator.caughtUp()
  t.same(await stationState(h.db, paris1.id), { state: 'needs-review', version: 0 })
  await produceReturns(h.bus, [upload])
  await h.consolidator.caughtUp()

  const findings = await readFindings(h.db, [upload.returnId])
  t.same(findings.map((f) => f.code), ['W205'])
  t.same(findings[0]?.fields, ['invalid', 'valid'], 'the fields where the two sheets differ')
  t.same(await stationState(h.db, paris1.id), { state: 'conflict', version: 0 })
  t.same(stationResults(await readResults(h.bus)), [])
  t.equal(await metricValue(h.registry, 'consolidate_returns_held_total', { state: 'conflict' }), 1)
})

t.test('the double policy validates when a second, independent return agrees', async (t) => {
  const election = smallElection()
  election.election.policy = { mode: 'double', autoAcknowledgeWarnings: false }
  const h = await openHarness(t)
  await produceDefinition(h.bus, election)
  const counts = cleanCounts(paris2, 6)
  await produceReturns(h.bus, [smallReturn(paris2.id, counts)])
  await h.consolidator.caughtUp()
  t.same(await stationState(h.db, paris2.id), { state: 'received', version: 0 }, 'one return waits for a second')
  // The same official again is not independent.
  await produceReturns(h.bus, [smallReturn(paris2.id, counts, { returnId: `official-${paris2.id}:key-2` })])
  await h.consolidator.caughtUp()
  t.same(await stationState(h.db, paris2.id), { state: 'received', version: 0 })
  await produceReturns(h.bus, [smallReturn(paris2.id, counts, { returnId: 'ivr:call-9', channel: 'phone', submittedBy: 'ivr' })])
  await h.consolidator.caughtUp()
  t.same(await stationState(h.db, paris2.id), { state: 'published', version: 1 })
  t.same(stationResults(await readResults(h.bus)).map((r) => r.counts), [counts])
})
