import t from 'tap'
import { join } from 'node:path'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { TOPICS } from '../../core/messages.js'
import { sharePercent } from '../../core/counts.js'
import type { Station, StationResult } from '../../core/schemas.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { hasVariants, MIN_VARIANT_BYTES } from '../../infra/storage/compressed-variants.js'
import { createFsStorage } from '../../infra/storage/fs-storage.js'
import { HeapBudget } from '../../infra/heap-budget.js'
import { buildPublisher } from '../../publish/publisher.js'
import { cleanCounts, smallElection, smallStationResult, SMALL_CANDIDATE_IDS } from '../fixtures/small-election.js'
import { isSiteWide, openTestBus, produceDefinition, produceResults, readJson, readCurrentTree, readText, SITE_WIDE_FILES, startPublisher } from '../helpers/publisher-harness.js'
import { failingOnce } from '../helpers/recording-outputs.js'

const isVariant = (key: string) => key.endsWith('.gz') || key.endsWith('.br')

/** The keys among `keys` whose file in `out` is large enough for variants. */
async function withVariantsOf(out: string, keys: readonly string[]): Promise<string[]> {
  const sized = await Promise.all(keys.map(async (k) => ({ k, large: hasVariants(k, await readFile(join(out, k))) })))
  return sized.filter((x) => x.large).map((x) => x.k)
}

const def = smallElection()
const stations = def.stations
const stationById = (id: string): Station => {
  const s = stations.find((x) => x.id === id)
  if (!s) throw new Error(`no station ${id}`)
  return s
}
/** Every station validated once, each with its own figures and time. */
const allResults = (): StationResult[] =>
  stations.map((s, i) => smallStationResult(s, { seed: 3 + i * 5, validatedAt: `2027-04-11T18:${String(20 + i).padStart(2, '0')}:00.000Z` }))

const FIGURES = ['registered', 'voters', 'blank', 'invalid', 'valid'] as const
/** Per page: index.json, index.html, index.en.html, results.csv. */
const PAGE_FILES = ['index.en.html', 'index.html', 'index.json', 'results.csv']
/** 11 area pages and 9 station pages, the style sheet and script, status.json, the site-wide files. */
const ALL_FILES = (11 + 9) * PAGE_FILES.length + 2 + 1 + SITE_WIDE_FILES


interface Doc {
  area: { level: string; code: string; name: string }
  snapshot: number
  updatedAt: string | null
  stations: { reported: number; total: number }
  registeredCovered: number
  registered: number
  voters: number
  blank: number
  invalid: number
  valid: number
  candidates: { id: string; name: string; votes: number; ballot: number; party: string | null; share: number }[]
  contests: (Record<(typeof FIGURES)[number], number> & { id: string; candidates: Doc['candidates']; stations: { reported: number; total: number } })[]
  parent: { level: string; code: string; name: string; url: string } | null
  children: { level: string; code: string; name: string; url: string; stations: { reported: number; total: number } }[]
  stationResults?: { id: string; code: string; name: string; results: { status: string; version?: number; valid?: number }[] }[]
}

const doc = async (out: string, key: string) => (await readJson(out, key)) as unknown as Doc

/** Σ of the children's figures, to compare with their parent's. */
function sumDocs(docs: readonly Doc[]) {
  const total: Record<string, number> = { snapshot: 0, reported: 0, total: 0 }
  for (const d of docs) {
    for (const f of FIGURES) total[f] = (total[f] ?? 0) + d[f]
    for (const c of d.candidates) total[`votes.${c.id}`] = (total[`votes.${c.id}`] ?? 0) + c.votes
    total.snapshot = (total.snapshot ?? 0) + d.snapshot
    total.reported = (total.reported ?? 0) + d.stations.reported
    total.total = (total.total ?? 0) + d.stations.total
  }
  return total
}

function figuresOf(d: Doc) {
  return sumDocs([d])
}

