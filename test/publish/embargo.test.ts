// The embargo on both sides of the instant: with the clock 1 ms before the election's
// pollsCloseAt, no file of the output holds a figure (not a vote, not a count of stations
// reported, not a snapshot) and the pages say when results will appear, in Paris time; at the
// instant itself the next cycle, publishNow() or a timed one, writes every figure. Every page kind
// is searched: areas (the national one with its map configured), polling stations, the contests of
// a several-contest election, each in French and English.
import t, { type Test } from 'tap'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { ElectionDefinition, Station, StationResult } from '../../core/schemas.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { createFsStorage } from '../../infra/storage/fs-storage.js'
import { buildPublisher } from '../../publish/publisher.js'
import type { PageOptions } from '../../publish/page-writer.js'
import { MAP_ASSET_KEY } from '../../publish/site-assets.js'
import { legislativeElection, legislativeResult } from '../fixtures/legislative-election.js'
import { smallElection, smallStationResult } from '../fixtures/small-election.js'
import { openTestBus, produceDefinition, produceResults, readJson, readText, readTree, squaresMap } from '../helpers/publisher-harness.js'

const def = smallElection()
const CLOSE_MS = Date.parse(def.election.pollsCloseAt)
const station = (id: string): Station => {
  const s = def.stations.find((x) => x.id === id)
  if (!s) throw new Error(`no station ${id}`)
  return s
}
/** Every station but Villeurbanne's, so the output has areas with and without results; one corrected. */
const results = (): StationResult[] => [
  ...def.stations.filter((s) => s.commune !== '69266').map((s, i) => smallStationResult(s, { seed: 7 + i * 3 })),
  { ...smallStationResult(station('75056-0102'), { version: 2, seed: 99 }), reason: 'Inversion de deux candidats' },
]
const AREA_KEYS = ['', 'region/11/', 'region/84/', 'departement/75/', 'departement/94/', 'departement/69/', 'commune/75056/', 'commune/94028/', 'commune/94080/', 'commune/69123/', 'commune/69266/']

/** Every figure the results carry that could not be mistaken for a code or a date (≥ 100). */
function figuresOf(all: readonly StationResult[]): Set<number> {
  const figures = new Set<number>()
  const sums = new Map<string, number>()
  for (const r of all) {
    const { votes, ...totals } = r.counts
    for (const [k, v] of [...Object.entries(totals), ...Object.entries(votes)]) {
      figures.add(v)
      sums.set(k, (sums.get(k) ?? 0) + v)
    }
  }
  for (const v of sums.values()) figures.add(v)
  return new Set([...figures].filter((v) => v >= 100))
}

interface Setup {
  intervalMs?: number
  definition?: ElectionDefinition
  results?: StationResult[]
  /** Page options; by default the national page's map. */
  pages?: (dir: string) => PageOptions
}

async function embargoedPublisher(t: Test, setup: Setup = {}) {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const clock = { now: CLOSE_MS - 1 }
  const out = join(dir, 'out')
  const pages = (setup.pages ?? ((d) => ({ map: squaresMap(d), scansBaseUrl: 'https://pv.example.fr/2026' })))(dir)
  const publisher = buildPublisher({
    bus,
    storage: createFsStorage(out),
    logger: silentLogger(),
    metrics: createMetricsRegistry(false),
    intervalMs: setup.intervalMs ?? 3_600_000,
    clock: () => new Date(clock.now),
    pages,
  })
  await publisher.start()
  t.teardown(() => publisher.stop())
  await produceDefinition(bus, setup.definition ?? def)
  await produceResults(bus, setup.results ?? results())
  return { publisher, out, clock, pages }
}

/**
 * Every figure of `all` found in a file of `out` (variants unzipped), by file. The map's shapes are
 * left out: their coordinates are numbers that may equal a figure by chance (the caller checks the
 * file is the geometry alone, the same whatever the results).
 */
