// The distributed night on real services, each service its own process: a real département's
// returns go through ingest → Kafka → consolidate (PostgreSQL) → Kafka → publish → the folder and
// S3, and the published totals equal the sums of the file. The publisher, meanwhile, holds no
// connection to PostgreSQL.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import pg from 'pg'
import { GetObjectCommand } from '@aws-sdk/client-s3'
import { ROUND1_FILE, sharedDataFile } from '../helpers/shared-data.js'
import { wideTotals, writeSubset } from '../helpers/wide-results.js'
import { runElections } from '../helpers/run-elections.js'
import { assertTotals, readJson, type PublishedArea } from '../helpers/published-totals.js'
import { deployment, eventually, startService, type ServiceProcess } from '../helpers/distributed.js'
import { DeskClient } from '../helpers/desk-client.js'

/** The dashboard's row of one département, in every election's table, by data-field. */
function dashboardRows(html: string, area: string): Record<string, Record<string, string>> {
  const rows: Record<string, Record<string, string>> = {}
  for (const table of html.matchAll(/<table class="completeness" id="([^"]+)">([\s\S]*?)<\/table>/g)) {
    const row = new RegExp(`<tr data-area="${area}">([\\s\\S]*?)</tr>`).exec(table[2] ?? '')?.[1]
    if (row === undefined || !table[1]?.startsWith('departements-')) continue
    rows[table[1]] = Object.fromEntries([...row.matchAll(/<td data-field="([^"]+)">([^<]*)<\/td>/g)].map((m) => [m[1] ?? '', m[2] ?? '']))
  }
  return rows
}

/** Remote ports of the TCP connections a process holds, read with `ss` (iproute2). */
function connectedPorts(pid: number): number[] {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established'], { encoding: 'utf8' })
  return out
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => Number(/\s\S+:(\d+)\s+users:/.exec(line)?.[1]))
    .filter((p) => Number.isInteger(p))
}

t.test('Paris through separate ingest, consolidate, publish and desk processes on Kafka, PostgreSQL, Redis and S3', async (t) => {
  const source = sharedDataFile(t, ROUND1_FILE)
  if (!source) return
  const dir = t.testdir({})
  const d = await deployment(t, dir)
  if (!d) return
  const file = join(dir, 'paris.csv')
  const { header, rows } = writeSubset(source, ['75'], file)
  const expected = wideTotals(header, rows)

  const loaded = await runElections(['election', 'load', file], d.env)
  t.equal(loaded.code, 0, `election load exits 0\n${loaded.stderr.slice(-2000)}`)

  const consolidate = await startService(d, 'consolidate', d.env)
  const publish = await startService(d, 'publish', d.env)
  const ingest = await startService(d, 'ingest', d.env)
  t.ok(ingest.url, 'ingest printed its URL')

  // Who holds which connections, sampled all through the night (a pool closes idle connections:
  // one look at the end could miss consolidate's while it waits for the publisher).
  const dbPort = Number(new URL(d.env.DATABASE_URL ?? '').port || 5432)
  const kafkaPort = Number((d.env.KAFKA_BROKERS ?? '').split(':')[1])
  const publishPorts = new Set<number>()
  const consolidatePorts = new Set<number>()
  const sessionUsers = new Set<string>()
  const sessionApps = new Set<string>()
  const admin = new pg.Client({ connectionString: d.adminUrl })
  await admin.connect()
  const sample = async () => {
    for (const p of connectedPorts(publish.child.pid as number)) publishPorts.add(p)
    for (const p of connectedPorts(consolidate.child.pid as number)) consolidatePorts.add(p)
    const sessions = await admin.query<{ application_name: string; usename: string }>(
      'SELECT application_name, usename FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [d.database],
    )
    for (const r of sessions.rows) {
      sessionUsers.add(r.usename)
      sessionApps.add(r.application_name)
    }
  }
  let sampling = Promise.resolve()
  const sampler = setInterval(() => void (sampling = sampling.then(sample)), 250)

  const replay = await runElections(['replay', file, '--target', ingest.url ?? '', '--token', d.token], d.env)
  t.equal(replay.code, 0, `the replay client exits 0\n${replay.stdout.slice(-1000)}${replay.stderr.slice(-2000)}`)
  t.match(replay.stdout, new RegExp(`accepted:\\s+${expected.stations}\\b`), 'every return accepted')

  const national = join(d.outputDir, 'index.json')
  const published = await eventually('every Paris station on the national page', async () => {
    const page = readJson<PublishedArea>(national)
    return page.stations.reported === expected.stations ? page : undefined
  })
  clearInterval(sampler)
  await sampling
  await sample()
  assertTotals(t, published, expected, 'national (folder)')
  assertTotals(t, readJson<PublishedArea>(join(d.outputDir, 'departement', '75', 'index.json')), expected, 'département 75 (folder)')

  // The publisher never touched PostgreSQL; the same way of looking does see consolidate's connections.
  t.ok(publishPorts.has(kafkaPort), `the publisher held connections to Kafka (${[...publishPorts].join(',')})`)
  t.notOk(publishPorts.has(dbPort), 'the publisher never held a connection to PostgreSQL')
  t.ok(consolidatePorts.has(dbPort), 'consolidate did (so the check can see one)')
  t.same([...sessionUsers], [`${d.database}_c`], 'only the consolidation role was ever connected to the database')
  t.notOk([...sessionApps].some((a) => /publish/.test(a)), 'no session of the publisher')

  // Exactly one stored return per station: nothing lost, nothing twice.
  const consolidateDb = new pg.Client({ connectionString: d.env.DATABASE_URL })
  await consolidateDb.connect()
  const stored = await consolidateDb.query<{ returns: string; stations: string }>(
    'SELECT count(*) AS returns, count(DISTINCT station_id) AS stations FROM returns',
  )
  await consolidateDb.end()
  t.same(stored.rows[0], { returns: String(expected.stations), stations: String(expected.stations) }, 'one return per station in PostgreSQL')

  // The same pages in the bucket, with their compressed variants and HTTP metadata.
  const object = await d.s3.send(new GetObjectCommand({ Bucket: d.bucket, Key: 'departement/75/index.json' }))
  const fromS3 = JSON.parse(await (object.Body?.transformToString() ?? '')) as PublishedArea
  assertTotals(t, fromS3, expected, 'département 75 (S3)')
  t.match(object.ContentType ?? '', /^application\/json/, 'S3 object has its Content-Type')
  t.ok(object.CacheControl, 'and a Cache-Control')
  const gz = await d.s3.send(new GetObjectCommand({ Bucket: d.bucket, Key: 'departement/75/index.json.gz' }))
  t.equal(gz.ContentEncoding, 'gzip', 'the .gz variant says Content-Encoding: gzip')
  const gzBody = Buffer.from(await (gz.Body?.transformToByteArray() ?? new Uint8Array()))
  t.same(JSON.parse(gunzipSync(gzBody).toString('utf8')), JSON.parse(readFileSync(join(d.outputDir, 'departement', '75', 'index.json'), 'utf8')), 'and unzips to the page')

  // The desk as its own process, on the desk role: a user added by the administrator's command
  // logs in and sees every Paris station validated.
  const deskPassword = 'a long enough desk password'
  const added = await runElections(['user', 'add', 'alice', '--role', 'supervisor'], d.env, `${deskPassword}\n`)
  t.equal(added.code, 0, `elections user add exits 0\n${added.stderr}`)
  const desk = await startService(d, 'desk', { ...d.env, PORT_DESK: '0' })
  t.ok(desk.url, 'the desk printed its URL')
  const browser = new DeskClient(desk.url ?? '')
  const login = await browser.login('alice', deskPassword)
  t.equal(login.status, 303, 'alice logs in')
  const dashboard = await browser.get('/')
  t.equal(dashboard.status, 200, 'and sees the dashboard')
  const paris = Object.values(dashboardRows(dashboard.text, '75'))[0]
  t.equal(paris?.validated, String(expected.stations), 'with every Paris station validated')
  const deskSessions = await admin.query<{ usename: string }>("SELECT usename FROM pg_stat_activity WHERE datname = $1 AND application_name = 'elections-desk'", [d.database])
  t.ok(deskSessions.rows.length > 0 && deskSessions.rows.every((r) => r.usename === `${d.database}_d`), 'the desk connects as the desk role')
  await admin.end()
  const verified = await runElections(['audit', 'verify'], d.env)
  t.equal(verified.code, 0, 'the audit chain verifies')
  t.match(verified.stdout, /chain intact/)

  for (const s of [ingest, publish, consolidate, desk] as ServiceProcess[]) {
    await s.stop()
    const { code } = await s.exited
    t.equal(code, 0, 'a service stopped with SIGTERM exits 0')
  }
})