t.test('publishes every area; national = Σ régions = Σ départements', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const { publisher, storage, out } = await startPublisher(t, bus, join(dir, 'out'))
  await produceDefinition(bus, def)
  await produceResults(bus, allResults())
  const report = await publisher.publishNow()

  t.equal(report.areasRendered, 1 + 2 + 3 + 5, 'country, 2 régions, 3 départements, 5 communes')
  t.equal(report.filesWritten, ALL_FILES, 'json, html in French and English and csv per area and station, the assets, status.json and the site-wide files')
  const taken = storage.take()
  t.equal(taken.length, report.filesWritten + report.variantsWritten)
  const large = await withVariantsOf(out, taken.filter((k) => !isVariant(k)))
  t.ok(large.length > 0, 'some files are large enough for variants')
  t.equal(report.variantsWritten, large.length * 2, `each of ${MIN_VARIANT_BYTES} bytes or more with its .gz and .br`)

  const national = await doc(out, 'index.json')
  const regions = await Promise.all(['11', '84'].map((c) => doc(out, `region/${c}/index.json`)))
  const departements = await Promise.all(['75', '94', '69'].map((c) => doc(out, `departement/${c}/index.json`)))
  const communes = await Promise.all(['75056', '94028', '94080', '69123', '69266'].map((c) => doc(out, `commune/${c}/index.json`)))
  t.same(figuresOf(national), sumDocs(regions), 'national = Σ régions (figures, votes, stations, snapshot)')
  t.same(figuresOf(national), sumDocs(departements), 'national = Σ départements')
  t.same(figuresOf(national), sumDocs(communes), 'national = Σ communes')

  // Independently of the publisher's arithmetic: the sum of what was produced.
  const expected: Record<string, number> = { registered: 0, voters: 0, blank: 0, invalid: 0, valid: 0 }
  for (const r of allResults()) {
    for (const f of FIGURES) expected[f] = (expected[f] ?? 0) + r.counts[f]
  }
  for (const f of FIGURES) t.equal(national[f], expected[f], `national ${f}`)
  t.same(national.stations, { reported: 9, total: 9 })
  t.equal(national.snapshot, 9, 'snapshot = Σ versions')
  t.equal(national.updatedAt, '2027-04-11T18:28:00.000Z', 'updatedAt = latest validatedAt')
  t.equal(national.registeredCovered, 100)

  const status = await readJson(out, 'status.json')
  t.same(status, { electionId: def.election.id, snapshot: 9, updatedAt: '2027-04-11T18:28:00.000Z', stations: { reported: 9, total: 9 } })
  t.same(publisher.status(), { active: true, snapshot: 9, stationsReported: 9, stationsTotal: 9, electionId: def.election.id })
})

t.test('index.json follows the public contract', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const { publisher, out } = await startPublisher(t, bus, join(dir, 'out'))
  await produceDefinition(bus, def)
  // Only Créteil's first station: the rest of the tree still shows "0 of N".
  await produceResults(bus, [smallStationResult(stationById('94028-0001'), { seed: 4 })])
  await publisher.publishNow()

  const national = await doc(out, 'index.json')
  t.same(national.area, { level: 'country', code: 'FR', name: 'France' })
  t.equal(national.parent, null)
  t.same(
    national.children.map((c) => [c.code, c.url, c.stations.reported, c.stations.total]),
    [
      ['11', '/region/11/', 1, 6],
      ['84', '/region/84/', 0, 3],
    ],
  )
  t.same(national.stations, { reported: 1, total: 9 })
  t.equal(national.registeredCovered, sharePercent(1340, stations.reduce((a, s) => a + s.registered, 0)))
  const counts = cleanCounts(stationById('94028-0001'), 4)
  t.equal(national.contests.length, 1)
  const contest = national.contests[0]
  for (const f of FIGURES) {
    t.equal(national[f], counts[f], `top-level ${f} (single contest)`)
    t.equal(contest?.[f], counts[f], `contest ${f}`)
  }
  t.same(
    national.candidates.map((c) => [c.id, c.ballot, c.votes, c.share]),
    SMALL_CANDIDATE_IDS.map((id, i) => [id, i + 1, counts.votes[id], sharePercent(counts.votes[id] ?? 0, counts.valid)]),
    'candidates in ballot order with votes and share of valid',
  )
  t.same(national.candidates.map((c) => c.party), ['Parti de l’Avenir', 'Union "Centre"', null])
  t.same(contest?.candidates, national.candidates)

  const commune = await doc(out, 'commune/94028/index.json')
  t.same(commune.parent, { level: 'departement', code: '94', name: 'Val-de-Marne', url: '/departement/94/' })
  t.same(commune.children, [])
  t.same(
    commune.stationResults?.map((s) => [s.id, s.results[0]?.status]),
    [
      ['94028-0001', 'validated'],
      ['94028-0002', 'awaiting'],
    ],
  )
  const lyon = await doc(out, 'region/84/index.json')
  t.same([lyon.snapshot, lyon.updatedAt, lyon.valid, lyon.stations.reported], [0, null, 0, 0], 'an area without results')
})