async function leakedFigures(out: string, all: readonly StationResult[]): Promise<{ keys: string[]; leaks: Map<string, number[]> }> {
  const tree = await readTree(out)
  const figures = figuresOf(all)
  const leaks = new Map<string, number[]>()
  for (const [key, bytes] of tree) {
    if (key.endsWith('.br')) continue // the same bytes as the .gz, which is checked
    if (key.startsWith(MAP_ASSET_KEY)) continue
    const text = (key.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')
    const leaked = [...text.matchAll(/\d+(?:[\s\u202f\u00a0]\d{3})*/g)].map((m) => Number(m[0].replace(/\D/g, ''))).filter((n) => figures.has(n))
    if (leaked.length > 0) leaks.set(key, leaked)
  }
  return { keys: [...tree.keys()], leaks }
}

t.test('1 ms before the polls close: names and the time results appear, no figure anywhere', async (t) => {
  const { publisher, out, pages } = await embargoedPublisher(t)
  await publisher.publishNow()
  t.equal(await readText(out, MAP_ASSET_KEY), pages.map?.svg, 'the map file: the shapes alone, drawn before any result is read')
  t.ok(figuresOf(results()).size > 20, 'the results hold figures to look for')
  const { keys, leaks } = await leakedFigures(out, results())
  for (const key of ['commune/75056/bureau/0102/index.html', 'commune/75056/bureau/0102/index.en.html', 'commune/75056/bureau/0102/index.json', 'index.en.html', 'assets/departements.svg']) {
    t.ok(keys.includes(key), `${key} is written, and searched`)
  }
  t.same(Object.fromEntries(leaks), {}, 'no figure of the results in any file')
  t.notOk(keys.some((k) => k.startsWith('data/v/') || k.startsWith('feed.xml') || k.startsWith('corrections/') || k === 'data/corrections.json'), 'no versioned copy, feed or corrections log')

  t.same(await readJson(out, 'status.json'), { electionId: def.election.id, embargo: { resultsFrom: '2026-04-12T18:00:00.000Z' } })
  for (const dir of AREA_KEYS) {
    const doc = await readJson(out, `${dir}index.json`)
    t.same(Object.keys(doc).sort(), ['ancestors', 'area', 'children', 'contests', 'election', 'embargo', 'page', 'parent'], `${dir}index.json: names and links only`)
    t.equal((await readText(out, `${dir}results.csv`)).split('\r\n').length, 2, `${dir}results.csv: the header row alone`)
  }
  const national = await readText(out, 'index.html')
  t.match(national, 'Les résultats seront publiés à partir du <time datetime="2026-04-12T18:00:00.000Z">dimanche 12 avril 2026 à 20:00</time> (heure de Paris)')
  t.match(national, 'Alice MARTIN', 'candidates are named')
  t.notMatch(national, /bureaux? sur|Instantané|dépouillé/, 'no progress line, no snapshot')
  t.notMatch(national, /id="carte"|<svg|role="status"/, 'no map colours, no chart, no summary sentence')
  t.notMatch(await readText(out, 'commune/75056/index.html'), /Mairie du 1er/, 'no station table')
  const english = await readText(out, 'index.en.html')
  t.match(english, 'Results will be published from <time datetime="2026-04-12T18:00:00.000Z">Sunday, 12 April 2026 at 20:00</time> (Paris time)')
  t.notMatch(english, /counted|Snapshot|<svg/, 'the English page: no progress line, no snapshot, no chart')

  const stationDir = 'commune/75056/bureau/0102/'
  const stationDoc = (await readJson(out, `${stationDir}index.json`)) as { station: object }
  t.same(Object.keys(stationDoc).sort(), ['ancestors', 'area', 'children', 'contests', 'election', 'embargo', 'page', 'parent', 'station'], 'station index.json: names and links only')
  t.same(Object.keys(stationDoc.station).sort(), ['address', 'code', 'id', 'name'], 'the station named, not its roll, version, validation time nor scan')
  t.notMatch(JSON.stringify(stationDoc), /validatedAt|sha256|Inversion/, 'no validation time, scan digest or correction reason')
  const stationPage = await readText(out, `${stationDir}index.html`)
  t.match(stationPage, 'Les résultats seront publiés à partir du')
  t.notMatch(stationPage, /SHA-256|pv\.example\.fr|Inversion|validé/, 'no scan, no validation, no reason')
  t.match(await readText(out, `${stationDir}index.en.html`), 'Results will be published from')
  t.equal((await readText(out, `${stationDir}results.csv`)).split('\r\n').length, 2, 'station results.csv: the header row alone')

  t.matchSnapshot(national, 'national index.html under embargo')
  t.matchSnapshot(JSON.stringify(await readJson(out, 'commune/75056/index.json'), null, 2), 'commune index.json under embargo')

  const nist = await readJson(out, 'data/results-nist.json')
  t.equal(nist.Status, 'pre-election')
  t.notMatch(JSON.stringify(nist), /VoteCounts|SummaryCounts|SubUnitsReported|VotersRegistered|CountStatus/, 'no count of any kind')
  t.equal((await readText(out, 'data/results.csv')).split('\r\n').length, 2, 'the per-station CSV: the header row alone')
  t.same(Object.keys(await readJson(out, 'data/index.json')).sort(), ['electionId', 'embargo', 'files'])
})

t.test('at the instant the polls close, the next publishNow() writes every figure', async (t) => {
  const { publisher, out, clock } = await embargoedPublisher(t)
  await publisher.publishNow()
  clock.now = CLOSE_MS
  const report = await publisher.publishNow()
  t.equal(report.areasRendered, AREA_KEYS.length, 'every area, those without results included')
  const expectedValid = results()
    .filter((r) => !(r.stationId === '75056-0102' && r.version === 1))
    .reduce((sum, r) => sum + r.counts.valid, 0)
  t.equal((await readJson(out, 'index.json')).valid, expectedValid, 'national figures')
  t.match(await readJson(out, 'status.json'), { snapshot: 9, stations: { reported: 8, total: 9 } })
  t.same((await readJson(out, 'commune/69266/index.json')).stations, { reported: 0, total: 1 }, 'an area without results leaves its notice too')
  t.equal((await readJson(out, 'data/results-nist.json')).Status, 'unofficial-partial')
  t.match(await readText(out, 'feed.xml'), '<entry>')
  t.match(await readJson(out, 'data/corrections.json'), { corrections: [{ stationId: '75056-0102', version: 2, reason: 'Inversion de deux candidats' }] })
})

t.test('a timed cycle crosses the instant on its own', async (t) => {
  const { out, clock } = await embargoedPublisher(t, { intervalMs: 20 })
  const waitFor = async (what: string, ok: (status: Record<string, unknown>) => boolean) => {
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      const status = await readJson(out, 'status.json').catch(() => undefined)
      if (status && ok(status)) return status
      await new Promise((r) => setTimeout(r, 20))
    }
    t.fail(`timed out waiting for ${what}`)
    return undefined
  }
  await waitFor('the embargoed status.json', (s) => 'embargo' in s)
  t.notOk('valid' in (await readJson(out, 'index.json')), 'the national page holds no figure yet')
  clock.now = CLOSE_MS + 1_000
  await waitFor('the figures', (s) => s.snapshot === 9)
  for (const dir of AREA_KEYS) t.ok('snapshot' in (await readJson(out, `${dir}index.json`)), `${dir}index.json has left its notice`)
})

