// What cannot be consolidated at once is kept, never thrown away: unparseable records, returns for
// stations the election does not have, and returns that arrive before their election.
import t from 'tap'
import { TOPICS } from '../../core/messages.js'
import { readRejectedMessages } from '../../consolidate/rejected-messages-repository.js'
import { cleanCounts, SMALL_ELECTION_ID, smallElection } from '../fixtures/small-election.js'
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
const [s1, s2, s3] = def.stations
if (!s1 || !s2 || !s3) throw new Error('the small election has stations')

t.test('unparseable records land in rejected_messages and the batch goes on', async (t) => {
  const h = await openHarness(t)
  await produceDefinition(h.bus, def)
  const good = smallReturn(s1.id, cleanCounts(s1, 1))
  const noCounts = { ...smallReturn(s2.id, cleanCounts(s2, 1)), counts: undefined }
  await h.bus.produce(TOPICS.returns, [
    { key: 'x', value: '{"type":"return", truncated' },
    { key: s2.id, value: JSON.stringify(noCounts) },
    { key: s1.id, value: JSON.stringify(good) },
  ])
  await h.consolidator.caughtUp()

  const rejected = await readRejectedMessages(h.db, 10)
  t.equal(rejected.length, 2)
  t.match(rejected[0], { topic: 'returns', offset: '0', key: 'x', value: '{"type":"return", truncated', reason: /^not JSON: / })
  t.match(rejected[1], { offset: '1', key: s2.id, reason: /^not a valid return: counts: / })
  t.same(await stationState(h.db, s1.id), { state: 'published', version: 1 }, 'the valid return in the same batch is consolidated')
  t.match(await h.consolidator.stats(), { returns: 1, validated: 1, rejected: 2 })
  t.equal(await metricValue(h.registry, 'consolidate_returns_consumed_total', { outcome: 'unparseable' }), 2)
})

t.test('a return for a station or contest the election does not have is stored and rejected', async (t) => {
  const h = await openHarness(t)
  await produceDefinition(h.bus, def)
  const unknownStation = smallReturn('99999-0001', cleanCounts(s1, 1))
  const unknownContest = smallReturn(s1.id, cleanCounts(s1, 1), { returnId: 'x:1', contestId: 'senate' })
  await produceReturns(h.bus, [unknownStation, unknownContest])
  await h.consolidator.caughtUp()

  t.match(await outcomeOf(h.db, unknownStation.returnId), {
    status: 'rejected',
    reason: `unknown station 99999-0001 in election ${SMALL_ELECTION_ID}`,
  })
  t.match(await outcomeOf(h.db, unknownContest.returnId), { status: 'rejected', reason: `unknown contest senate in election ${SMALL_ELECTION_ID}` })
  t.match(await h.consolidator.stats(), { returns: 2, validated: 0, rejected: 2 })
  t.same(stationResults(await readResults(h.bus)), [])
})

t.test('returns that arrive before their election wait, and are consolidated when it arrives', async (t) => {
  const h = await openHarness(t)
  const early = [
    smallReturn(s1.id, cleanCounts(s1, 1)),
    smallReturn(s2.id, { ...cleanCounts(s2, 2), voters: 1 }), // does not add up: held once checked
    smallReturn('99999-0001', cleanCounts(s3, 3)),
  ]
  await produceReturns(h.bus, early)
  await h.consolidator.caughtUp()
  t.match(await h.consolidator.stats(), { returns: 3, pending: 3, validated: 0, rejected: 0 })
  t.match(await outcomeOf(h.db, early[0]?.returnId ?? ''), { status: 'pending', reason: `no definition of election ${SMALL_ELECTION_ID} has been loaded yet` })
  t.same(stationResults(await readResults(h.bus)), [], 'nothing is published before the definition')

  await produceDefinition(h.bus, def)
  await h.consolidator.caughtUp()
  t.match(await h.consolidator.stats(), { returns: 3, pending: 0, validated: 1, needsReview: 1, rejected: 1 })
  t.match(await outcomeOf(h.db, early[0]?.returnId ?? ''), { status: 'checked', state_after: 'validated' })
  t.match(await outcomeOf(h.db, early[2]?.returnId ?? ''), { status: 'rejected', reason: /unknown station 99999-0001/ })
  const messages = await readResults(h.bus)
  const firstResult = messages.findIndex((m) => m.type === 'station-result')
  t.ok(messages.slice(0, firstResult).some((m) => m.type === 'election-definition-part'), 'the definition precedes the results on [results]')
  t.same(stationResults(messages).map((r) => r.stationId), [s1.id])

  // Once the definition is there, returns are consolidated as they come.
  await produceReturns(h.bus, [smallReturn(s3.id, cleanCounts(s3, 3))])
  await h.consolidator.caughtUp()
  t.match(await h.consolidator.stats(), { returns: 4, pending: 0, validated: 2 })
})

t.test('a return’s scan reference is stored with it, also when it waited for its election', async (t) => {
  const h = await openHarness(t)
  const scan = { sha256: '0f'.repeat(32), contentType: 'application/pdf' as const, bytes: 48_213 }
  const early = smallReturn(s1.id, cleanCounts(s1, 1), { returnId: 'station:s1:form:1:pres', channel: 'form', scan })
  const without = smallReturn(s2.id, cleanCounts(s2, 2))
  await produceReturns(h.bus, [early, without])
  await h.consolidator.caughtUp()
  t.match(await outcomeOf(h.db, early.returnId), { status: 'pending' }, 'no definition yet: the return waits')

  await produceDefinition(h.bus, def)
  await h.consolidator.caughtUp()
  t.match(await outcomeOf(h.db, early.returnId), { status: 'checked', state_after: 'validated' })
  const rows = await h.db.query<{ return_id: string; scan: unknown }>('SELECT return_id, scan FROM returns ORDER BY seq')
  t.same(rows.rows, [
    { return_id: early.returnId, scan },
    { return_id: without.returnId, scan: null },
  ])
})