t.test('the commune page lists its stations in HTML, JSON and CSV', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const { publisher, out } = await startPublisher(t, bus, join(dir, 'out'))
  await produceDefinition(bus, def)
  await produceResults(bus, [smallStationResult(stationById('75056-0101'), { seed: 2 }), smallStationResult(stationById('75056-0201'), { seed: 9 })])
  await publisher.publishNow()

  const html = await readText(out, 'commune/75056/index.html')
  t.match(html, '<html lang="fr">')
  t.match(html, '0101 — Mairie du 1er arrondissement')
  t.match(html, '0102 — École élémentaire, rue de l’Arbre-Sec')
  t.match(html, '0201 — Gymnase &quot;Jean Dame&quot;', 'station names are escaped')
  t.match(html, 'en attente', 'the station without result says so')
  t.match(html, '2 bureaux sur 3 dépouillés')
  t.match(html, /<caption>Bureaux de vote — Président de la République<\/caption>/)
  t.match(html, '<a href="../../departement/75/">Paris</a>', 'breadcrumb link up to the département')
  t.match(html, '<a href="../../">France entière</a>')
  t.equal(html.split('<script').length - 1, 1, 'one script element: the optional refresh script')
  t.match(html, '<script src="../../assets/live.js" defer></script>', 'external and deferred: the page works without it')
  t.match(html, '<a href="../../commune/75056/bureau/0101/">0101 — Mairie du 1er arrondissement</a>', 'each station links to its page')

  const commune = await doc(out, 'commune/75056/index.json')
  t.same(
    commune.stationResults?.map((s) => s.code),
    ['0101', '0102', '0201'],
  )

  const csv = await readText(out, 'commune/75056/results.csv')
  const lines = csv.split('\r\n')
  t.equal(lines[0], 'level,code,name,contest,stations_reported,stations_total,registered,voters,blank,invalid,valid,MARTIN,DUBOIS,LEROY')
  const c = cleanCounts(stationById('75056-0101'), 2)
  t.equal(lines[1], `station,0101,Mairie du 1er arrondissement,pres,1,1,${c.registered},${c.voters},${c.blank},${c.invalid},${c.valid},${c.votes.MARTIN},${c.votes.DUBOIS},${c.votes.LEROY}`)
  t.equal(lines[2], 'station,0102,"École élémentaire, rue de l’Arbre-Sec",pres,0,1,,,,,,,,', 'quoted name, empty figures while awaiting')
  t.match(lines[3], /^station,0201,"Gymnase ""Jean Dame""",pres,1,1,/)
  t.equal(lines.length, 5, 'header, 3 stations and the final line end')

  const departementCsv = (await readText(out, 'departement/94/results.csv')).split('\r\n')
  t.same(departementCsv.slice(1, 3).map((l) => l.split(',').slice(0, 6)), [
    ['commune', '94028', 'Créteil', 'pres', '0', '2'],
    ['commune', '94080', 'Vincennes', 'pres', '0', '1'],
  ])

  const national = await readText(out, 'index.html')
  t.match(national, '<a href="./region/11/">Île-de-France</a>', 'links down to the régions')
  t.match(national, '2 bureaux sur 9 dépouillés')
})

