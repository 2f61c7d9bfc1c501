import t from 'tap'
import type { ElectionDefinition } from '../../core/schemas.js'
import { buildAreaDocument } from '../../publish/area-document.js'
import { contestTallyOf, TallyTree } from '../../publish/tally-tree.js'
import { legislativeElection, legislativeResult } from '../fixtures/legislative-election.js'
import { cleanCounts, smallElection, smallStationResult } from '../fixtures/small-election.js'

/** The small election with a second contest (a local referendum) held in Paris only. */
function twoContests(): ElectionDefinition {
  const def = smallElection()
  def.election.contests.push({
    id: 'referendum-paris',
    name: 'Référendum local (Paris)',
    seats: 1,
    candidates: [
      { id: 'OUI', ballot: 1, name: 'Oui' },
      { id: 'NON', ballot: 2, name: 'Non' },
    ],
    stationIds: def.stations.filter((s) => s.commune === '75056').map((s) => s.id),
  })
  return def
}

t.test('a station is reported once every contest covering it has a validated result', async (t) => {
  const def = twoContests()
  const tree = new TallyTree(def)
  const paris = def.stations[0]
  if (!paris) throw new Error('fixture')
  const parisNode = tree.tree.nodes.get('commune:75056')
  const creteilNode = tree.tree.nodes.get('commune:94028')
  if (!parisNode || !creteilNode) throw new Error('fixture')
  tree.takeDirty()

  t.same(tree.apply(smallStationResult(paris)), { kind: 'applied' })
  t.equal(tree.tallyOf(parisNode).stationsReported, 0, 'the referendum is still missing')
  t.equal(contestTallyOf(tree.tallyOf(parisNode), 'pres')?.stationsReported, 1)

  const referendum = {
    ...smallStationResult(paris),
    contestId: 'referendum-paris',
    counts: cleanCounts(paris, 3, ['OUI', 'NON']),
  }
  t.same(tree.apply(referendum), { kind: 'applied' })
  t.equal(tree.tallyOf(parisNode).stationsReported, 1)
  t.equal(tree.root.stationsReported, 1)
  t.same(
    tree.takeDirty().map((a) => a.node.key),
    ['commune:75056', 'departement:75', 'region:11', 'country:FR'],
    'dirty areas, children first',
  )

  const parisDoc = buildAreaDocument(tree, tree.tallyOf(parisNode))
  t.same(parisDoc.contests.map((c) => c.id), ['pres', 'referendum-paris'])
  t.equal(parisDoc.registered, undefined, 'no top-level figures with two contests')
  const creteilDoc = buildAreaDocument(tree, tree.tallyOf(creteilNode))
  t.same(creteilDoc.contests.map((c) => c.id), ['pres'], 'a page shows only the contests of its area')
  t.equal(creteilDoc.registered, 0, 'one contest: figures at the top level')

  t.same(tree.apply({ ...referendum, stationId: def.stations[3]?.id ?? '' }), { kind: 'station-not-in-contest' })
  t.same(tree.apply({ ...referendum, contestId: 'nope' }), { kind: 'unknown-contest' })
  t.same(tree.apply({ ...referendum, electionId: 'other' }), { kind: 'other-election' })
  t.same(tree.apply(referendum), { kind: 'stale' }, 'the same version again changes nothing')
  t.equal(tree.dirtyCount, 0)
})

t.test('withdrawing and re-validating moves every ancestor, never below zero', async (t) => {
  const def = smallElection()
  const tree = new TallyTree(def)
  const station = def.stations[5]
  if (!station) throw new Error('fixture')
  tree.apply(smallStationResult(station, { version: 1 }))
  tree.apply(smallStationResult(station, { version: 2, status: 'withdrawn' }))
  t.same([tree.root.stationsReported, tree.root.registeredReported, tree.root.snapshot], [0, 0, 2])
  t.same(tree.root.contests[0]?.counts.valid, 0)
  tree.apply(smallStationResult(station, { version: 3, seed: 8 }))
  t.equal(tree.root.contests[0]?.counts.valid, cleanCounts(station, 8).valid)
  t.same([tree.root.stationsReported, tree.root.registeredReported, tree.root.snapshot], [1, station.registered, 3])
  const [latest] = tree.takeDirty().filter((a) => a.depth === 0)
  t.equal(latest?.updatedAtMs, Date.parse('2027-04-11T18:13:00.000Z'))
})

t.test('an inconsistent definition is refused', async (t) => {
  const def = smallElection()
  def.stations.push({ id: 'lost-0001', code: '0001', name: 'Nulle part', commune: '99999', registered: 10 })
  t.throws(() => new TallyTree(def), /commune 99999/)
})

t.test('areas without any result are taken a few per cycle, upper levels first; areas with results always', async (t) => {
  const def = smallElection()
  const tree = new TallyTree(def)
  const all = tree.dirtyCount
  t.ok(all > 4, `the fixture has ${all} areas, all dirty at start`)
  const station = def.stations[0]
  if (!station) throw new Error('fixture')
  tree.apply(smallStationResult(station))
  const chain = tree.tree.ancestorsOfStation(station.id).map((n) => n.key)

  const first = tree.takeDirty(1)
  const withResults = first.filter((a) => a.snapshot > 0).map((a) => a.node.key)
  t.same(new Set(withResults), new Set(chain.filter((k) => !k.startsWith('station:'))), 'every area with a result is taken')
  const empty = first.filter((a) => a.snapshot === 0)
  t.equal(empty.length, 1, 'one area without results')
  const shallowest = Math.min(...[...tree.tree.nodes.values()].filter((n) => n.area.level !== 'station' && !withResults.includes(n.key)).map((n) => tree.tallyOf(n).depth))
  t.equal(empty[0]?.depth, shallowest, 'the one taken is among the upper levels')
  t.same(first.map((a) => a.depth), [...first.map((a) => a.depth)].sort((a, b) => b - a), 'still children before parents')
  t.equal(tree.dirtyCount, all - first.length, 'the others wait')

  const taken = first.map((a) => a.node.key)
  while (tree.dirtyCount > 0) taken.push(...tree.takeDirty(1).map((a) => a.node.key))
  t.equal(new Set(taken).size, all, 'every area is written in the end')
  const again = taken.filter((key, i) => taken.indexOf(key) !== i)
  t.same(again, ['commune:75056'], 'each once, but the commune with a result, again with a station page it left for later')
  t.same(tree.takeDirty(0), [], 'nothing left')
})

