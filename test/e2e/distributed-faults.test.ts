// Faults on the distributed night. The Kafka broker is stopped in the middle of a replay: ingest
// answers 503 with Retry-After and never 202 while it is down, the replay client retries, and the
// totals are exact once it is back. Then consolidate and publish are killed with SIGKILL in the
// middle of a replay and restarted: totals exact, no return stored twice.
// The broker test runs its own broker (ports 19092/19093, its own folder), so stopping it does not
// disturb the other tests that share the stack's broker.
import t from 'tap'
import { join } from 'node:path'
import pg from 'pg'
import { ROUND1_FILE, sharedDataFile } from '../helpers/shared-data.js'
import { wideTotals, writeSubset } from '../helpers/wide-results.js'
import { runElections, startElections } from '../helpers/run-elections.js'
import { assertTotals, readJson, type PublishedArea } from '../helpers/published-totals.js'
import { deployment, eventually, startService } from '../helpers/distributed.js'
import { privateBroker } from '../helpers/private-services.js'
import { realService } from '../helpers/real-services.js'
import { readResultsFile } from '../../bin/import/results-file.js'
import { replayItems, replayReturnId, type ReplayItem } from '../../bin/replay-client.js'

// Two nights with faults on the real stack, each a few minutes on a busy CI machine.
t.setTimeout(20 * 60_000)

/**
 * Row `n`'s return (cycled) with the id the replay gives it: a return answered 503 may still reach
 * the broker once it is back, and then it must be the same return, counted once.
 */
function returnBody(items: readonly ReplayItem[], n: number): unknown {
  const item = items[n % items.length] as ReplayItem
  return { ...item, returnId: replayReturnId(item), channel: 'import' }
}

/** A malformed return (an empty object), to see it refused as such. */
async function probe(ingestUrl: string, token: string, n: number): Promise<{ status: number; retryAfter: string | null }> {
  const res = await fetch(`${ingestUrl}/v1/returns`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': `probe-${n}` },
    body: JSON.stringify({}),
  })
  return { status: res.status, retryAfter: res.headers.get('retry-after') }
}

async function storedReturns(databaseUrl: string): Promise<{ returns: number; stations: number }> {
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  try {
    const r = await db.query<{ returns: string; stations: string }>('SELECT count(*) AS returns, count(DISTINCT (contest_id, station_id)) AS stations FROM returns')
    return { returns: Number(r.rows[0]?.returns), stations: Number(r.rows[0]?.stations) }
  } finally {
    await db.end()
  }
}

