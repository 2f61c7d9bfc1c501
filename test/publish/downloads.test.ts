// The site-wide files: per-station CSV, NIST SP 1500-100 v2 JSON, corrections log, Atom feed,
// sitemaps and the data/ manifest; their Cache-Control (immutable for content-addressed copies);
// status.json written last; and the downloads' pace between cycles.
import t, { type Test } from 'tap'
import { join } from 'node:path'
import { z } from 'zod'
import type { Station, StationResult } from '../../core/schemas.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import type { Storage } from '../../infra/storage/storage.js'
import { IMMUTABLE_CACHE_CONTROL, renderDownloads } from '../../publish/downloads-writer.js'
import { FEED_ENTRIES, renderAtomFeed } from '../../publish/atom-feed.js'
import type { CorrectionEntry } from '../../publish/corrections-log.js'
import { TallyTree } from '../../publish/tally-tree.js'
import { PAGE_CACHE_CONTROL } from '../../publish/page-writer.js'
import { buildPublisher } from '../../publish/publisher.js'
import { SMALL_CANDIDATE_IDS, smallElection, smallStationResult } from '../fixtures/small-election.js'
import { launchChromium } from '../helpers/chromium.js'
import { openTestBus, produceDefinition, produceResults } from '../helpers/publisher-harness.js'
import { memoryStorage } from '../helpers/recording-outputs.js'

const def = smallElection()
const station = (id: string): Station => {
  const s = def.stations.find((x) => x.id === id)
  if (!s) throw new Error(`no station ${id}`)
  return s
}
const first = (): StationResult[] => def.stations.map((s, i) => smallStationResult(s, { seed: 5 + i * 7, validatedAt: `2027-04-11T18:${String(20 + i).padStart(2, '0')}:00.000Z` }))
const SITE = 'https://resultats.example.fr/'

// The parts of NIST_V2_election_results_reporting.json (usnistgov/ElectionResultsReporting) this
// report uses, strict like the schema (additionalProperties: false): required fields, types, enums.
const id = z.string().min(1)
const text = z.strictObject({
  '@type': z.literal('ElectionResults.InternationalizedText'),
  Text: z.array(z.strictObject({ '@type': z.literal('ElectionResults.LanguageString'), Content: z.string(), Language: z.string() })).min(1),
})
const countItemType = z.enum(['absentee', 'absentee-fwab', 'absentee-in-person', 'absentee-mail', 'early', 'election-day', 'other', 'provisional', 'total', 'uocava', 'write-in'])
const reportingUnitType = z.enum(['ballot-batch', 'ballot-style-area', 'borough', 'city', 'city-council', 'combined-precinct', 'congressional', 'country', 'county', 'county-council', 'drop-box', 'judicial', 'municipality', 'other', 'polling-place', 'precinct', 'school', 'special', 'split-precinct', 'state', 'state-house', 'state-senate', 'town', 'township', 'utility', 'village', 'vote-center', 'ward', 'water'])
const NistReportSchema = z.strictObject({
  '@type': z.literal('ElectionResults.ElectionReport'),
  Format: z.enum(['precinct-level', 'summary-contest']),
  GeneratedDate: z.iso.datetime(),
  Issuer: z.string(),
  IssuerAbbreviation: z.string(),
  VendorApplicationId: z.string(),
  SequenceStart: z.int(),
  SequenceEnd: z.int(),
  Status: z.enum(['certified', 'correction', 'pre-election', 'recount', 'unofficial-complete', 'unofficial-partial']),
  Election: z.array(
    z.strictObject({
      '@type': z.literal('ElectionResults.Election'),
      ElectionScopeId: id,
      Name: text,
      StartDate: z.iso.date(),
      EndDate: z.iso.date(),
      Type: z.enum(['general', 'other', 'partisan-primary-closed', 'partisan-primary-open', 'primary', 'runoff', 'special']),
      Candidate: z.array(z.strictObject({ '@type': z.literal('ElectionResults.Candidate'), '@id': id, BallotName: text })),
      Contest: z.array(
        z.strictObject({
          '@type': z.literal('ElectionResults.CandidateContest'),
          '@id': id,
          Name: z.string(),
          ElectoralDistrictId: id,
          VotesAllowed: z.int(),
          NumberElected: z.int(),
          SequenceOrder: z.int(),
          SubUnitsReported: z.int().optional(),
          TotalSubUnits: z.int().optional(),
          CountStatus: z.array(z.strictObject({ '@type': z.literal('ElectionResults.CountStatus'), Type: countItemType, Status: z.enum(['completed', 'in-process', 'not-processed', 'unknown']) })).optional(),
          SummaryCounts: z.array(z.strictObject({ GpUnitId: id, Type: countItemType, BallotsCast: z.int(), Undervotes: z.int(), BallotsRejected: z.int() })).optional(),
          BallotSelection: z.array(
            z.strictObject({
              '@type': z.literal('ElectionResults.CandidateSelection'),
              '@id': id,
              CandidateIds: z.array(id).min(1),
              SequenceOrder: z.int(),
              VoteCounts: z.array(z.strictObject({ GpUnitId: id, Type: countItemType, Count: z.number() })).optional(),
            }),
          ),
        }),
      ),
    }),
  ),
  GpUnit: z.array(
    z.strictObject({
      '@type': z.literal('ElectionResults.ReportingUnit'),
      '@id': id,
      Type: reportingUnitType,
      OtherType: z.string().optional(),
      Name: z.string(),
      Number: z.string().optional(),
      ComposingGpUnitIds: z.array(id).optional(),
      SubUnitsReported: z.int().optional(),
      TotalSubUnits: z.int().optional(),
      VotersRegistered: z.int().optional(),
    }),
  ),
})
type NistReport = z.infer<typeof NistReportSchema>