t.test('station and contest pages: all at first, then only what changed; all again after markAllDirty', async (t) => {
  const def = legislativeElection()
  const tree = new TallyTree(def)
  const paris = tree.tree.nodes.get('commune:75056')
  if (!paris) throw new Error('fixture')
  const codes = () => tree.stationsToWrite(paris).map((s) => s.code)
  const contests = () => tree.contestsToWrite().map((c) => c.id)
  t.same(codes(), ['0101', '0102', '0201'], 'every station of the commune at first')
  t.same(contests(), ['circ-75-01', 'circ-75-02', 'circ-94-01', 'circ-69-01'], 'every contest at first')
  tree.stationsWritten(paris)
  tree.contestsWritten(tree.contestsToWrite())
  t.same([codes(), contests()], [[], []], 'nothing once written')

  const station = def.stations.find((s) => s.id === '75056-0201')
  if (!station) throw new Error('fixture')
  tree.apply(legislativeResult(station, 3, '2027-06-11T18:30:00.000Z'))
  t.same([codes(), contests()], [['0201'], ['circ-75-02']], 'the changed station and its contest only')
  tree.stationsWritten(paris)
  tree.contestsWritten(tree.contestsToWrite())

  tree.markAllDirty()
  t.same(codes(), ['0101', '0102', '0201'], 'every station again')
  t.equal(contests().length, 4, 'every contest again')
  t.equal(tree.takeDirty().length, tree.tree.nodes.size, 'every area again')
})

t.test('a timed cycle writes a commune’s stations with a result now, the others a few per cycle', async (t) => {
  const def = smallElection()
  const tree = new TallyTree(def)
  const paris = tree.tree.nodes.get('commune:75056')
  const [first, second, third] = def.stations.filter((s) => s.commune === '75056')
  if (!paris || !first || !second || !third) throw new Error('fixture')
  const parisTally = tree.tallyOf(paris)
  const codes = () => tree.stationsToWrite(paris).map((s) => s.code)
  // Every area is dirty at start; a cycle with no budget for empty pages takes only areas with a result.
  tree.apply(smallStationResult(first))
  const cycle1 = tree.takeDirty(0)
  t.ok(cycle1.includes(parisTally), 'the commune with a result is taken')
  t.same(codes(), ['0101'], 'only its station with a result is written now')
  t.equal(tree.stationPagesWithoutResultsLeft, 2, 'its two stations without a result wait')
  tree.stationsWritten(paris)

  tree.apply(smallStationResult(second))
  t.same(tree.takeDirty(0).includes(parisTally), true)
  t.same(codes(), ['0102'], 'a station that gets its result is written at once')
  t.equal(tree.stationPagesWithoutResultsLeft, 1, 'and is no longer waiting as a page without result')
  tree.stationsWritten(paris)

  // Budget 1: one page without a result. The areas without results come first, upper levels first.
  let cycles = 0
  while (tree.stationPagesWithoutResultsLeft > 0 && cycles++ < 50) {
    const taken = tree.takeDirty(1)
    if (taken.includes(parisTally)) {
      t.same(codes(), ['0201'], 'the waiting station page comes with its commune')
      tree.stationsWritten(paris)
    }
  }
  t.equal(tree.stationPagesWithoutResultsLeft, 0, 'every station page is written in the end')
  t.same(codes(), [], 'nothing pending')

  // With no limit (publishNow, rebuild) nothing is left for later.
  tree.markAllDirty()
  tree.takeDirty()
  t.same(codes(), ['0101', '0102', '0201'], 'every station page at once')
  t.equal(tree.stationPagesWithoutResultsLeft, 0)
})

t.test('a failed cycle loses no waiting station page, and a withdrawn result is written at once', async (t) => {
  const def = smallElection()
  const tree = new TallyTree(def)
  const creteil = tree.tree.nodes.get('commune:94028')
  const [a, b] = def.stations.filter((s) => s.commune === '94028')
  if (!creteil || !a || !b) throw new Error('fixture')
  const codes = () => tree.stationsToWrite(creteil).map((s) => s.code)
  tree.apply(smallStationResult(a))
  const taken = tree.takeDirty(0)
  t.same(codes(), ['0001'])
  // The cycle fails: its areas go back, nothing was written.
  tree.markDirty(taken)
  t.same(tree.takeDirty(0).includes(tree.tallyOf(creteil)), true, 'the commune is taken again')
  t.same(codes(), ['0001'], 'its station with a result is still pending')
  t.equal(tree.stationPagesWithoutResultsLeft, 1, 'the other still waits')
  tree.stationsWritten(creteil)

  tree.apply(smallStationResult(a, { version: 2, status: 'withdrawn' }))
  tree.takeDirty(0)
  t.same(codes(), ['0001'], 'the withdrawal is written at once: the page loses its figures')
})