t.test('a service refuses to run alone on the embedded bus, and names the variable to set', async (t) => {
  const dir = t.testdir({})
  const env: Record<string, string> = { DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out'), KAFKA_BROKERS: '' }
  for (const service of ['ingest', 'consolidate', 'publish']) {
    const r = await runElections([service], env)
    t.equal(r.code, 78, `${service} exits with EX_CONFIG`)
    t.match(r.stderr, /KAFKA_BROKERS/, `${service} says to set KAFKA_BROKERS`)
  }
  const desk = await runElections(['desk'], env)
  t.equal(desk.code, 78, 'desk without its database role exits with EX_CONFIG')
  t.match(desk.stderr, /DESK_DATABASE_URL/, 'and says to set DESK_DATABASE_URL')
})

t.test('a real service named but not answering is an error at start, not a fallback', async (t) => {
  const dir = t.testdir({})
  const base = { DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out'), LOG_LEVEL: 'silent' }
  const kafka = await runElections(['consolidate'], { ...base, KAFKA_BROKERS: '127.0.0.1:1' })
  t.not(kafka.code, 0, 'consolidate with an unreachable Kafka fails')
  t.match(kafka.stderr, /cannot reach Kafka at 127\.0\.0\.1:1/, 'and says which broker')
  const postgres = await runElections(['start'], { ...base, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT_SITE: '0', PORT_INGEST: '0' })
  t.not(postgres.code, 0, 'start with an unreachable PostgreSQL fails')
  t.match(postgres.stderr, /cannot connect to PostgreSQL at 127\.0\.0\.1:1/, 'and says which server')
  const redis = await runElections(['start'], { ...base, REDIS_URL: 'redis://127.0.0.1:1', PORT_SITE: '0', PORT_INGEST: '0' })
  t.not(redis.code, 0, 'start with an unreachable Redis fails')
  t.match(redis.stderr, /cannot reach Redis at/, 'and says so')
})