/** Every reference in the report points at an object of the report. */
function danglingReferences(report: NistReport): string[] {
  const ids = new Set([...report.GpUnit.map((g) => g['@id']), ...report.Election.flatMap((e) => e.Candidate.map((c) => c['@id']))])
  const refs = [
    ...report.GpUnit.flatMap((g) => g.ComposingGpUnitIds ?? []),
    ...report.Election.flatMap((e) => [
      e.ElectionScopeId,
      ...e.Contest.flatMap((c) => [c.ElectoralDistrictId, ...(c.SummaryCounts ?? []).map((s) => s.GpUnitId), ...c.BallotSelection.flatMap((s) => [...s.CandidateIds, ...(s.VoteCounts ?? []).map((v) => v.GpUnitId)])]),
    ]),
  ]
  return refs.filter((r) => !ids.has(r))
}

// The browser's XML parser, used inside page.evaluate only (the project's tsconfig has no DOM library).
interface XmlElement {
  namespaceURI: string | null
  localName: string
  textContent: string | null
  children: Iterable<XmlElement>
  getElementsByTagName(name: string): Iterable<XmlElement> & { length: number }
}
declare const DOMParser: new () => { parseFromString(source: string, type: string): XmlElement & { documentElement: XmlElement } }

async function setUp(t: Test, opts: { clock?: () => Date; intervalMs?: number; downloadsIntervalMs?: number; putDelayMs?: (key: string) => number } = {}) {
  const bus = await openTestBus(t, join(t.testdir(), 'bus'))
  const storage = memoryStorage()
  const order: string[] = []
  const recording: Storage = {
    ...storage,
    put: async (key, body, meta) => {
      order.push(key)
      const delay = opts.putDelayMs?.(key) ?? 0
      if (delay > 0) await new Promise((r) => setTimeout(r, delay))
      await storage.put(key, body, meta)
    },
  }
  const publisher = buildPublisher({ bus, storage: recording, logger: silentLogger(), metrics: createMetricsRegistry(false), intervalMs: opts.intervalMs ?? 3_600_000, siteUrl: SITE, clock: opts.clock, downloadsIntervalMs: opts.downloadsIntervalMs })
  await publisher.start()
  t.teardown(() => publisher.stop())
  await produceDefinition(bus, def)
  const text = (key: string) => storage.objects.get(key)?.body.toString('utf8')
  const json = <T = Record<string, unknown>>(key: string) => JSON.parse(text(key) ?? 'null') as T
  return { bus, publisher, storage, order, text, json }
}