t.test('the Kafka broker stops mid-replay: 503 with Retry-After while down, never 202; totals exact after', async (t) => {
  const source = sharedDataFile(t, ROUND1_FILE)
  if (!source) return
  if (!realService(t, 'TEST_KAFKA_BROKERS')) return
  const dir = t.testdir({})
  const broker = privateBroker(dir)
  await broker.start()
  t.teardown(() => broker.stop())
  const d = await deployment(t, dir, { kafkaBrokers: broker.address })
  if (!d) return
  const file = join(dir, 'subset.csv')
  const { header, rows } = writeSubset(source, ['2A', '2B', '48'], file)
  const expected = wideTotals(header, rows)
  const imported = await readResultsFile(file)
  const items = replayItems(imported.definition, imported.returns)

  t.equal((await runElections(['election', 'load', file], d.env)).code, 0, 'election loaded')
  const services = [await startService(d, 'consolidate', d.env), await startService(d, 'publish', d.env)]
  const ingest = await startService(d, 'ingest', d.env)
  services.push(ingest)
  const ingestUrl = ingest.url ?? ''

  // A slow replay (about 75 s), so the broker goes down while it is running. The probes below
  // submit the file's last returns, with the replay's own ids, which the replay reaches only at
  // its end: it must not get there before the broker is down (the first pages and a controlled
  // broker shutdown take a while on a busy machine).
  const replay = startElections(['replay', file, '--target', ingestUrl, '--token', d.token, '--rate', '10'], d.env)
  const heldBack = items.slice(-150)
  await eventually('some returns published', async () => {
    try {
      return readJson<PublishedArea>(join(d.outputDir, 'index.json')).stations.reported > 0 ? true : undefined
    } catch {
      return undefined
    }
  })
  await broker.stop()
  t.equal(replay.child.exitCode, null, 'the replay is still running when the broker stops')

  // While it is down, every well-formed new return is answered 503 with Retry-After.
  const outcomes: { status: number; retryAfter: string | null }[] = []
  const deadline = Date.now() + 10_000
  let n = 0
  const submit = async (body: unknown) => {
    const res = await fetch(`${ingestUrl}/v1/returns`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${d.token}` },
      body: JSON.stringify(body),
    })
    outcomes.push({ status: res.status, retryAfter: res.headers.get('retry-after') })
    await res.arrayBuffer()
  }
  // Waves of ten at once: each answer waits for ingest's produce deadline.
  while (Date.now() < deadline) await Promise.all(Array.from({ length: 10 }, () => submit(returnBody(heldBack, n++))))
  t.ok(outcomes.length >= 10, `${outcomes.length} returns submitted while the broker was down`)
  t.same(outcomes.filter((o) => o.status === 202), [], 'no 202 while the broker is down')
  t.ok(outcomes.every((o) => o.status === 503 && Number(o.retryAfter) > 0), `every answer was 503 with Retry-After (${[...new Set(outcomes.map((o) => o.status))].join(',')})`)
  const bad = await probe(ingestUrl, d.token, 0)
  t.ok(bad.status >= 400 && bad.status < 500, `a malformed return is still refused as the client's error (${bad.status}), broker or not`)

  await broker.start()
  const done = await replay.done
  t.equal(done.code, 0, `the replay client finished after retrying\n${done.stderr.slice(-2000)}`)
  // What is asserted is that every station ends up published, exactly, not how soon: in CI, with
  // the full-France test running beside it, the catch-up after the broker's return once took more
  // than the default 120 s (7 Dec 2026, cause not found; 46/46 when run again alone).
  const published = await eventually(
    'all stations published after the broker came back',
    async () => {
      const page = readJson<PublishedArea>(join(d.outputDir, 'index.json'))
      return page.stations.reported === expected.stations ? page : undefined
    },
    300_000,
  )
  assertTotals(t, published, expected, 'national after the broker outage')
  const stored = await storedReturns(d.env.DATABASE_URL ?? '')
  t.equal(stored.stations, expected.stations, 'every station stored')
  // Stopped here, before tap removes the test folder: the publisher writes its downloads there.
  await Promise.all(services.map((p) => p.stop()))
})

t.test('kill -9 of consolidate and of publish mid-replay, restarted: totals exact, no return twice', async (t) => {
  const source = sharedDataFile(t, ROUND1_FILE)
  if (!source) return
  const dir = t.testdir({})
  const d = await deployment(t, dir)
  if (!d) return
  const file = join(dir, 'subset.csv')
  const { header, rows } = writeSubset(source, ['75', '2A'], file)
  const expected = wideTotals(header, rows)

  t.equal((await runElections(['election', 'load', file], d.env)).code, 0, 'election loaded')
  const consolidate = await startService(d, 'consolidate', d.env)
  const publish = await startService(d, 'publish', d.env)
  const ingest = await startService(d, 'ingest', d.env)

  // Slow enough (about 45 s) that both kills land while returns are still arriving, even on a
  // busy CI machine where the publisher's first cycles (every station page of the first
  // results) take a while.
  const replay = startElections(['replay', file, '--target', ingest.url ?? '', '--token', d.token, '--rate', '25'], d.env)
  const reported = () => {
    try {
      return readJson<PublishedArea>(join(d.outputDir, 'index.json')).stations.reported
    } catch {
      return 0
    }
  }
  // Killed once the replay has sent a first part, read from its progress lines ("returns: 125/1112"):
  // the replay is then surely still running, however long the first pages take to appear.
  let sent = 0
  // The progress goes to stderr (stdout is for the summary).
  replay.child.stderr?.on('data', (chunk: Buffer) => {
    for (const m of chunk.toString().matchAll(/returns: (\d+)\//g)) sent = Math.max(sent, Number(m[1]))
  })
  await eventually('a first part of the returns sent', async () => (sent >= 100 ? true : undefined))
  t.equal(replay.child.exitCode, null, 'the replay is still running when consolidate is killed')
  consolidate.child.kill('SIGKILL')
  t.equal((await consolidate.exited).signal, 'SIGKILL', 'consolidate killed')
  await new Promise((r) => setTimeout(r, 1_000))
  const consolidateAgain = await startService(d, 'consolidate', d.env)

  const before = reported()
  // More published by the restarted consolidate (all of it, if little was left).
  await eventually('more published after the restart', async () => (reported() >= Math.min(before + 100, expected.stations) ? true : undefined))
  publish.child.kill('SIGKILL')
  t.equal((await publish.exited).signal, 'SIGKILL', 'publish killed')
  await new Promise((r) => setTimeout(r, 1_000))
  const publishAgain = await startService(d, 'publish', d.env)

  const done = await replay.done
  t.equal(done.code, 0, `the replay finished\n${done.stderr.slice(-2000)}`)
  const published = await eventually('every station published', async () => {
    const page = readJson<PublishedArea>(join(d.outputDir, 'index.json'))
    return page.stations.reported === expected.stations ? page : undefined
  })
  assertTotals(t, published, expected, 'national after two kill -9')
  for (const dep of ['75', '2A']) {
    assertTotals(t, readJson<PublishedArea>(join(d.outputDir, 'departement', dep, 'index.json')), wideTotals(header, rows.filter((r) => r[0] === dep)), `département ${dep}`)
  }
  t.same(await storedReturns(d.env.DATABASE_URL ?? ''), { returns: expected.stations, stations: expected.stations }, 'exactly one stored return per station')
  // Stopped here, before tap removes the test folder: the publisher writes its downloads there.
  await Promise.all([ingest, consolidateAgain, publishAgain].map((p) => p.stop()))
})
