// bench/night: the whole election night at France scale on the real stack. Ingest, consolidate,
// publish and the desk run as separate processes on Kafka, PostgreSQL and Redis; every station of
// the file is submitted at full speed through the ingest API, most by upload (the batch API) and a
// share by phone (simulated calls on the IVR webhook, with their station code and PIN); wrk reads
// pages through Varnish (a private nginx + Varnish serving the publisher's folder) all the while.
// With --chaos the services are killed with SIGKILL at random moments and started again, and the
// Kafka broker, PostgreSQL and Redis (private instances, never the shared stack's) are restarted
// once each; the client sends again whatever was not acknowledged.
// At the end, in both modes: the published national and per-département figures must equal the
// file's sums, every receipt the client got must be one stored return, and every station must
// have exactly one stored return; otherwise it prints what differs and exits 1.
//
// The faults fall at random moments spread over the first --chaos-window seconds of the replay
// (by default one second per 300 stations: 231 s for France, while its client sends for about 170 s
// and its pages follow for about 400 s), in a random order, at least 5 s apart.
//
// usage: bench/night [FILE] [--chaos] [--chaos-window S] [--skip-embedded] [--phone-share 0.02] [--readers 16] [--reader-rate 300] [--seed N] [--rate R] [--order file|random]
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { readResultsFile } from '../bin/import/results-file.js'
import { replayItems, submitReturns, type ReplayItem, type SubmitReport } from '../bin/replay-client.js'
import { phoneReturns, readCredentialsCsv } from '../bin/replay-phone.js'
import { PHONE_VOICE_PATH } from '../bin/phone-caller.js'
import { createDeployment, startService, type Deployment, type Teardown } from '../test/helpers/distributed.js'
import { privateBroker, privatePostgres, privateRedis } from '../test/helpers/private-services.js'
import { readWideLines, wideTotals, type WideTotals } from '../test/helpers/wide-results.js'
import { totalsDifferences, type PublishedArea } from '../test/helpers/published-totals.js'
import { runElections } from '../test/helpers/run-elections.js'
import { freePort, startNginx, startVarnish } from '../ops/loadtest/serving-instances.js'
import { peakLines, watchPeaks } from './lib/process-peaks.js'
import { printEmbeddedReplay } from './lib/embedded-replay.js'
import { SupervisedService } from './lib/supervised-service.js'
import { percentile, startReaders, watchPageLatency, type LatencySample } from './lib/night-readers.js'
import { shuffled } from './lib/shuffled.js'
import { mulberry32 } from '../core/demo-election.js'

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    chaos: { type: 'boolean', default: false },
    'chaos-window': { type: 'string' },
    'skip-embedded': { type: 'boolean', default: false },
    'phone-share': { type: 'string', default: '0.02' },
    readers: { type: 'string', default: '16' },
    'reader-rate': { type: 'string', default: '300' },
    seed: { type: 'string' },
    rate: { type: 'string' },
    order: { type: 'string', default: 'file' },
  },
})
const file = resolve(positionals[0] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', '2017-presidentielle-1_par_bureau_large.csv.gz'))
const phoneShare = Number(opts['phone-share'])
if (!(phoneShare >= 0 && phoneShare <= 1)) throw new Error(`--phone-share takes a share between 0 and 1, not ${opts['phone-share']}`)
const readerConnections = Number(opts.readers)
if (!Number.isInteger(readerConnections) || readerConnections < 1) throw new Error(`--readers takes a number of connections, not ${opts.readers}`)
const readerRate = Number(opts['reader-rate'])
if (!(readerRate > 0)) throw new Error(`--reader-rate takes pages per second, not ${opts['reader-rate']}`)
const seed = Number(opts.seed ?? Date.now() % 1_000_000)
/** Returns per second for both channels together (split by --phone-share); full speed when absent. */
const rate = opts.rate === undefined ? undefined : Number(opts.rate)
if (rate !== undefined && !(rate > 0)) throw new Error(`--rate takes returns per second, not ${opts.rate}`)
/** `file`: département by département, as the file lists them; `random`: from everywhere at once, as on a real night. */
const order = opts.order
if (order !== 'file' && order !== 'random') throw new Error(`--order takes file or random, not ${order}`)
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const work = mkdtempSync(join(tmpdir(), 'bench-night-'))
// nginx's workers run as nobody when started as root: the path to the published folder must be readable.
chmodSync(work, 0o755)
mkdirSync(join(work, 'deployment'), { mode: 0o755 })
const cleanups: (() => Promise<void> | void)[] = []
const teardown: Teardown = { teardown: (fn) => void cleanups.push(fn) }
let cleaning: Promise<void> | undefined
/** Stops every service, server and reader this run started, once, last started first. */
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn()
      } catch (err) {
        console.error(`clean-up: ${String(err)}`)
      }
    }
  })()
  return cleaning
}
// Interrupted or crashed, the run must not leave its services, nginx, Varnish and wrk running
// (they went on eating the machine's CPU under the next run once).
const abandon = (code: number) =>
  void cleanUp().finally(() => {
    rmSync(work, { recursive: true, force: true })
    process.exit(code)
  })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abandon(130))