t.test('per-station CSV: every station and contest, awaiting, validated and withdrawn', async (t) => {
  const s = await setUp(t)
  const results = first().slice(0, 7)
  await produceResults(s.bus, [...results, { ...smallStationResult(station('94028-0001'), { version: 2, status: 'withdrawn' }), reason: 'Procès-verbal illisible' }])
  await s.publisher.publishNow()
  const lines = (s.text('data/results.csv') ?? '').split('\r\n')
  t.equal(lines[0], ['departement,commune_code,commune_name,station_id,station_code,station_name,contest,status,version,validated_at,registered,voters,blank,invalid,valid', ...SMALL_CANDIDATE_IDS].join(','))
  t.equal(lines.length, 1 + def.stations.length + 1, 'a row per station, and the final line end')
  const paris = results.find((r) => r.stationId === '75056-0201')
  const c = paris?.counts
  t.equal(lines.find((l) => l.includes(',75056-0201,')), c && ['75', '75056', 'Paris', '75056-0201', '0201', '"Gymnase ""Jean Dame"""', 'pres', 'validated', 1, paris.validatedAt, c.registered, c.voters, c.blank, c.invalid, c.valid, ...SMALL_CANDIDATE_IDS.map((k) => c.votes[k])].join(','))
  t.match(lines.find((l) => l.includes(',94028-0001,')), /,pres,withdrawn,2,2027-04-11T18:12:00.000Z,,,,,,,,$/)
  t.match(lines.find((l) => l.includes(',69266-0001,')), /,pres,awaiting,,,,,,,,,,$/)
})

t.test('NIST SP 1500-100 v2: strict to the schema, precinct level, partial then complete', async (t) => {
  const s = await setUp(t)
  await produceResults(s.bus, first().slice(0, 5))
  await s.publisher.publishNow()
  const text = s.text('data/results-nist.json') ?? ''
  // Written into a buffer of its counted size: no byte missing, none left over (the names hold
  // multi-byte characters: "é", the em dash of station names).
  t.equal(text, `${JSON.stringify(JSON.parse(text))}\n`, 'the report is compact JSON and one newline, every byte written')
  t.match(text, /—/, 'with multi-byte characters')
  const partial = NistReportSchema.parse(s.json('data/results-nist.json'))
  t.same(danglingReferences(partial), [], 'every reference resolves')
  t.equal(partial.Status, 'unofficial-partial')
  t.equal(partial.Format, 'precinct-level')
  const contest = partial.Election[0]?.Contest[0]
  t.match(contest, { SubUnitsReported: 5, TotalSubUnits: 9, CountStatus: [{ Type: 'total', Status: 'in-process' }] })
  t.equal(contest?.SummaryCounts?.length, 5, 'a SummaryCounts per reported station')
  const country = partial.GpUnit.find((g) => g.Type === 'country')
  t.match(country, { '@id': 'gp-country-FR', SubUnitsReported: 5, TotalSubUnits: 9 })
  t.equal(partial.GpUnit.filter((g) => g.Type === 'precinct').length, 9, 'every station is a precinct')
  const national = s.json<{ candidates: { id: string; votes: number }[] }>('index.json')
  for (const sel of contest?.BallotSelection ?? []) {
    const candidate = national.candidates.find((c) => sel['@id'].endsWith(`-${c.id}`))
    t.equal((sel.VoteCounts ?? []).reduce((sum, v) => sum + v.Count, 0), candidate?.votes, `${sel['@id']}: Σ precincts = the national page`)
  }

  await produceResults(s.bus, first().slice(5))
  await s.publisher.publishNow()
  const complete = NistReportSchema.parse(s.json('data/results-nist.json'))
  t.equal(complete.Status, 'unofficial-complete')
  t.match(complete.Election[0]?.Contest[0], { SubUnitsReported: 9, TotalSubUnits: 9, CountStatus: [{ Status: 'completed' }] })
  t.equal(complete.GeneratedDate, '2027-04-11T18:28:00Z', 'the latest validation, not the clock')
})

