// The pages readers see, for one fixed election per kind: snapshots of every page kind (national
// with its map, région, département, commune, polling station, contest; French and English), the
// station page's validation time and scan digest, the map file's errors, a replay checked for
// national = Σ régions = Σ départements at every snapshot, and two rebuilds giving the same bytes.
import t from 'tap'
import { join } from 'node:path'
import type { Test } from 'tap'
import type { ElectionDefinition, StationResult } from '../../core/schemas.js'
import type { Bus } from '../../infra/bus/bus.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { candidateColour } from '../../publish/candidate-ranking.js'
import { loadDepartementMap, MapFileError } from '../../publish/departement-map.js'
import type { PageOptions } from '../../publish/page-writer.js'
import { buildPublisher } from '../../publish/publisher.js'
import { legislativeElection, legislativeResult } from '../fixtures/legislative-election.js'
import { smallElection, smallStationResult } from '../fixtures/small-election.js'
import { openTestBus, produceDefinition, produceResults, readCurrentTree, readJson, readText, recordingStorage, squaresMap } from '../helpers/publisher-harness.js'

const SHA = 'a3'.repeat(32)

async function publisherWith(t: Test, bus: Bus, out: string, pages: PageOptions) {
  const publisher = buildPublisher({ bus, storage: recordingStorage(out), logger: silentLogger(), metrics: createMetricsRegistry(false), intervalMs: 3_600_000, pages })
  await publisher.start()
  t.teardown(() => publisher.stop())
  return publisher
}

const small = smallElection()
const station = (def: ElectionDefinition, id: string) => {
  const s = def.stations.find((x) => x.id === id)
  if (!s) throw new Error(`no station ${id}`)
  return s
}
const smallResults = (): StationResult[] =>
  small.stations.map((s, i) => smallStationResult(s, { seed: 3 + i * 5, validatedAt: `2027-04-11T18:${String(20 + i).padStart(2, '0')}:00.000Z` }))

t.test('every page kind of the small election (snapshots)', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const out = join(dir, 'out')
  const publisher = await publisherWith(t, bus, out, { map: squaresMap(dir), scansBaseUrl: 'https://pv.example.fr/2027' })
  await produceDefinition(bus, small)
  const results = smallResults().slice(0, 7)
  const first = results[0]
  if (!first) throw new Error('fixture')
  results[0] = { ...first, scan: { sha256: SHA, contentType: 'application/pdf', bytes: 81_234 } }
  await produceResults(bus, results)
  await publisher.publishNow()

  for (const key of [
    'index.html',
    'index.en.html',
    'region/11/index.html',
    'departement/94/index.html',
    'commune/75056/index.html',
    'commune/75056/index.en.html',
    'commune/75056/bureau/0101/index.html',
    'commune/75056/bureau/0101/index.en.html',
    'commune/75056/bureau/0101/results.csv',
    'commune/69266/bureau/0001/index.html',
  ]) {
    t.matchSnapshot(await readText(out, key), key)
  }
  t.matchSnapshot(JSON.stringify(await readJson(out, 'commune/75056/bureau/0101/index.json'), null, 2), 'station index.json')

  const stationPage = await readText(out, 'commune/75056/bureau/0101/index.html')
  t.match(stationPage, `<code class="sha">${SHA}</code>`, 'the scan digest')
  t.match(stationPage, `<a href="https://pv.example.fr/2027/a3/${SHA}.pdf">`, 'a link to the published scan')
  t.match(stationPage, '<time datetime="2027-04-11T18:20:00.000Z">11 avril 2027 à 20:20:00</time>', 'validated at, Paris time')
  const awaiting = await readText(out, 'commune/69266/bureau/0001/index.html')
  t.match(awaiting, 'Ce bureau n’a pas encore de résultat validé.')

  const national = await readText(out, 'index.html')
  t.match(national, /<svg role="img" aria-labelledby="carte-title carte-desc"/, 'the map is an image with a title and description')
  t.match(national, /<svg role="img" aria-labelledby="chart-pres-title chart-pres-desc"/, 'the bar chart too')
  t.match(national, /<p class="summary">France entière : \S+ \S+ arrive en tête avec/, 'one sentence says who leads')
  const doc = (await readJson(out, 'departement/94/index.json')) as { candidates: { ballot: number; votes: number }[] }
  const leader = [...doc.candidates].sort((a, b) => b.votes - a.votes || a.ballot - b.ballot)[0]
  if (!leader) throw new Error('no candidates')
  const paths = [...national.matchAll(/<use href="\.\/assets\/departements\.svg#d-\w+" fill="(#[0-9a-f]{6})"><title>([^<]+)<\/title>/g)].map((m) => [m[2], m[1]])
  t.equal(paths.length, 4, 'one shape per département of the file, overseas included')
  t.same(paths.find(([label]) => label?.startsWith('Val-de-Marne'))?.[1], candidateColour(leader.ballot), 'Val-de-Marne in its leader’s colour')
  t.match(await readText(out, 'index.en.html'), '<html lang="en">')
  const shapes = await readText(out, 'assets/departements.svg')
  t.equal(shapes.match(/<path id="d-(75|94|69|971)" d="M[^"]+Z"/g)?.length, 4, 'the shapes, drawn once in their own file')
})