process.once('uncaughtException', (err) => {
  console.error(err)
  abandon(1)
})

// mulberry32, so a chaos schedule can be replayed with --seed.
const random = mulberry32(seed)

function need(name: string): string {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set: run bench/night (it brings the stack up), or eval "$(ops/stack up)" first`)
  return v
}

function readJsonFile<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** The file's sums, nationally and per département, by plain string splitting (not the importer). */
function expectedTotals(): { national: WideTotals; departements: Map<string, WideTotals> } {
  const { header, rows } = readWideLines(file)
  const col = header.indexOf('departement')
  if (col < 0) throw new Error(`${file}: no departement column: bench/night checks totals on the wide 2017 layout`)
  const byDept = new Map<string, string[][]>()
  for (const r of rows) {
    const code = r[col] ?? ''
    const list = byDept.get(code) ?? []
    list.push(r)
    byDept.set(code, list)
  }
  return { national: wideTotals(header, rows), departements: new Map([...byDept].map(([code, rs]) => [code, wideTotals(header, rs)])) }
}

console.log(`bench/night${opts.chaos ? ' --chaos' : ''}: ${file}  (seed ${seed}, phone share ${phoneShare}, ${readerConnections} reader connections, ${readerRate} pages/s, ${rate === undefined ? 'full speed' : `${rate} returns/s`})`)
const imported = await readResultsFile(file)
const items = replayItems(imported.definition, imported.returns)
const stationsTotal = new Set(items.map((i) => i.stationId)).size
const expected = expectedTotals()
const phoneStations = new Set([...new Set(items.map((i) => i.stationId))].filter(() => random() < phoneShare))
// Shuffled after the phone stations are drawn, with a generator of its own: the same seed picks
// the same phone stations, latency samples and chaos moments in either order.
const inOrder = order === 'random' ? (list: ReplayItem[]) => shuffled(list, mulberry32(seed ^ 0x5eed)) : (list: ReplayItem[]) => list
const uploadItems = inOrder(items.filter((i) => !phoneStations.has(i.stationId)))
const phoneItems = inOrder(items.filter((i) => phoneStations.has(i.stationId)))
console.log(`returns in the file: ${items.length} (${stationsTotal} stations): ${uploadItems.length} by upload, ${phoneItems.length} by phone, sent in ${order === 'file' ? "the file's order" : 'a random order'}`)

let failed = false
try {
  // The servers: the shared stack's, or in chaos mode private ones that may be restarted.
  const s3Endpoint = need('TEST_S3_ENDPOINT')
  let services = { brokers: need('TEST_KAFKA_BROKERS'), adminUrl: need('TEST_DATABASE_URL'), redisUrl: need('TEST_REDIS_URL'), s3Endpoint }
  const infraEvents: { name: string; run(): Promise<void> }[] = []
  if (opts.chaos) {
    const broker = privateBroker(join(work, 'private'), 19192)
    const postgres = await privatePostgres(join(work, 'private', 'postgres'), 15433)
    const redis = privateRedis(join(work, 'private', 'redis'), 16380)
    console.log('starting a private Kafka broker, PostgreSQL and Redis …')
    await Promise.all([broker.start(), postgres.start(), redis.start()])
    cleanups.push(() => broker.stop(), () => postgres.stop(), () => redis.stop())
    services = { brokers: broker.address, adminUrl: postgres.address, redisUrl: redis.address, s3Endpoint }
    infraEvents.push(
      { name: 'Kafka broker stopped and started', run: async () => (await broker.stop(), await broker.start()) },
      { name: 'PostgreSQL restarted (-m immediate: a crash, then recovery)', run: () => postgres.restart('immediate') },
      { name: 'Redis stopped and started (empty: no persistence)', run: async () => (await redis.stop(), await redis.start()) },
    )
  }
  const d: Deployment = await createDeployment(services, join(work, 'deployment'), teardown, 'night')

  // The serving tier: a private nginx on the publisher's folder, a private Varnish in front.
  const nginx = await startNginx({ root: d.outputDir })
  cleanups.push(() => nginx.stop())
  const varnish = await startVarnish(Number(new URL(nginx.site).port), { storage: 'malloc,256m' })
  cleanups.push(() => varnish.stop())

  const phoneSecret = 'night-bench-webhook-secret-0123456789'
  const env: Record<string, string> = {
    ...d.env,
    PUBLISH_INTERVAL_MS: '1000',
    VARNISH_URL: varnish.url,
    PORT_INGEST: String(await freePort()),
    PORT_PUBLISH: String(await freePort()),
    PORT_DESK: '0',
    PHONE_WEBHOOK_SECRET: phoneSecret,
    LOG_LEVEL: 'warn',
  }
  delete env.S3_BUCKET
  delete env.S3_ENDPOINT

  const load = await runElections(['election', 'load', file], env)
  if (load.code !== 0) throw new Error(`election load failed:\n${load.stderr}`)
  const credentialsDir = join(work, 'credentials')
  let logins = new Map<string, { code: string; pin: string }>()
  if (phoneStations.size > 0) {
    const issued = await runElections(['credentials', 'issue', file, '--out', credentialsDir, ...[...phoneStations].flatMap((s) => ['--station', s])], env)
    if (issued.code !== 0) throw new Error(`credentials issue failed:\n${issued.stderr}`)
    logins = await readCredentialsCsv(join(credentialsDir, 'credentials.csv'))
  }

  const supervised = Object.fromEntries(
    (['consolidate', 'publish', 'desk', 'ingest'] as const).map((name) => [name, new SupervisedService(name, () => startService(d, name, env, 180_000))]),
  ) as Record<'consolidate' | 'publish' | 'desk' | 'ingest', SupervisedService>
  for (const s of Object.values(supervised)) await s.launch()
  cleanups.push(async () => {
    for (const s of Object.values(supervised)) await s.stop()
  })
  const ingestUrl = supervised.ingest.current?.url ?? ''

  // Readers: the national, every région and département page, and 300 communes, in HTML and JSON.
  const areas = imported.definition.areas
  const communes = areas.filter((a) => a.level === 'commune')
  const readerPaths = ['/', '/index.json', '/status.json']
  for (const a of areas.filter((x) => x.level === 'region' || x.level === 'departement')) readerPaths.push(`/${a.level}/${a.code}/`, `/${a.level}/${a.code}/index.json`)
  for (let i = 0; i < 300; i++) readerPaths.push(`/commune/${communes[Math.floor(random() * communes.length)]?.code ?? ''}/`)
  // 202 → page: stations alone in their commune and sent by upload, 1,000 of them at random. With
  // 200, the p99 was the second-slowest station, and moved by a second between runs of the same code.
  const perCommune = new Map<string, number>()
  for (const s of imported.definition.stations) perCommune.set(s.commune, (perCommune.get(s.commune) ?? 0) + 1)
  const candidates: LatencySample[] = imported.definition.stations
    .filter((s) => perCommune.get(s.commune) === 1 && !phoneStations.has(s.id))
    .map((s) => ({ stationId: s.id, commune: s.commune }))
  const samples = candidates.filter(() => random() < 1000 / Math.max(1, candidates.length))

  // The readers start with the first published figures: before them only the empty site exists.
  let readers: ReturnType<typeof startReaders> | undefined
  let readersFrom = 0
  const latency = watchPageLatency(varnish.url, d.outputDir, samples)
  const peaksWatch = watchPeaks(() => ({
    ...Object.fromEntries(Object.values(supervised).map((s) => [s.name, s.current?.child.pid])),
    'bench (replay client, latency watcher)': process.pid,
    'wrk (readers)': readers?.pid,
  }))

  // The night. Chaos: 6 moments drawn uniformly over the window, in order.
  const chaosWindowMs = 1000 * Number(opts['chaos-window'] ?? Math.max(20, stationsTotal / 300))
  if (!(chaosWindowMs >= 10_000)) throw new Error(`--chaos-window takes seconds (10 at least), not ${opts['chaos-window']}`)
  const chaosTimes = Array.from({ length: 3 + infraEvents.length }, () => 5000 + random() * (chaosWindowMs - 5000)).sort((a, b) => a - b)
  const started = performance.now()
  const chaosLog: string[] = []
  const chaos = opts.chaos
    ? (async () => {
        const events = [
          ...(['ingest', 'consolidate', 'publish'] as const).map((n) => ({ name: `${n} killed (SIGKILL) and started again`, run: () => supervised[n].killAndRestart() })),
          ...infraEvents,
        ].sort(() => random() - 0.5)
        for (const [i, e] of events.entries()) {
          // Not before its moment, nor sooner than 5 s after the previous fault's end.
          const due = started + (chaosTimes[i] ?? 0)
          await new Promise((r) => setTimeout(r, Math.max(5000, due - performance.now())))
          const at = performance.now()
          await e.run()
          chaosLog.push(`${seconds(at - started)}: ${e.name} (took ${seconds(performance.now() - at)})`)
          console.error(`  chaos ${chaosLog.at(-1) ?? ''}`)
        }
      })()
    : Promise.resolve()
  let clientDoneAt: number | undefined
  let clientReports: SubmitReport[] | undefined
  const client = Promise.all([
    submitReturns({
      ingestUrl,
      token: d.token,
      items: uploadItems,
      onAccepted: (item) => latency.acknowledged(item.stationId),
      ...(rate === undefined ? {} : { rate: rate * (1 - phoneShare) }),
    }),
    phoneReturns({
      caller: { voiceUrl: `${ingestUrl}${PHONE_VOICE_PATH}`, secret: phoneSecret },
      definition: imported.definition,
      items: phoneItems,
      logins,
      ...(rate === undefined || phoneShare === 0 ? {} : { rate: rate * phoneShare }),
    }),
  ])
    .then((r) => (clientReports = r))
    .finally(() => (clientDoneAt = performance.now()))
  let clientError: unknown
  const reports = client.catch((err: unknown) => void (clientError = err))

  let nextProgress = performance.now() + 15_000
  const reported = () => readJsonFile<{ stations: { reported: number } }>(join(d.outputDir, 'status.json'))?.stations.reported ?? 0
  const deadline = performance.now() + 30 * 60_000
  let lastCount = -1
  let lastChangeAt = performance.now()
  /** Set when the wait ended without every station published: the wall time is then not a night's. */
  let stoppedShort: string | undefined
  for (;;) {
    const now = reported()
    if (now !== lastCount) [lastCount, lastChangeAt] = [now, performance.now()]
    // Returns the client gave up will never be published: once nothing has moved for a minute,
    // stop waiting and let the checks say what is missing.
    const givenUp = clientReports?.reduce((n, r) => n + r.rejected, 0) ?? 0
    if (givenUp > 0 && performance.now() - lastChangeAt > 60_000) {
      stoppedShort = `the client gave up ${givenUp} returns, and status.json showed ${now} of ${stationsTotal} stations for a minute`
      console.error(`  ${stoppedShort}: stopping`)
      break
    }
    if (readers === undefined && now > 0) {
      readers = startReaders(varnish.url, readerPaths, readerConnections, readerRate, work)
      readersFrom = performance.now()
    }
    if (now >= stationsTotal) break
    if (clientError !== undefined) throw clientError
    if (performance.now() > deadline) throw new Error(`after 30 minutes status.json shows ${reported()} of ${stationsTotal} stations`)
    if (performance.now() >= nextProgress) {
      nextProgress += 15_000
      console.error(`  … ${seconds(performance.now() - started)}: ${reported()} of ${stationsTotal} stations in status.json${clientDoneAt ? '' : ' (client still sending)'}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  const wall = performance.now() - started
  const [upload, phone] = ((await reports) ?? []) as SubmitReport[]
  await chaos
  const readerFigures = await (readers as NonNullable<typeof readers>).stop()
  const lat = latency.stop()
  const peaks = peaksWatch.stop()
  const publisherWork = await publisherCounters(`http://127.0.0.1:${env.PORT_PUBLISH}/metrics`, stationsTotal)

  // The report.
  const mode = opts.chaos ? 'chaos: private Kafka, PostgreSQL, Redis' : 'shared stack Kafka, PostgreSQL, Redis'
  console.log(`\nnight, distributed (ingest, consolidate, publish, desk as processes; ${mode}; folder → private nginx → Varnish):`)
  if (stoppedShort === undefined) {
    const goal = rate === undefined ? `goal ≤ 60 s ${wall <= 60_000 ? 'met' : 'NOT met'}` : `paced at ${rate} returns/s: the wall time is the pace's`
    console.log(`  first submission → last page (status.json counts every station): ${seconds(wall)}  (${Math.round(stationsTotal / (wall / 1000))} returns/s end to end; ${goal})`)
  } else {
    console.log(`  NO LAST PAGE: stopped waiting after ${seconds(wall)}, ${stoppedShort}`)
  }
  if (clientDoneAt !== undefined) console.log(`  client finished submitting after ${seconds(clientDoneAt - started)}`)
  for (const [label, r] of [['upload', upload], ['phone', phone]] as const) {
    if (r) console.log(`  ${label}: ${r.accepted} accepted, ${r.rejected} rejected${r.rejected ? ` (${JSON.stringify(r.rejectedByCode)})` : ''}, ${r.retries} retried ${label === 'upload' ? 'batches' : 'calls'}`)
    for (const sample of r?.rejectionSamples ?? []) console.log(`    ${sample}`)
  }
  const sorted = lat.times.slice().sort((a, b) => a - b)
  console.log(`  202 → commune page through Varnish counts the station (${sorted.length} sampled stations${lat.unseen ? `, ${lat.unseen} never seen` : ''}): p50 ${seconds(percentile(sorted, 50))}, p99 ${seconds(percentile(sorted, 99))}, max ${seconds(sorted.at(-1) ?? NaN)}`)
  const inFolder = lat.folderTimes.slice().sort((a, b) => a - b)
  console.log(`    of which 202 → the page in the publisher's folder (consolidation, publishing cycle, writes; polled every 250 ms): p50 ${seconds(percentile(inFolder, 50))}, p99 ${seconds(percentile(inFolder, 99))}, max ${seconds(inFolder.at(-1) ?? NaN)}`)
  console.log(`  first figures published after ${seconds(readersFrom - started)}`)
  console.log(`  readers from then on (wrk, ${readerConnections} connections paced to ${readerRate} pages/s in all, ${readerPaths.length} paths through Varnish, a 404 is a page not written yet): ${readerFigures.requestsPerSecond.toFixed(0)} req/s, p50 ${readerFigures.p50Ms.toFixed(1)} ms, p99 ${readerFigures.p99Ms.toFixed(1)} ms, errors ${readerFigures.errors} (${readerFigures.errorDetail})`)
  for (const line of peakLines(peaks)) console.log(line)
  console.log(`  publisher${opts.chaos ? ' (since its last start)' : ''}: ${publisherWork}`)
  for (const s of Object.values(supervised)) {
    if (s.kills > 0 || s.unplannedExits.length > 0) console.log(`  ${s.name}: killed ${s.kills}×, exited on its own ${s.unplannedExits.length}×`)
    for (const why of s.unplannedExits) console.log(`    ${why}`)
  }
  if (opts.chaos) for (const line of chaosLog) console.log(`  chaos at ${line}`)

  // The checks.
  const problems: string[] = []
  const national = readJsonFile<PublishedArea>(join(d.outputDir, 'index.json'))
  if (national === undefined) problems.push('no national index.json')
  else problems.push(...totalsDifferences(national, expected.national, 'national'))
  for (const [code, want] of expected.departements) {
    const page = readJsonFile<PublishedArea>(join(d.outputDir, 'departement', code, 'index.json'))
    if (page === undefined) problems.push(`département ${code}: no index.json`)
    else problems.push(...totalsDifferences(page, want, `département ${code}`))
  }
  for (const [label, r] of [['upload', upload], ['phone', phone]] as const) if (r && r.rejected > 0) problems.push(`the client gave up ${r.rejected} returns by ${label}`)
  problems.push(...(await storedReturnProblems(env.DATABASE_URL ?? '', upload?.receipts ?? new Map(), items)))
  if (problems.length === 0) {
    console.log(`  checks: national and ${expected.departements.size} départements equal the file's sums; ${upload?.receipts.size ?? 0} receipts are ${upload?.receipts.size ?? 0} stored returns; every station has exactly one stored return`)
  } else {
    failed = true
    console.log(`  CHECKS FAILED (${problems.length}):`)
    for (const p of problems.slice(0, 50)) console.log(`    ${p}`)
  }
  await chaos
} finally {
  await cleanUp()
}
// The embedded replay writes as many files again: on a tmpfs (TMPDIR=/dev/shm) both would not
// fit. Only once the services are stopped: a publisher still running writes into the folder.
rmSync(join(work, 'deployment'), { recursive: true, force: true })