t.test('corrections log: every corrected or withdrawn result with its time and reason', async (t) => {
  const s = await setUp(t)
  await produceResults(s.bus, first())
  await s.publisher.publishNow()
  t.same(s.json('data/corrections.json'), { electionId: def.election.id, corrections: [] })
  t.match(s.text('corrections/index.html'), 'Aucun résultat publié n’a été corrigé ni retiré.')

  const v2 = { ...smallStationResult(station('75056-0101'), { version: 2, seed: 77, validatedAt: '2027-04-11T19:05:00.000Z' }), reason: 'Erreur de report <Martin/Dubois>' }
  const withdrawn = { ...smallStationResult(station('69123-0102'), { version: 2, status: 'withdrawn', validatedAt: '2027-04-11T19:10:00.000Z' }), reason: 'Procès-verbal non signé' }
  await produceResults(s.bus, [v2, withdrawn])
  await s.publisher.publishNow()
  const log = s.json<{ corrections: Record<string, unknown>[] }>('data/corrections.json')
  t.match(log.corrections, [
    { stationId: '69123-0102', contestId: 'pres', version: 2, status: 'withdrawn', at: '2027-04-11T19:10:00.000Z', reason: 'Procès-verbal non signé', figures: null, commune: { code: '69123', url: '/commune/69123/' } },
    { stationId: '75056-0101', version: 2, status: 'validated', at: '2027-04-11T19:05:00.000Z', reason: v2.reason, figures: { valid: v2.counts.valid, votes: v2.counts.votes } },
  ])
  t.equal(log.corrections.length, 2)
  const page = s.text('corrections/index.html') ?? ''
  t.matchSnapshot(page, 'corrections/index.html')
  t.match(page, 'Erreur de report &lt;Martin/Dubois&gt;', 'the reason, escaped')
  t.match(page, '<time datetime="2027-04-11T19:10:00.000Z">11 avril 2027 à 21:10:00</time>', 'the time in Paris')
  t.match(page, 'Résultat retiré')
  t.match(s.text('feed.xml'), `<id>${SITE}corrections/#pres-75056-0101-v2</id>`, 'each correction is a feed entry')

  // A third version, as consolidation sends it: the versions it replaces ride along in `history`,
  // because the compacted topic keeps only this message. The log keeps both changes.
  const v1 = first().find((r) => r.stationId === '75056-0101')
  if (!v1) throw new Error('no first version of 75056-0101')
  const v3 = { ...smallStationResult(station('75056-0101'), { version: 3, seed: 91, validatedAt: '2027-04-11T19:20:00.000Z' }), reason: 'Nouvelle vérification' }
  const history = [v1, v2].map(({ version, status, counts, validatedAt, reason }) => ({ version, status, counts, validatedAt, ...(reason === undefined ? {} : { reason }) }))
  await produceResults(s.bus, [{ ...v3, history }])
  await s.publisher.publishNow()
  const third = s.json<{ corrections: Record<string, unknown>[] }>('data/corrections.json').corrections
  t.match(third, [
    { stationId: '75056-0101', version: 3, reason: 'Nouvelle vérification', figures: { valid: v3.counts.valid }, replaced: { version: 2, status: 'validated', figures: { valid: v2.counts.valid, votes: v2.counts.votes } } },
    { stationId: '69123-0102', version: 2, figures: null, replaced: null },
    { stationId: '75056-0101', version: 2, reason: v2.reason, figures: { valid: v2.counts.valid, votes: v2.counts.votes }, replaced: { version: 1, figures: { valid: v1.counts.valid } } },
  ])
  t.equal(third.length, 3, 'every change of the station, not only its latest')
  const changed = s.text('corrections/index.html') ?? ''
  t.match(changed, `exprimés ${new Intl.NumberFormat('fr-FR').format(v2.counts.valid)} → ${new Intl.NumberFormat('fr-FR').format(v3.counts.valid)}`, 'the page says which figures changed, from what to what')
  t.match(s.text('feed.xml'), `<id>${SITE}corrections/#pres-75056-0101-v3</id>`)
  t.match(s.text('feed.xml'), `<id>${SITE}corrections/#pres-75056-0101-v2</id>`, 'the earlier correction stays in the feed')

  // Restarted on the compacted topic (only the latest message per station): the same log.
  const restarted = await setUp(t)
  const v1Others = first().filter((r) => r.stationId !== '75056-0101' && r.stationId !== '69123-0102')
  await produceResults(restarted.bus, [...v1Others, withdrawn, { ...v3, history }])
  await restarted.publisher.publishNow()
  t.same(restarted.json('data/corrections.json'), s.json('data/corrections.json'), 'a publisher reading only the compacted topic writes the same log')
})