t.test('several contests: contest and station pages, French and English, hold no figure before the instant', async (t) => {
  const legislative = legislativeElection()
  const ids = ['75056-0101', '75056-0201', '94028-0001', '94028-0002', '69123-0101']
  const legislativeResults = ids.map((id, i) => {
    const s = legislative.stations.find((x) => x.id === id)
    if (!s) throw new Error(`no station ${id}`)
    return legislativeResult(s, 5 + i * 4, `2026-04-11T16:0${i}:00.000Z`)
  })
  const { publisher, out, clock } = await embargoedPublisher(t, { definition: legislative, results: legislativeResults })
  await publisher.publishNow()
  const { keys, leaks } = await leakedFigures(out, legislativeResults)
  for (const page of ['contest/circ-75-01/', 'contest/circ-69-01/', 'commune/75056/bureau/0201/', '']) {
    for (const file of ['index.html', 'index.en.html', 'index.json', 'results.csv']) t.ok(keys.includes(`${page}${file}`), `${page}${file} is written, and searched`)
  }
  t.same(Object.fromEntries(leaks), {}, 'no figure of the results in any file')

  const contest = (await readJson(out, 'contest/circ-75-01/index.json')) as { children: { code: string }[] }
  t.same(Object.keys(contest).sort(), ['ancestors', 'area', 'children', 'contests', 'election', 'embargo', 'page', 'parent'], 'contest index.json: names and links only')
  t.same(contest.children.map((c) => c.code), ['75056'], 'its communes, linked')
  const contestPage = await readText(out, 'contest/circ-75-01/index.html')
  t.match(contestPage, '1re circonscription de Paris')
  t.match(contestPage, 'Durand DURAND', 'its candidates named')
  t.match(contestPage, '<a href="../../commune/75056/">Paris</a>', 'links relative to the contest folder')
  t.match(await readText(out, 'contest/circ-75-01/index.en.html'), '<a href="../../commune/75056/index.en.html">Paris</a>', 'English pages link to English pages')
  t.equal((await readText(out, 'contest/circ-75-01/results.csv')).split('\r\n').length, 2, 'contest results.csv: the header row alone')

  clock.now = CLOSE_MS
  await publisher.publishNow()
  t.ok('snapshot' in (await readJson(out, 'contest/circ-75-01/index.json')), 'at the instant the contest page has its figures')
  t.ok('snapshot' in (await readJson(out, 'commune/69123/bureau/0102/index.json')), 'and so has a station page without a result')
  t.match(await readText(out, 'contest/circ-75-01/index.en.html'), 'Snapshot no.')
})
