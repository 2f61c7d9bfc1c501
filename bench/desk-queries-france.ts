// The desk's read queries on a France-sized night in PostgreSQL: 69,242 stations, two thirds of
// them reported (most validated, some held in conflict or for review, with findings), the rest
// awaiting. For each query the desk runs — the dashboard's ROLLUP, a département's communes, the
// chase list (two orders, a filter), the review queue, the live feed's change marks — it prints
// the plan EXPLAIN (ANALYZE, BUFFERS) chose and the median of 5 runs.
//
//   npx tsx bench/desk-queries-france.ts            # TEST_DATABASE_URL, or postgres@127.0.0.1:5432
//
// It makes a database of its own and drops it at the end.
import pg from 'pg'
import { readChasePage } from '../consolidate/desk/chase-list-repository.js'
import { readCompleteness, readDepartementCompleteness } from '../consolidate/desk/completeness-repository.js'
import { createLiveFeed } from '../consolidate/desk/live-feed.js'
import { readReviewQueue } from '../consolidate/desk/review-queue-repository.js'
import { saveDefinition } from '../consolidate/elections-repository.js'
import type { Db, Queryable } from '../infra/db/db.js'
import { migrate } from '../infra/db/migrate.js'
import { connectPostgresDb } from '../infra/db/postgres-db.js'
import { silentLogger } from '../infra/logging.js'
import { syntheticFrance } from '../test/fixtures/synthetic-france.js'

const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const RUNS = 5

/** Runs every query of `fn` once under EXPLAIN and prints its plan, then times `fn` itself. */
async function measure(db: Db, label: string, fn: (q: Queryable) => Promise<unknown>): Promise<void> {
  const plans: string[] = []
  const explaining: Queryable = {
    async query(sql, params) {
      const plan = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)
      plans.push(plan.rows.map((r) => r['QUERY PLAN']).join('\n'))
      return db.query(sql, params)
    },
  }
  await fn(explaining)
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    await fn(db)
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  process.stdout.write(`\n=== ${label}: median ${times[Math.floor(RUNS / 2)]?.toFixed(1)} ms over ${RUNS} runs (${plans.length} statement(s))\n`)
  for (const plan of plans) process.stdout.write(`${plan}\n---\n`)
}

/** A night part-way: returns, findings and states spread over the stations, deterministically. */
async function simulateNight(db: Db, electionId: string): Promise<void> {
  await db.query(
    `WITH picked AS (
       SELECT contest_id, station_id, (hashtext(station_id) & 1023) AS h FROM station_results WHERE election_id = $1
     )
     UPDATE station_results r SET
       state = CASE WHEN p.h < 560 THEN 'published' WHEN p.h < 640 THEN 'validated' WHEN p.h < 660 THEN 'needs-review'
                    WHEN p.h < 680 THEN 'conflict' ELSE 'awaiting' END,
       current_return_id = CASE WHEN p.h < 680 THEN 'r-' || p.station_id END,
       updated_at = timestamptz '2027-04-11T18:00:00Z' + (p.h || ' seconds')::interval
     FROM picked p WHERE r.election_id = $1 AND r.contest_id = p.contest_id AND r.station_id = p.station_id`,
    [electionId],
  )
  await db.query(
    `INSERT INTO returns (return_id, receipt, election_id, contest_id, station_id, channel, submitted_by, submitted_at, counts,
                          content_hash, source_topic, source_partition, source_offset, received_at)
     SELECT current_return_id, 'rcpt', election_id, contest_id, station_id, 'api', 'bench', updated_at, '{}'::jsonb, 'h', 'returns', 0, '0', updated_at
       FROM station_results WHERE election_id = $1 AND current_return_id IS NOT NULL`,
    [electionId],
  )
  await db.query(
    `INSERT INTO return_findings (return_id, ordinal, code, severity, fields)
     SELECT current_return_id, 0, CASE WHEN state = 'conflict' THEN 'W205' WHEN hashtext(station_id) % 2 = 0 THEN 'E102' ELSE 'W204' END,
            CASE WHEN state <> 'conflict' AND hashtext(station_id) % 2 = 0 THEN 'error' ELSE 'warning' END, '{}'
       FROM station_results WHERE election_id = $1 AND state IN ('needs-review', 'conflict')`,
    [electionId],
  )
  await db.exec('ANALYZE')
}

async function main(): Promise<void> {
  const name = `desk_queries_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const db = await connectPostgresDb(url.toString(), { max: 2 })
  try {
    await migrate(db)
    const def = syntheticFrance()
    const departementOfCommune = new Map(def.areas.filter((a) => a.level === 'commune').map((a) => [a.code, a.parent]))
    const communeOf = new Map(def.stations.map((s) => [s.id, s.commune]))
    const started = performance.now()
    await db.transaction((tx) => saveDefinition(tx, def, 'bench', (id) => departementOfCommune.get(communeOf.get(id) ?? ''), new Date()))
    await simulateNight(db, def.election.id)
    process.stdout.write(`loaded ${def.stations.length} stations and a night's states in ${((performance.now() - started) / 1000).toFixed(1)} s\n`)

    const electionId = def.election.id
    const page = { limit: 50, offset: 0 }
    await measure(db, 'dashboard: overall, régions, départements (readCompleteness)', (q) => readCompleteness(q))
    await measure(db, 'drill-down: the communes of département 59', (q) => readDepartementCompleteness(q, electionId, '59'))
    await measure(db, 'chase list, most registered first, page 1', (q) => readChasePage(q, { electionId, departement: undefined, commune: undefined, order: 'registered', ...page }))
    await measure(db, 'chase list, by area, page 100', (q) => readChasePage(q, { electionId, departement: undefined, commune: undefined, order: 'area', limit: 50, offset: 99 * 50 }))
    await measure(db, 'chase list, département 13', (q) => readChasePage(q, { electionId, departement: '13', commune: undefined, order: 'registered', ...page }))
    await measure(db, 'review queue, page 1', (q) => readReviewQueue(q, { electionId: undefined, ...page }))
    // The live feed's poll when nothing moved: its change marks only.
    const feed = createLiveFeed({ db, clock: () => new Date(), logger: silentLogger(), intervalMs: 60_000 })
    await measure(db, 'live feed: one poll, change marks only', async (q) => {
      await q.query(`SELECT (SELECT max(seq) FROM returns) AS returns, (SELECT max(id) FROM outbox) AS outbox,
        (SELECT count(*) FROM outbox WHERE relayed_at IS NULL) AS unrelayed, (SELECT max(seq) FROM audit_log) AS audit,
        (SELECT max(loaded_at) FROM elections) AS loaded`)
    })
    feed.close()
  } finally {
    await db.close()
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
    await admin.end()
  }
}

await main()