t.test('Cache-Control: immutable content-addressed copies, short live files; status.json written last', async (t) => {
  const s = await setUp(t)
  await produceResults(s.bus, first().slice(0, 3))
  await s.publisher.publishNow()
  const manifest = s.json<{ snapshot: number; files: { name: string; url: string; versionedUrl?: string; sha256: string; bytes: number }[] }>('data/index.json')
  t.same(manifest.files.map((f) => f.name), ['results.csv', 'results-nist.json', 'corrections.json'])
  for (const f of manifest.files) {
    const live = s.storage.objects.get(f.url.slice(1))
    t.equal(live?.meta.cacheControl, PAGE_CACHE_CONTROL, `${f.url}: short, with stale-while-revalidate`)
    t.equal(live?.body.length, f.bytes)
    if (f.name === 'corrections.json') continue
    const copy = s.storage.objects.get(f.versionedUrl?.slice(1) ?? '')
    t.equal(copy?.meta.cacheControl, IMMUTABLE_CACHE_CONTROL, `${f.versionedUrl}: immutable`)
    t.ok(copy?.body.equals(live?.body ?? Buffer.alloc(0)), 'the same bytes as the live file')
    t.equal(s.storage.objects.get(`${f.versionedUrl?.slice(1)}.gz`)?.meta.cacheControl, IMMUTABLE_CACHE_CONTROL, 'its variants too')
  }
  t.equal(IMMUTABLE_CACHE_CONTROL, 'public, max-age=31536000, immutable')
  t.equal(s.order.at(-1), 'status.json', 'status.json is the last file of the cycle')
  t.ok(s.order.indexOf('data/index.json') > s.order.indexOf('data/results-nist.json'), 'the manifest after the files it names')

  // Only the last three versions are kept.
  const folders = new Set<string>()
  for (let i = 0; i < 4; i++) {
    await produceResults(s.bus, [smallStationResult(station('69266-0001'), { version: i + 1, seed: 60 + i })])
    await s.publisher.publishNow()
    folders.add(s.json<{ files: { versionedUrl?: string }[] }>('data/index.json').files[0]?.versionedUrl ?? '')
  }
  const stored = new Set([...s.storage.objects.keys()].filter((k) => k.startsWith('data/v/')).map((k) => `/${k.split('/').slice(0, 3).join('/')}/`))
  t.equal(stored.size, 3, 'three version folders remain')
  t.same([...stored].sort(), [...folders].slice(1).map((u) => u.replace(/results\.csv$/, '')).sort(), 'the latest three')
})

t.test('downloads keep their own pace between timed cycles; pages do not wait for them', async (t) => {
  const clock = { now: Date.parse('2027-04-11T18:30:00.000Z') }
  const s = await setUp(t, { clock: () => new Date(clock.now), intervalMs: 20, downloadsIntervalMs: 60_000 })
  const waitFor = async (what: string, ok: () => boolean) => {
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline && !ok()) await new Promise((r) => setTimeout(r, 20))
    t.ok(ok(), what)
  }
  // The clock stands still: once the downloads are written, they wait for it to move on.
  await produceResults(s.bus, first().slice(0, 1))
  await waitFor('the first result on the pages', () => s.json<{ snapshot?: number } | null>('status.json')?.snapshot === 1 && s.text('data/results.csv') !== undefined)
  const before = s.text('data/results.csv')
  await produceResults(s.bus, first().slice(1, 2))
  await waitFor('the second result on the pages', () => s.json<{ snapshot?: number } | null>('status.json')?.snapshot === 2)
  t.equal(s.text('data/results.csv'), before, 'the downloads have not moved')
  t.match(s.text('data/results.csv'), /,75056-0102,.*,pres,awaiting,/, 'the second result is not in them yet')
  clock.now += 60_000
  await waitFor('the second result in the downloads a minute later', () => /,75056-0102,.*,pres,validated,/.test(s.text('data/results.csv') ?? ''))
})

t.test('downloads that take long to write wait ten times as long before they are rewritten', async (t) => {
  const clock = { now: Date.parse('2027-04-11T18:30:00.000Z') }
  // The NIST report takes at least 300 ms to write, so the downloads wait at least 3 s, not 1 s.
  const s = await setUp(t, { clock: () => new Date(clock.now), intervalMs: 20, downloadsIntervalMs: 1_000, putDelayMs: (key) => (key === 'data/results-nist.json' ? 300 : 0) })
  const waitFor = async (what: string, ok: () => boolean) => {
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline && !ok()) await new Promise((r) => setTimeout(r, 20))
    t.ok(ok(), what)
  }
  const results = first()
  await produceResults(s.bus, results.slice(0, 1))
  await waitFor('the first result in the downloads', () => s.json<{ snapshot?: number } | null>('status.json')?.snapshot === 1 && s.text('data/results.csv') !== undefined)
  clock.now += 1_500
  await produceResults(s.bus, results.slice(1, 2))
  await waitFor('the second result on the pages', () => s.json<{ snapshot?: number } | null>('status.json')?.snapshot === 2)
  await produceResults(s.bus, results.slice(2, 3))
  await waitFor('and a third, a cycle later', () => s.json<{ snapshot?: number } | null>('status.json')?.snapshot === 3)
  t.match(s.text('data/results.csv'), /,75056-0102,.*,pres,awaiting,/, '1.5 s later, past the configured 1 s but not ten times their cost: not rewritten')
  clock.now += 60_000
  await waitFor('the second result in the downloads a minute later', () => /,75056-0102,.*,pres,validated,/.test(s.text('data/results.csv') ?? ''))
})