t.test('several contests: a page per contest, listed on each area page (snapshots)', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const out = join(dir, 'out')
  const def = legislativeElection()
  const publisher = await publisherWith(t, bus, out, { map: squaresMap(dir) })
  await produceDefinition(bus, def)
  await produceResults(bus, ['75056-0101', '75056-0201', '94028-0001'].map((id, i) => legislativeResult(station(def, id), 4 + i, `2027-06-11T18:3${i}:00.000Z`)))
  await publisher.publishNow()

  t.matchSnapshot(await readText(out, 'contest/circ-75-01/index.html'), 'contest page')
  t.matchSnapshot(JSON.stringify(await readJson(out, 'contest/circ-75-01/index.json'), null, 2), 'contest index.json')
  t.matchSnapshot(await readText(out, 'contest/circ-75-01/results.csv'), 'contest results.csv')
  const paris = await readText(out, 'commune/75056/index.html')
  t.matchSnapshot(paris, 'commune cut by two contests')
  t.match(paris, '<a href="../../contest/circ-75-01/">Page du scrutin — 1re circonscription de Paris</a>')
  t.match(paris, '<a href="../../contest/circ-75-02/">Page du scrutin — 2e circonscription de Paris</a>')
  const national = await readText(out, 'index.html')
  t.notMatch(national, 'id="carte"', 'no national map when contests differ by place')
  for (const id of ['circ-75-01', 'circ-75-02', 'circ-94-01', 'circ-69-01']) t.match(national, `href="./contest/${id}/"`)
  t.matchSnapshot(national, 'national page of four contests: one table of contests')
  t.match(national, '<caption>Scrutins — France entière</caption>')
  t.notMatch(national, 'id="scrutin-', 'more than three contests: no section per contest')
  t.match(paris, 'id="scrutin-circ-75-01"', 'two contests: a section each')
  const contest = (await readJson(out, 'contest/circ-75-01/index.json')) as { snapshot: number; stations: unknown; contestAreas: { code: string }[] }
  t.same([contest.snapshot, contest.stations, contest.contestAreas.map((a) => a.code)], [1, { reported: 1, total: 2 }, ['75056']])
})