t.test('a second cycle re-renders only the dirty areas', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const { publisher, storage, out } = await startPublisher(t, bus, join(dir, 'out'))
  await produceDefinition(bus, def)
  await produceResults(bus, allResults().slice(0, 3))
  await publisher.publishNow()
  storage.take()

  await produceResults(bus, [smallStationResult(stationById('94028-0002'), { seed: 11 })])
  const report = await publisher.publishNow()
  const areaFiles = (dir: string) => PAGE_FILES.map((f) => `${dir}${f}`)
  const taken = storage.take()
  const pages = [
      ...areaFiles('commune/94028/bureau/0002/'),
      ...areaFiles('commune/94028/'),
      ...areaFiles('departement/94/'),
      ...areaFiles(''),
      ...areaFiles('region/11/'),
      'status.json',
    ]
  const large = new Set(await withVariantsOf(out, pages))
  t.same(
    taken.filter((k) => !isSiteWide(k)),
    pages.flatMap((k) => (large.has(k) ? [k, `${k}.br`, `${k}.gz`] : [k])).sort(),
    'the station, its commune, département, région, the country and status.json, each with its variants when large enough',
  )
  t.ok(taken.includes('data/results.csv') && taken.includes('feed.xml'), 'the downloads follow the new result')
  t.notOk(taken.includes('data/corrections.json'), 'an unchanged download is not rewritten')
  t.equal(report.areasRendered, 4)

  // A redelivered result changes nothing, so nothing is written.
  await produceResults(bus, [smallStationResult(stationById('94028-0002'), { seed: 11 })])
  const idle = await publisher.publishNow()
  t.same([idle.areasRendered, idle.filesWritten], [0, 0])
  t.same(storage.take(), [])
})

t.test('a higher version replaces a lower one, an older one is ignored, withdrawn removes', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const { publisher, out } = await startPublisher(t, bus, join(dir, 'out'))
  const paris = stationById('75056-0101')
  const lyon = stationById('69123-0101')
  await produceDefinition(bus, def)
  const v1 = smallStationResult(paris, { version: 1, seed: 1 })
  const v2 = smallStationResult(paris, { version: 2, seed: 17 })
  const other = smallStationResult(lyon, { version: 1, seed: 5 })
  t.not(v1.counts.valid, v2.counts.valid, 'the correction changes the figures')
  await produceResults(bus, [v1, other, v2, v1])
  await publisher.publishNow()
  let national = await doc(out, 'index.json')
  t.equal(national.valid, v2.counts.valid + other.counts.valid, 'v2 replaced v1; the late v1 was ignored')
  t.equal(national.snapshot, 3)
  t.same(national.stations, { reported: 2, total: 9 })

  const withdrawn = { ...smallStationResult(paris, { version: 3, seed: 17, status: 'withdrawn' }), reason: 'procès-verbal illisible' }
  await produceResults(bus, [withdrawn])
  await publisher.publishNow()
  national = await doc(out, 'index.json')
  t.equal(national.valid, other.counts.valid, 'the withdrawn station no longer counts')
  t.same(national.stations, { reported: 1, total: 9 })
  t.equal(national.snapshot, 4, 'a withdrawal still moves the snapshot forward')
  const commune = await doc(out, 'commune/75056/index.json')
  t.same(commune.stationResults?.[0]?.results, [{ contestId: 'pres', status: 'withdrawn', version: 3 }])
  t.equal(commune.valid, 0)
  t.match(await readText(out, 'commune/75056/index.html'), 'retiré')
})