t.test('rendering the downloads gives the event loop turns between files (France takes seconds)', async (t) => {
  const tallies = new TallyTree(def)
  for (const r of first()) tallies.apply(r)
  let turns = 0
  let rendering = true
  const turn = () => {
    turns++
    if (rendering) setImmediate(turn)
  }
  setImmediate(turn)
  const rendered = await renderDownloads(tallies, { embargoed: false, siteUrl: SITE })
  rendering = false
  t.ok(turns >= 3, `other callbacks ran while it rendered (${turns} turns): the lock's renewal is not held back`)
  t.ok(rendered.files.some((f) => f.key === 'data/results-nist.json'), 'and everything was rendered')
})

t.test('feed.xml and the sitemaps are well-formed XML, with absolute URLs', async (t) => {
  const s = await setUp(t)
  await produceResults(s.bus, first())
  const corrections = def.stations.map((st, i) => ({ ...smallStationResult(st, { version: 2, seed: 90 + i, validatedAt: `2027-04-11T19:${String(10 + i).padStart(2, '0')}:00.000Z` }), reason: `Correction ${i}` }))
  await produceResults(s.bus, corrections)
  await s.publisher.publishNow()
  const feed = s.text('feed.xml') ?? ''
  const sitemapIndex = s.text('sitemap.xml') ?? ''
  const sitemap = s.text('sitemaps/areas-1.xml') ?? ''
  t.equal(s.storage.objects.get('feed.xml')?.meta.contentType, 'application/atom+xml; charset=utf-8')
  const browser = await launchChromium(t)
  if (!browser) return
  const page = await browser.newPage()
  const parse = (xml: string) =>
    page.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'application/xml')
      const root = doc.documentElement
      return {
        error: doc.getElementsByTagName('parsererror').length > 0,
        root: `${root.namespaceURI ?? ''} ${root.localName}`,
        children: [...root.children].map((c) => c.localName),
        entries: [...root.getElementsByTagName('entry')].map((e) => [...e.children].map((c) => c.localName).join(',')),
        locs: [...root.getElementsByTagName('loc')].map((l) => l.textContent ?? ''),
      }
    }, xml)
  const atom = await parse(feed)
  t.notOk(atom.error, 'feed.xml parses')
  t.equal(atom.root, 'http://www.w3.org/2005/Atom feed')
  for (const required of ['id', 'title', 'updated', 'author']) t.ok(atom.children.includes(required), `the feed has its ${required}`)
  t.ok(atom.entries.length > 0 && atom.entries.length <= FEED_ENTRIES, 'a bounded number of entries')
  t.ok(atom.entries.every((e) => e === 'id,title,updated,link,summary'), 'each entry has id, title, updated, link, summary')
  t.match(feed, '<title>Résultat corrigé (version 2) : bureau 0201 de Paris</title>', 'corrections appear')
  t.match(feed, `<link rel="self" type="application/atom+xml" href="${SITE}feed.xml"/>`)

  const index = await parse(sitemapIndex)
  t.notOk(index.error)
  t.equal(index.root, 'http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex')
  t.same(index.locs, [`${SITE}sitemaps/areas-1.xml`])
  const urls = await parse(sitemap)
  t.notOk(urls.error)
  t.equal(urls.locs.length, (11 + 9) * 2 + 1, 'every area and station page, in French and English, and the corrections page')
  t.ok(urls.locs.every((u) => u.startsWith(SITE)), 'absolute URLs')
  for (const page of ['departement/94/', 'departement/94/index.en.html', 'commune/94028/bureau/0001/', 'commune/94028/bureau/0001/index.en.html']) {
    t.ok(urls.locs.includes(`${SITE}${page}`), `${page} listed`)
  }
})