try {
  if (!opts['skip-embedded'] && !failed && order === 'random') console.log('\nembedded comparison not run: `elections replay` sends in the file\'s order only (--order random)')
  else if (!opts['skip-embedded'] && !failed) await printEmbeddedReplay(file, work, rate)
} finally {
  rmSync(work, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)

/**
 * What the publisher did, from its /metrics: cycles, areas rendered, files and variants written,
 * and the full collections it asked for (infra/heap-budget.ts) with the main-thread time they took.
 * Its counters move once a cycle has recorded its digests, just after status.json is written:
 * read them once they count every station (10 s at most).
 */
async function publisherCounters(url: string, stations: number): Promise<string> {
  let text = ''
  const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? NaN)
  for (let tries = 0; tries < 40; tries++) {
    text = await fetch(url).then((r) => r.text(), (err: unknown) => `unreadable: ${String(err)}`)
    if (value('publish_stations_reported') >= stations) break
    await new Promise((r) => setTimeout(r, 250))
  }
  const cycles = value('publish_cycle_duration_seconds_count')
  const cycleSeconds = value('publish_cycle_duration_seconds_sum')
  const collections = `${value('publish_heap_collection_seconds_count')} heap collections (${value('publish_heap_collection_seconds_sum').toFixed(2)} s)`
  return `${cycles} cycles with writes (${(cycleSeconds / cycles).toFixed(2)} s each on average; ${cycleDurations(text)}), ${value('publish_areas_rendered_total')} areas rendered, ${value('publish_files_written_total')} files written (+ ${value('publish_variants_written_total')} variants), ${value('publish_files_unchanged_total')} unchanged, ${collections}`
}

