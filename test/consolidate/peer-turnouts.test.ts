// The turnout check (W204) compares a station with the validated stations of its commune, or of its
// département when the commune has too few.
import t from 'tap'
import { DEFAULT_THRESHOLDS } from '../../core/checks.js'
import type { Counts, Station } from '../../core/schemas.js'
import { PeerTurnouts } from '../../consolidate/peer-turnouts.js'
import { readFindings } from '../../consolidate/returns-repository.js'
import { smallElection } from '../fixtures/small-election.js'
import { openHarness, produceDefinition, produceReturns, smallReturn, stationState } from '../fixtures/consolidation-harness.js'

t.test('PeerTurnouts: commune first, then the département, never the station itself', async (t) => {
  const peers = new PeerTurnouts(2, 1000)
  const c1 = { electionId: 'e', contestId: 'c', commune: 'C1', departement: 'D1' }
  const c2 = { ...c1, commune: 'C2' }
  t.same(peers.toLoad([c1, c2], 0), {
    communes: [
      { ...c1, departementHeld: false },
      { ...c2, departementHeld: false },
    ],
    departements: [],
  }, 'nothing held: the database decides which départements are needed')
  peers.load(
    [
      { scope: 'commune', electionId: 'e', contestId: 'c', area: 'C1', stationIds: ['S1'], turnouts: [0.5] },
      { scope: 'commune', electionId: 'e', contestId: 'c', area: 'C2', stationIds: [], turnouts: [] },
      { scope: 'departement', electionId: 'e', contestId: 'c', area: 'D1', stationIds: ['S1', 'S9'], turnouts: [0.5, 0.7] },
    ],
    0,
  )
  t.same(peers.turnoutsFor(c1, 'S2'), [0.5, 0.7], 'one commune peer is too few: the département')
  t.same(peers.turnoutsFor(c2, 'S9'), [0.5], 'the station is not its own peer')
  peers.record(c1, 'S3', 0.6)
  t.same(peers.turnoutsFor(c1, 'S2'), [0.5, 0.6], 'a station validated in the batch counts at once')
  t.same(peers.turnoutsFor({ ...c1, departement: 'D2' }, 'S2'), [0.5, 0.6])
  t.same(peers.turnoutsFor({ ...c1, electionId: 'other' }, 'S2'), [], 'elections do not mix')
  t.same(peers.toLoad([c1, c2], 999), { communes: [], departements: [] }, 'fresh groups are not read again')
  t.same(peers.toLoad([c1], 1000), { communes: [{ ...c1, departementHeld: false }], departements: [] }, 'stale ones are')
  const c5 = { electionId: 'e', contestId: 'c', commune: 'C5', departement: 'D5' }
  peers.load([{ scope: 'commune', electionId: 'e', contestId: 'c', area: 'C5', stationIds: [], turnouts: [] }], 1500)
  peers.record(c5, 'S4', 0.4)
  t.same(peers.turnoutsFor({ ...c5, commune: 'C6' }, 'S6'), [], 'a département never read whole is not made up')
  t.same(peers.toLoad([c5], 1500), { communes: [], departements: [{ electionId: 'e', contestId: 'c', departement: 'D5' }] }, 'a short commune held needs its département')
  peers.clear()
  t.equal(peers.toLoad([c5], 1500).communes.length, 1, 'clear() forgets everything')
})

function withTurnout(station: Station, turnout: number): Counts {
  const voters = Math.round(station.registered * turnout)
  const valid = voters - 2
  return { registered: station.registered, voters, blank: 1, invalid: 1, valid, votes: { MARTIN: valid - 10, DUBOIS: 5, LEROY: 5 } }
}

t.test('W204 against the commune, and against the département where the commune has too few', async (t) => {
  const h = await openHarness(t, { thresholds: { ...DEFAULT_THRESHOLDS, turnoutMinPeers: 2 } })
  const def = smallElection()
  await produceDefinition(h.bus, def)
  const byId = new Map(def.stations.map((s) => [s.id, s]))
  const st = (id: string) => {
    const s = byId.get(id)
    if (!s) throw new Error(`no station ${id}`)
    return s
  }
  const paris = ['75056-0101', '75056-0102', '75056-0201'].map(st)
  const creteil = ['94028-0001', '94028-0002'].map(st)
  const vincennes = st('94080-0001')
  const [p1, p2, p3] = paris
  const [c1, c2] = creteil
  if (!p1 || !p2 || !p3 || !c1 || !c2) throw new Error('fixture changed')

  // Two Paris stations near 75 %, then a third at 20 % in a later batch: far from its commune.
  await produceReturns(h.bus, [smallReturn(p1.id, withTurnout(p1, 0.75)), smallReturn(p2.id, withTurnout(p2, 0.76))])
  await h.consolidator.caughtUp()
  const outlier = smallReturn(p3.id, withTurnout(p3, 0.2))
  // Créteil near 80 % in the same batch; Vincennes (alone in its commune) at 30 % right after them.
  const lonely = smallReturn(vincennes.id, withTurnout(vincennes, 0.3))
  await produceReturns(h.bus, [outlier, smallReturn(c1.id, withTurnout(c1, 0.8)), smallReturn(c2.id, withTurnout(c2, 0.79)), lonely])
  await h.consolidator.caughtUp()

  const outlierFindings = await readFindings(h.db, [outlier.returnId])
  t.same(outlierFindings.map((f) => f.code), ['W204'])
  t.match(outlierFindings[0]?.detail, /^20\.0 % vs 75\.\d % \(median of 2 peers\)$/)
  t.same(await stationState(h.db, p3.id), { state: 'needs-review', version: 0 })

  const lonelyFindings = await readFindings(h.db, [lonely.returnId])
  t.same(lonelyFindings.map((f) => f.code), ['W204'], 'compared with Créteil, validated earlier in the same batch')
  t.match(lonelyFindings[0]?.detail, /median of 2 peers/)
  t.same(await stationState(h.db, c2.id), { state: 'published', version: 1 })
})