t.test('the feed keeps the most recent entries only', async (t) => {
  const tallies = new TallyTree(def)
  const commune = { level: 'commune' as const, code: '75056', name: 'Paris', url: '/commune/75056/' }
  const corrections: CorrectionEntry[] = Array.from({ length: FEED_ENTRIES + 10 }, (_, i) => ({
    contestId: 'pres',
    stationId: `75056-${i}`,
    stationCode: String(i),
    stationName: `Bureau ${i}`,
    commune,
    version: 2,
    status: 'withdrawn',
    at: new Date(Date.UTC(2027, 3, 11, 18, 0, i)).toISOString(),
    reason: null,
    figures: null,
    replaced: null,
  }))
  const feed = renderAtomFeed(tallies, { electionId: def.election.id, corrections }, SITE)
  t.equal(feed.match(/<entry>/g)?.length, FEED_ENTRIES)
  t.match(feed, '<updated>2027-04-11T18:00:59.000Z</updated>', 'the feed is as recent as its latest entry')
  t.notMatch(feed, '#pres-75056-9-v2<', 'the oldest entries are left out')
})

t.test('several contests: a row per contest a station votes in, a district per partial contest', async (t) => {
  const base = smallElection()
  const paris = base.stations.filter((st) => st.commune === '75056').map((st) => st.id)
  const legislative = { id: 'leg-7501', name: '1re circonscription de Paris', seats: 1, candidates: [{ id: 'NOIR', ballot: 1, name: 'Jeanne NOIR' }, { id: 'BLANC', ballot: 2, name: 'Paul BLANC' }], stationIds: paris }
  const two = { ...base, election: { ...base.election, contests: [...base.election.contests, legislative] } }
  const bus = await openTestBus(t, join(t.testdir(), 'bus'))
  const storage = memoryStorage()
  const publisher = buildPublisher({ bus, storage, logger: silentLogger(), metrics: createMetricsRegistry(false), intervalMs: 3_600_000, siteUrl: SITE })
  await publisher.start()
  t.teardown(() => publisher.stop())
  await produceDefinition(bus, two)
  const leg = { ...smallStationResult(station('75056-0101'), { seed: 9 }), contestId: 'leg-7501' }
  leg.counts = { ...leg.counts, votes: { NOIR: leg.counts.valid - 100, BLANC: 100 } }
  await produceResults(bus, [smallStationResult(station('75056-0101'), { seed: 8 }), leg])
  await publisher.publishNow()

  const lines = (storage.objects.get('data/results.csv')?.body.toString('utf8') ?? '').split('\r\n')
  t.match(lines[0], /,valid,MARTIN,DUBOIS,LEROY,NOIR,BLANC$/)
  t.equal(lines.length, 1 + def.stations.length + paris.length + 1, 'Paris stations have a row per contest')
  t.match(lines.find((l) => l.includes(',75056-0101,') && l.includes(',leg-7501,')), new RegExp(`,${leg.counts.valid},,,,${leg.counts.valid - 100},100$`), "the other contest's candidates left blank")
  t.match(lines.find((l) => l.includes(',75056-0101,') && l.includes(',pres,')), /,validated,1,.*\d,,$/, 'and the other way round')

  const report = NistReportSchema.parse(JSON.parse(storage.objects.get('data/results-nist.json')?.body.toString('utf8') ?? '{}'))
  t.same(danglingReferences(report), [])
  const district = report.GpUnit.find((g) => g['@id'] === 'gp-contest-leg-7501')
  t.same(district?.ComposingGpUnitIds, paris.map((id) => `gp-station-${id}`))
  t.match(report.Election[0]?.Contest[1], { ElectoralDistrictId: 'gp-contest-leg-7501', SubUnitsReported: 1, TotalSubUnits: 3 })
  t.match(report.Election[0]?.Contest[0], { ElectoralDistrictId: 'gp-country-FR', SubUnitsReported: 1, TotalSubUnits: 9 })

  const sitemap = storage.objects.get('sitemaps/areas-1.xml')?.body.toString('utf8') ?? ''
  for (const contest of ['pres', 'leg-7501']) {
    for (const page of [`contest/${contest}/`, `contest/${contest}/index.en.html`]) t.match(sitemap, `<loc>${SITE}${page}</loc>`, `the sitemap lists ${page}`)
  }
})