t.test('the same results give byte-identical files, whatever the cycles and the order', async (t) => {
  const dir = t.testdir()
  const results = [...allResults(), smallStationResult(stationById('94080-0001'), { version: 2, seed: 40, validatedAt: '2027-04-11T19:02:00.000Z' })]

  // A and B read the same topic: A publishes as results come in, B once at the end.
  const bus = await openTestBus(t, join(dir, 'bus'))
  const a = await startPublisher(t, bus, join(dir, 'a'))
  const b = await startPublisher(t, bus, join(dir, 'b'))
  await produceDefinition(bus, def)
  await a.publisher.publishNow()
  await produceResults(bus, results.slice(0, 4))
  await a.publisher.publishNow()
  await produceResults(bus, results.slice(4))
  await a.publisher.publishNow()
  await b.publisher.publishNow()

  // C reads another topic with the results first, reversed and redelivered, then the definition.
  const busC = await openTestBus(t, join(dir, 'bus-c'))
  const c = await startPublisher(t, busC, join(dir, 'c'))
  await produceResults(busC, [...results].reverse())
  await produceResults(busC, results.slice(2, 6))
  await produceDefinition(busC, def)
  await c.publisher.publishNow()

  const [treeA, treeB, treeC] = await Promise.all([readCurrentTree(a.out), readCurrentTree(b.out), readCurrentTree(c.out)])
  const plainA = [...treeA.keys()].filter((k) => !isVariant(k))
  t.equal(plainA.length, ALL_FILES)
  const largeA = plainA.filter((k) => hasVariants(k, treeA.get(k) ?? Buffer.alloc(0)))
  t.ok(largeA.every((k) => treeA.has(`${k}.gz`) && treeA.has(`${k}.br`)), 'every large file with its .gz and .br: the variants must match too')
  t.equal(treeA.size, ALL_FILES + largeA.length * 2, 'and no other variant')
  t.same([...treeB.keys()], [...treeA.keys()])
  t.same([...treeC.keys()], [...treeA.keys()])
  for (const [key, bytes] of treeA) {
    t.ok(bytes.equals(treeB.get(key) ?? Buffer.alloc(0)), `${key}: A = B`)
    t.ok(bytes.equals(treeC.get(key) ?? Buffer.alloc(0)), `${key}: A = C`)
  }
})

t.test('rendered national page and index.json (snapshot)', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const { publisher, out } = await startPublisher(t, bus, join(dir, 'out'))
  await produceDefinition(bus, def)
  await produceResults(bus, allResults().slice(0, 7))
  await publisher.publishNow()
  t.matchSnapshot(await readText(out, 'index.html'), 'national index.html')
  // Written compact; pretty-printed here so a change reads as a diff of fields.
  t.matchSnapshot(JSON.stringify(await readJson(out, 'departement/94/index.json'), null, 2), 'département 94 index.json')
})

t.test('names are escaped in HTML', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const { publisher, out } = await startPublisher(t, bus, join(dir, 'out'))
  const hostile = smallElection()
  const contest = hostile.election.contests[0]
  if (!contest) throw new Error('fixture has a contest')
  contest.candidates[0] = { id: 'MARTIN', ballot: 1, name: '<script>alert(1)</script>', party: '"><img src=x onerror=alert(2)>' }
  hostile.areas = hostile.areas.map((a) => (a.code === '94028' ? { ...a, name: 'Créteil <b>&</b>' } : a))
  await produceDefinition(bus, hostile)
  await produceResults(bus, [smallStationResult(stationById('94028-0001'))])
  await publisher.publishNow()
  for (const key of ['index.html', 'index.en.html', 'commune/94028/index.html', 'departement/94/index.html', 'commune/94028/bureau/0001/index.html']) {
    const html = await readText(out, key)
    t.notMatch(html, /<script>/, `${key}: no inline script element`)
    t.equal(html.split('<script').length - 1, 1, `${key}: only the page's own refresh script`)
    t.notMatch(html, '<img', `${key}: no injected element`)
  }
  const commune = await readText(out, 'commune/94028/index.html')
  t.match(commune, '&lt;script&gt;alert(1)&lt;/script&gt;')
  t.match(commune, 'Créteil &lt;b&gt;&amp;&lt;/b&gt;')
  t.match(await readText(out, 'departement/94/index.html'), 'Créteil &lt;b&gt;&amp;&lt;/b&gt;')
  t.equal((await doc(out, 'index.json')).candidates[0]?.name, '<script>alert(1)</script>', 'JSON keeps the data as is')
})

