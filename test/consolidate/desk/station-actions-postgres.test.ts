// The desk's station actions on a real PostgreSQL (TEST_DATABASE_URL, a superuser that sets up a
// database and roles of this run's own), the desk connected as its narrow role: every action works
// within the grants of migration 005, nothing more is granted, and a desk action waits for the
// consolidator's lock on the station row and then refuses a decision taken on a stale page.
import t from 'tap'
import pg from 'pg'
import { buildConsolidator } from '../../../consolidate/consolidator.js'
import {
  approveCorrection,
  discardCorrection,
  enterCorrection,
  rejectReturn,
  STALE_PAGE,
  stationStamp,
  validateReturn,
  withdrawResult,
  type DeskActor,
} from '../../../consolidate/desk/station-actions.js'
import { readStationResults } from '../../../consolidate/station-results-repository.js'
import type { StationRef } from '../../../consolidate/returns-repository.js'
import { verifyAudit } from '../../../consolidate/desk/audit-log.js'
import { stationResultKey, TOPICS } from '../../../core/messages.js'
import { openEmbeddedBus } from '../../../infra/bus/embedded-bus.js'
import type { Db } from '../../../infra/db/db.js'
import { migrate } from '../../../infra/db/migrate.js'
import { connectPostgresDb } from '../../../infra/db/postgres-db.js'
import { setupRoles } from '../../../infra/db/roles.js'
import { silentLogger } from '../../../infra/logging.js'
import { createMetricsRegistry } from '../../../infra/metrics.js'
import { produceDefinition, produceReturns, readResults, smallReturn, stationResults } from '../../fixtures/consolidation-harness.js'
import { doublePolicyElection, mistyped } from '../../fixtures/desk-station.js'
import { cleanCounts, SMALL_CONTEST_ID, SMALL_ELECTION_ID } from '../../fixtures/small-election.js'
import { realService, uniqueName } from '../../helpers/real-services.js'

const NOW = new Date('2027-04-11T19:05:00.000Z')
const olivier: DeskActor = { username: 'olivier', role: 'operator' }
const alice: DeskActor = { username: 'alice', role: 'supervisor' }
const bruno: DeskActor = { username: 'bruno', role: 'supervisor' }

async function stampOf(db: Db, ref: StationRef): Promise<string> {
  const row = (await readStationResults(db, [ref], { lock: false })).get(stationResultKey(ref.electionId, ref.contestId, ref.stationId))
  if (row === undefined) throw new Error('no station row')
  return stationStamp(row)
}

async function sqlState(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (err: { code?: string }) => err.code,
  )
}