t.test('at every snapshot of a replay, national = Σ régions = Σ départements', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const out = join(dir, 'out')
  const publisher = await publisherWith(t, bus, out, {})
  await produceDefinition(bus, small)
  const results = smallResults()
  const paris = station(small, '75056-0101')
  // Every station one by one, then a correction and a withdrawal: each step one snapshot.
  const steps: StationResult[][] = [
    ...results.map((r) => [r]),
    [smallStationResult(paris, { version: 2, seed: 31, validatedAt: '2027-04-11T19:00:00.000Z' })],
    [{ ...smallStationResult(paris, { version: 3, seed: 31, status: 'withdrawn', validatedAt: '2027-04-11T19:05:00.000Z' }), reason: 'procès-verbal illisible' }],
  ]
  type Doc = { snapshot: number; stations: { reported: number; total: number }; contests: { registered: number; voters: number; blank: number; invalid: number; valid: number; candidates: { id: string; votes: number }[] }[] }
  const totals = (docs: Doc[]) => {
    const sum: Record<string, number> = {}
    const add = (k: string, n: number) => (sum[k] = (sum[k] ?? 0) + n)
    for (const d of docs) {
      add('snapshot', d.snapshot)
      add('reported', d.stations.reported)
      add('total', d.stations.total)
      for (const c of d.contests) {
        for (const f of ['registered', 'voters', 'blank', 'invalid', 'valid'] as const) add(f, c[f])
        for (const k of c.candidates) add(`votes.${k.id}`, k.votes)
      }
    }
    return sum
  }
  let previous = 0
  for (const step of steps) {
    await produceResults(bus, step)
    await publisher.publishNow()
    const read = (key: string) => readJson(out, key) as unknown as Promise<Doc>
    const national = await read('index.json')
    const regions = await Promise.all(['11', '84'].map((c) => read(`region/${c}/index.json`)))
    const departements = await Promise.all(['75', '94', '69'].map((c) => read(`departement/${c}/index.json`)))
    t.ok(national.snapshot > previous, `snapshot ${national.snapshot} moved forward`)
    previous = national.snapshot
    t.same(totals([national]), totals(regions), `snapshot ${national.snapshot}: national = Σ régions`)
    t.same(totals([national]), totals(departements), `snapshot ${national.snapshot}: national = Σ départements`)
    const status = await readJson(out, 'status.json')
    t.equal(status.snapshot, national.snapshot, 'status.json at the same snapshot')
  }
  t.equal(previous, 9 + 1 + 1, 'Σ versions: nine firsts, then Paris 0101 from version 1 to 3')
  const withdrawn = await readText(out, 'commune/75056/bureau/0101/index.html')
  t.match(withdrawn, 'Le résultat de ce bureau a été retiré et n’est plus compté.')
  t.match(withdrawn, '<p>procès-verbal illisible</p>', 'the reason is shown')
  t.match(withdrawn, '<dt>Version</dt><dd>3</dd>')
  const page = (await readJson(out, 'commune/75056/bureau/0101/index.json')) as { stations: unknown; station: { results: unknown[] } }
  t.same(page.stations, { reported: 0, total: 1 })
  t.same(page.station.results, [{ contestId: 'pres', status: 'withdrawn', version: 3, validatedAt: '2027-04-11T19:05:00.000Z', reason: 'procès-verbal illisible', scan: null }])
})

t.test('two rebuilds of the same results give byte-identical files, station and contest pages included', async (t) => {
  const dir = t.testdir()
  const def = legislativeElection()
  const results = def.stations.map((s, i) => legislativeResult(s, 2 + i, `2027-06-11T18:${String(10 + i).padStart(2, '0')}:00.000Z`))
  const map = squaresMap(dir)
  const trees = []
  for (const name of ['a', 'b']) {
    const bus = await openTestBus(t, join(dir, `bus-${name}`))
    const publisher = await publisherWith(t, bus, join(dir, name), { map, scansBaseUrl: 'https://pv.example.fr/' })
    // A publishes as results arrive, in two cycles; B reads them reversed, in one.
    await produceDefinition(bus, def)
    if (name === 'a') {
      await produceResults(bus, results.slice(0, 4))
      await publisher.publishNow()
      await produceResults(bus, results.slice(4))
    } else {
      await produceResults(bus, [...results].reverse())
    }
    await publisher.publishNow()
    trees.push(await readCurrentTree(join(dir, name)))
  }
  const [a, b] = trees
  if (!a || !b) throw new Error('two trees')
  t.ok([...a.keys()].some((k) => k.startsWith('contest/circ-69-01/')), 'contest pages written')
  t.ok([...a.keys()].some((k) => k.startsWith('commune/75056/bureau/0201/')), 'station pages written')
  t.same([...b.keys()], [...a.keys()])
  const differing = [...a].filter(([key, bytes]) => !bytes.equals(b.get(key) ?? Buffer.alloc(0))).map(([key]) => key)
  t.same(differing, [], 'every file byte for byte')
})

t.test('a map file that is not département GeoJSON is refused with its name and the problem', async (t) => {
  const dir = t.testdir({ 'bad.json': '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}', 'garbage.json': 'not json' })
  t.throws(() => loadDepartementMap([join(dir, 'bad.json')]), new MapFileError(`${join(dir, 'bad.json')}: not a GeoJSON FeatureCollection of Polygon/MultiPolygon features with a "code" property (features.0.properties.code: Invalid input: expected string, received undefined)`))
  t.throws(() => loadDepartementMap([join(dir, 'garbage.json')]), /garbage\.json: cannot read the map file as JSON/)
  t.throws(() => loadDepartementMap([join(dir, 'missing.json')]), /missing\.json: cannot read the map file/)
})