t.test('unparseable and unknown messages are skipped, logged and counted', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const { publisher, out, registry } = await startPublisher(t, bus, join(dir, 'out'))
  await produceDefinition(bus, def)
  const good = smallStationResult(stationById('69266-0001'))
  await bus.produce(TOPICS.results, [
    { key: 'garbage', value: '{not json' },
    { key: 'wrong', value: JSON.stringify({ type: 'station-result', stationId: 'x' }) },
    { key: 'negative', value: JSON.stringify({ ...good, counts: { ...good.counts, voters: -1 } }) },
    { key: 'unknown', value: JSON.stringify({ ...good, stationId: 'nowhere-0001' }) },
    { key: 'contest', value: JSON.stringify({ ...good, contestId: 'mayor' }) },
    { key: 'ok', value: JSON.stringify(good) },
  ])
  await publisher.publishNow()
  t.equal((await doc(out, 'index.json')).valid, good.counts.valid, 'the good result is published')
  const metrics = await registry.metrics()
  t.match(metrics, 'publish_messages_total{outcome="skipped-invalid-json"} 1')
  t.match(metrics, 'publish_messages_total{outcome="skipped-invalid-message"} 2')
  t.match(metrics, 'publish_messages_total{outcome="skipped-unknown-station"} 1')
  t.match(metrics, 'publish_messages_total{outcome="skipped-unknown-contest"} 1')
  t.match(metrics, 'publish_messages_total{outcome="applied"} 1')
  t.match(metrics, /publish_cycle_duration_seconds_count 1/)
  t.match(metrics, new RegExp(`publish_files_written_total ${ALL_FILES}\\b`))
  t.match(metrics, /publish_snapshot 1/)
})

t.test('cycles run on their own every intervalMs once started', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const { publisher, out } = await startPublisher(t, bus, join(dir, 'out'), 20)
  await produceDefinition(bus, def)
  await produceResults(bus, allResults())
  const deadline = Date.now() + 10_000
  let snapshot = 0
  while (Date.now() < deadline) {
    if (existsSync(join(out, 'status.json'))) snapshot = Number((await readJson(out, 'status.json')).snapshot)
    if (snapshot === 9) break
    await new Promise((r) => setTimeout(r, 20))
  }
  t.equal(snapshot, 9, 'status.json reached the last snapshot without publishNow()')
  await publisher.stop()
  t.equal(publisher.status().snapshot, 9)
})

t.test('a timed cycle writes the station pages with a result; those without follow at the backfill’s pace', async (t) => {
  const dir = t.testdir()
  const out = join(dir, 'out')
  const bus = await openTestBus(t, join(dir, 'bus'))
  // No budget for pages without results: what a timed cycle writes for a result, and nothing else.
  const publisher = buildPublisher({ bus, storage: createFsStorage(out), logger: silentLogger(), metrics: createMetricsRegistry(false), intervalMs: 20, areasWithoutResultsPerCycle: 0 })
  await produceDefinition(bus, def)
  const first = stationById('75056-0101')
  await produceResults(bus, [smallStationResult(first)])
  await publisher.start()
  t.teardown(() => publisher.stop())
  const snapshot = async () => (existsSync(join(out, 'status.json')) ? (await readJson(out, 'status.json')).snapshot : undefined)
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline && (await snapshot()) !== 1) await new Promise((r) => setTimeout(r, 20))
  t.equal(await snapshot(), 1, 'the result is published by a timed cycle')
  const page = await readJson(out, 'commune/75056/bureau/0101/index.json')
  t.equal(page.voters, smallStationResult(first).counts.voters, 'its station page has its figures')
  t.notOk(existsSync(join(out, 'commune/75056/bureau/0102/index.json')), 'the page of a station without a result waits')
  t.ok(existsSync(join(out, 'commune/75056/index.json')), 'the commune page is written')
  // publishNow (and rebuild) write every page at once.
  await publisher.publishNow()
  t.equal((await readJson(out, 'commune/75056/bureau/0102/index.json')).snapshot, 0, 'written, without a figure')
})

