// Consolidation at volume on PGlite: a France-sized definition (69,242 stations, 107 départements)
// and a slice of returns spread over every département (the worst case for the peer lookups);
// every return gives exactly one result. The rate is printed as a comment, not asserted: speed is
// measured by bench/replay-france.ts.
import t from 'tap'
import { receiptFor } from '../../core/return-ids.js'
import type { ReturnSubmitted } from '../../core/schemas.js'
import { cleanCounts } from '../fixtures/small-election.js'
import { FRANCE_CANDIDATES, syntheticFrance } from '../fixtures/synthetic-france.js'
import { openHarness, produceDefinition, produceReturns, readResults, stationResults } from '../fixtures/consolidation-harness.js'

const RETURNS = 6_000

t.test(`${RETURNS} returns of a France-sized election`, async (t) => {
  const def = syntheticFrance()
  const h = await openHarness(t)
  const loadStarted = performance.now()
  await produceDefinition(h.bus, def)
  await h.consolidator.caughtUp()
  const definitionSeconds = (performance.now() - loadStarted) / 1000
  const returns: ReturnSubmitted[] = def.stations.slice(0, RETURNS).map((s, i) => {
    const returnId = `official-${s.id}:1`
    return {
      type: 'return',
      returnId,
      receipt: receiptFor(returnId),
      electionId: def.election.id,
      contestId: 'pres',
      stationId: s.id,
      channel: 'api',
      submittedBy: `official-${s.id}`,
      submittedAt: '2027-04-11T18:20:00.000Z',
      counts: cleanCounts(s, i, FRANCE_CANDIDATES),
    }
  })

  const started = performance.now()
  await produceReturns(h.bus, returns)
  await h.consolidator.caughtUp()
  const seconds = (performance.now() - started) / 1000
  const rate = Math.round(RETURNS / seconds)
  t.comment(`definition of ${def.stations.length} stations loaded and relayed in ${definitionSeconds.toFixed(1)} s`)
  t.comment(`${RETURNS} returns produced, consolidated and relayed in ${seconds.toFixed(1)} s: ${rate} returns/s on PGlite`)

  t.match(await h.consolidator.stats(), { returns: RETURNS, validated: RETURNS, needsReview: 0, conflict: 0, rejected: 0, pending: 0 })
  const results = stationResults(await readResults(h.bus))
  t.equal(results.length, RETURNS, 'one StationResult per station on [results]')
  t.equal(new Set(results.map((r) => r.stationId)).size, RETURNS)
})