/**
 * How long the cycles took, from the histogram's cumulative buckets: "≤ 1 s 30, 1–2.5 s 8, …".
 * An average hides the long cycles, and a station waits for the whole cycle it lands in.
 */
function cycleDurations(metricsText: string): string {
  const buckets = [...metricsText.matchAll(/^publish_cycle_duration_seconds_bucket\{le="([^"]+)"\} ([0-9.e+]+)$/gm)].map((m) => ({ le: m[1] ?? '', count: Number(m[2]) }))
  const parts: string[] = []
  let below = 0
  let from = '0'
  for (const { le, count } of buckets) {
    if (count > below) parts.push(le === '+Inf' ? `> ${from} s ${count - below}` : from === '0' ? `≤ ${le} s ${count - below}` : `${from}–${le} s ${count - below}`)
    below = count
    from = le
  }
  return parts.length > 0 ? parts.join(', ') : 'no histogram read'
}

/** Every receipt the client got is the one stored return of that id; every station has exactly one return. */
async function storedReturnProblems(databaseUrl: string, receipts: ReadonlyMap<string, string>, all: readonly ReplayItem[]): Promise<string[]> {
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  try {
    const rows = (await db.query<{ return_id: string; receipt: string; station_id: string; channel: string }>('SELECT return_id, receipt, station_id, channel FROM returns')).rows
    const problems: string[] = []
    // return_id is UNIQUE in the table: one id is at most one row.
    const receiptOf = new Map<string, string>()
    const byReceipt = new Map<string, number>()
    const byStation = new Map<string, string[]>()
    for (const r of rows) {
      receiptOf.set(r.return_id, r.receipt)
      byReceipt.set(r.receipt, (byReceipt.get(r.receipt) ?? 0) + 1)
      const list = byStation.get(r.station_id) ?? []
      list.push(`${r.channel} ${r.return_id}`)
      byStation.set(r.station_id, list)
    }
    for (const [returnId, receipt] of receipts) {
      const stored = receiptOf.get(returnId)
      if (stored === undefined) problems.push(`receipt ${receipt} (${returnId}): no stored return`)
      else if (stored !== receipt) problems.push(`receipt ${receipt} (${returnId}): stored with receipt ${stored}`)
      if ((byReceipt.get(receipt) ?? 0) > 1) problems.push(`receipt ${receipt}: ${byReceipt.get(receipt)} stored returns carry it`)
    }
    for (const stationId of new Set(all.map((i) => i.stationId))) {
      const stored = byStation.get(stationId) ?? []
      if (stored.length !== 1) problems.push(`station ${stationId}: ${stored.length} stored returns${stored.length ? ` (${stored.join(', ')})` : ''}`)
    }
    if (rows.length !== all.length) problems.push(`${rows.length} stored returns for ${all.length} rows in the file`)
    return problems
  } finally {
    await db.end()
  }
}