t.test('a render checks its heap after each chunk of areas, and its collections are counted on /metrics', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const registry = createMetricsRegistry(false)
  let checks = 0
  const held: { garbage?: number[][] } = {}
  // Each check finds 64 MB of garbage, far more than a 1 MB slack (and than the young generation
  // the floor may have counted at construction): every check collects.
  const heap = new (class extends HeapBudget {
    override check(): boolean {
      checks++
      held.garbage = Array.from({ length: 8 }, () => new Array<number>(1024 * 1024).fill(checks))
      held.garbage = undefined
      return super.check()
    }
  })(1024 * 1024)
  const publisher = buildPublisher({ bus, storage: createFsStorage(join(dir, 'out')), logger: silentLogger(), metrics: registry, intervalMs: 3_600_000, heap })
  await publisher.start()
  t.teardown(() => publisher.stop())
  await produceDefinition(bus, def)
  await produceResults(bus, allResults())
  await publisher.publishNow()
  // The small election's 11 areas are one chunk per level: commune, département, région, country.
  t.equal(checks, 4, 'one check per chunk')
  t.equal(heap.report.collections, 4, 'each found the garbage and collected it')
  t.match(await registry.metrics(), /publish_heap_collection_seconds_count 4\b/, 'each collection observed')
})

t.test('a failed write fails the cycle; the next cycle writes the same areas again', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const inner = createFsStorage(join(dir, 'out'))
  const storage = failingOnce(inner, 'departement/94/index.html')
  const registry = createMetricsRegistry(false)
  const publisher = buildPublisher({ bus, storage, logger: silentLogger(), metrics: registry, intervalMs: 3_600_000 })
  await publisher.start()
  t.teardown(() => publisher.stop())
  await produceDefinition(bus, def)
  await produceResults(bus, allResults())
  await t.rejects(publisher.publishNow(), /disk full/)
  t.notOk(existsSync(join(dir, 'out', 'index.json')), 'parents of the failed level were not written')
  const retry = await publisher.publishNow()
  t.equal(retry.areasRendered, 11, 'every area is written by the next cycle')
  t.equal((await doc(join(dir, 'out'), 'index.json')).snapshot, 9)
  t.match(await registry.metrics(), 'publish_cycle_failures_total 1')
})

t.test('stop() interrupts a cycle in progress: no more files, no status.json, and it returns', async (t) => {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const inner = createFsStorage(join(dir, 'out'))
  // Every put waits at the gate; the first one to arrive says the cycle is under way.
  let puts = 0
  const files = new Set<string>()
  let open!: () => void
  const gate = new Promise<void>((resolve) => (open = resolve))
  let underWay!: () => void
  const writing = new Promise<void>((resolve) => (underWay = resolve))
  const storage = {
    ...inner,
    async put(key: string, body: Buffer, meta: Parameters<typeof inner.put>[2]) {
      puts++
      if (!isVariant(key)) files.add(key)
      underWay()
      await gate
      await inner.put(key, body, meta)
    },
  }
  const registry = createMetricsRegistry(false)
  const publisher = buildPublisher({ bus, storage, logger: silentLogger(), metrics: registry, intervalMs: 3_600_000 })
  await publisher.start()
  await produceDefinition(bus, def)
  await produceResults(bus, allResults())
  const cycle = publisher.publishNow().then(
    () => 'finished',
    (err: Error) => err.message,
  )
  await writing
  const stopped = publisher.stop()
  open()
  await stopped
  t.equal(await cycle, 'the publisher is stopping', 'the cycle gave up')
  const putsAtStop = puts
  t.ok(files.size < ALL_FILES, `only the files already handed out were written (${files.size} of the cycle's ${ALL_FILES})`)
  t.notOk(existsSync(join(dir, 'out', 'status.json')), 'status.json, written last, was not')
  await new Promise((r) => setTimeout(r, 100))
  t.equal(puts, putsAtStop, 'nothing is written after stop() returned')
  t.match(await registry.metrics(), 'publish_cycle_failures_total 0', 'a stop is not counted as a failed cycle')
})