t.test('the desk role decides on stations within its grants, and waits for the consolidator’s row lock', async (t) => {
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const name = uniqueName('deskact').toLowerCase()
  const roles = { database: name, consolidateRole: `${name}_c`, deskRole: `${name}_d` }
  t.teardown(async () => {
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
      for (const role of [roles.consolidateRole, roles.deskRole]) await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`)
    } finally {
      await admin.end()
    }
  })
  const urls = await setupRoles(adminUrl, roles)
  const consolidateDb = await connectPostgresDb(urls.databaseUrl, { max: 2 })
  t.teardown(() => consolidateDb.close())
  await migrate(consolidateDb)
  const deskDb = await connectPostgresDb(urls.deskDatabaseUrl, { max: 2 })
  t.teardown(() => deskDb.close())

  const bus = await openEmbeddedBus(t.testdir())
  t.teardown(() => bus.close())
  await bus.ensureTopics([
    { name: TOPICS.returns, partitions: 1, compacted: false },
    { name: TOPICS.elections, partitions: 1, compacted: false },
    { name: TOPICS.results, partitions: 1, compacted: true },
  ])
  const consolidator = buildConsolidator({ bus, db: consolidateDb, logger: silentLogger(), metrics: createMetricsRegistry(false), clock: () => NOW, relayIntervalMs: 20 })
  await consolidator.start()
  t.teardown(() => consolidator.stop())
  const def = doublePolicyElection()
  await produceDefinition(bus, def)
  // Three stations in conflict: an upload and a mistyped phone call each.
  const stations = def.stations.slice(0, 3)
  await produceReturns(
    bus,
    stations.flatMap((s, i) => [
      smallReturn(s.id, cleanCounts(s, i + 1), { returnId: `upload-${s.id}`, channel: 'form' }),
      smallReturn(s.id, mistyped(cleanCounts(s, i + 1)), { returnId: `phone-${s.id}`, channel: 'phone', submittedBy: 'phone' }),
    ]),
  )
  await consolidator.caughtUp()
  const [, s2, s3] = stations
  if (!s2 || !s3) throw new Error('three stations')
  const [first, second, third] = stations.map((s): StationRef => ({ electionId: SMALL_ELECTION_ID, contestId: SMALL_CONTEST_ID, stationId: s.id }))
  if (!first || !second || !third) throw new Error('three stations')

  // Every action, as the desk role.
  t.equal((await validateReturn(deskDb, { ref: first, returnId: `upload-${first.stationId}`, stamp: await stampOf(deskDb, first), acknowledgeWarnings: false }, olivier, NOW)).ok, true, 'validate')
  t.equal((await rejectReturn(deskDb, { ref: second, returnId: `phone-${second.stationId}`, stamp: await stampOf(deskDb, second), reason: 'faute de frappe' }, olivier, NOW)).ok, true, 'reject')
  t.equal((await enterCorrection(deskDb, { ref: second, counts: cleanCounts(s2, 2), reason: 'relu' }, alice, NOW)).ok, true, 'enter a correction')
  t.match(await approveCorrection(deskDb, { ref: second, correctionId: 1 }, alice, NOW), { ok: false, status: 403 }, 'its author cannot approve it')
  t.equal((await approveCorrection(deskDb, { ref: second, correctionId: 1 }, bruno, NOW)).ok, true, 'a second supervisor approves it')
  t.equal((await enterCorrection(deskDb, { ref: third, counts: cleanCounts(s3, 3), reason: 'r' }, olivier, NOW)).ok, true)
  t.equal((await discardCorrection(deskDb, { ref: third, correctionId: 2 }, olivier, NOW)).ok, true, 'discard')
  t.equal((await withdrawResult(deskDb, { ref: first, stamp: await stampOf(deskDb, first), reason: 'urne contestée' }, alice, NOW)).ok, true, 'withdraw')
  t.same(await verifyAudit(deskDb), { ok: true, entries: 8 })

  consolidator.outboxWritten()
  await consolidator.caughtUp()
  const emitted = stationResults(await readResults(bus)).map((r) => [r.stationId, r.version, r.status])
  t.same(emitted, [
    [first.stationId, 1, 'validated'],
    [second.stationId, 1, 'validated'],
    [first.stationId, 2, 'withdrawn'],
  ], 'the consolidator relays what the desk wrote')

  // Nothing beyond those writes.
  const refused: [string, string][] = [
    ['INSERT INTO station_results', `INSERT INTO station_results (election_id, contest_id, station_id, commune, state, updated_at) VALUES ('x', 'y', 'z', 'c', 'awaiting', now())`],
    ['UPDATE station_results.published_version', `UPDATE station_results SET published_version = 99`],
    ['DELETE FROM station_results', `DELETE FROM station_results`],
    ['UPDATE returns', `UPDATE returns SET counts = '{}'`],
    ['UPDATE return_outcomes.state_after', `UPDATE return_outcomes SET state_after = 'validated'`],
    ['UPDATE outbox', `UPDATE outbox SET relayed_at = NULL`],
    ['DELETE FROM desk_corrections', `DELETE FROM desk_corrections`],
    ['UPDATE desk_corrections.counts', `UPDATE desk_corrections SET counts = '{}'`],
  ]
  for (const [what, sql] of refused) t.equal(await sqlState(deskDb.query(sql)), '42501', `the desk may not ${what}`)

  // The consolidator holds the third station's row (a batch of returns in progress) and changes it:
  // the desk's validation waits for the lock, then finds the station changed and refuses.
  const stamp = await stampOf(deskDb, third)
  const consumer = new pg.Client({ connectionString: urls.databaseUrl })
  await consumer.connect()
  t.teardown(() => consumer.end())
  await consumer.query('BEGIN')
  await consumer.query(`SELECT 1 FROM station_results WHERE election_id = $1 AND contest_id = $2 AND station_id = $3 FOR UPDATE`, [third.electionId, third.contestId, third.stationId])
  let settled = false
  const pending = validateReturn(deskDb, { ref: third, returnId: `upload-${third.stationId}`, stamp, acknowledgeWarnings: false }, olivier, NOW).finally(() => {
    settled = true
  })
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.equal(settled, false, 'the desk waits while the consolidator holds the row')
  await consumer.query(`UPDATE station_results SET current_return_id = 'another-return' WHERE election_id = $1 AND contest_id = $2 AND station_id = $3`, [third.electionId, third.contestId, third.stationId])
  await consumer.query('COMMIT')
  t.same(await pending, { ok: false, status: 409, problem: STALE_PAGE }, 'then refuses: the page it was decided on is stale')
})
