// The same desk on the real services: PostgreSQL (TEST_DATABASE_URL, a superuser that sets up a
// database and roles of this run's own) with the desk connected as its narrow role, and Redis
// (TEST_REDIS_URL, a key prefix of this run's own) holding sessions and lockouts. Login, the
// dashboard and the audit writes must all work within the desk role's rights.
import t from 'tap'
import { Redis } from 'ioredis'
import pg from 'pg'
import { buildConsolidator } from '../../../consolidate/consolidator.js'
import { appendAudit, verifyAudit } from '../../../consolidate/desk/audit-log.js'
import { addDeskUser } from '../../../consolidate/desk/desk-users.js'
import { TOPICS } from '../../../core/messages.js'
import { openEmbeddedBus } from '../../../infra/bus/embedded-bus.js'
import { connectRedisCache } from '../../../infra/cache/redis-cache.js'
import { migrate } from '../../../infra/db/migrate.js'
import { connectPostgresDb } from '../../../infra/db/postgres-db.js'
import { setupRoles } from '../../../infra/db/roles.js'
import { silentLogger } from '../../../infra/logging.js'
import { createMetricsRegistry } from '../../../infra/metrics.js'
import { produceDefinition, produceLockouts, produceReturns, smallReturn } from '../../fixtures/consolidation-harness.js'
import { cleanCounts, smallElection } from '../../fixtures/small-election.js'
import { realService, uniqueName } from '../../helpers/real-services.js'
import { dashboardRow, FAST_SCRYPT, lockoutRows, problemOf, startTestDesk, TEST_NOW } from '../../helpers/desk-client.js'

const PASSWORD = 'correct horse battery staple'

t.test('the desk on PostgreSQL as its own role, with sessions and lockouts in Redis', async (t) => {
  // One at a time: an unset variable ends the test (skipped, or failed in CI) right there.
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const redisUrl = realService(t, 'TEST_REDIS_URL')
  if (!redisUrl) return

  const name = uniqueName('desk').toLowerCase()
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

  // Returns through the real consolidator, on this database.
  const bus = await openEmbeddedBus(t.testdir())
  t.teardown(() => bus.close())
  await bus.ensureTopics([
    { name: TOPICS.returns, partitions: 1, compacted: false },
    { name: TOPICS.elections, partitions: 1, compacted: false },
    { name: TOPICS.results, partitions: 1, compacted: true },
  ])
  const consolidator = buildConsolidator({ bus, db: consolidateDb, logger: silentLogger(), metrics: createMetricsRegistry(false), clock: () => TEST_NOW, relayIntervalMs: 20 })
  await consolidator.start()
  t.teardown(() => consolidator.stop())
  const def = smallElection()
  await produceDefinition(bus, def)
  const paris = def.stations.filter((s) => s.commune === '75056')
  await produceReturns(bus, paris.slice(0, 2).map((s, i) => smallReturn(s.id, cleanCounts(s, i + 1))))
  // A PIN lock, stored and audited by the consolidate role; the desk role must be able to read it.
  const until = new Date(TEST_NOW.getTime() + 10 * 60_000).toISOString()
  const lock = { type: 'lockout' as const, electionId: def.election.id, stationId: paris[0]?.id, code: '41234567', caller: '+33611111111', reason: 'station-code' as const, until, at: TEST_NOW.toISOString() }
  await produceLockouts(bus, [lock])
  await consolidator.caughtUp()

  const keyPrefix = `${name}:`
  const cache = await connectRedisCache(redisUrl, { keyPrefix })
  const redis = new Redis(redisUrl)
  t.teardown(async () => {
    await cache.close()
    try {
      const keys = await redis.keys(`${keyPrefix}*`)
      if (keys.length > 0) await redis.del(...keys)
    } finally {
      redis.disconnect()
    }
  })
  const deskDb = await connectPostgresDb(urls.deskDatabaseUrl, { max: 4, applicationName: 'desk test' })
  t.teardown(() => deskDb.close())
  const desk = await startTestDesk(t, { db: deskDb, cache })
  // Users are managed as the consolidate role (DATABASE_URL), never by the desk.
  t.same(await addDeskUser(consolidateDb, { username: 'alice', role: 'supervisor', password: PASSWORD }, 'cli:test', TEST_NOW, FAST_SCRYPT), { ok: true })

  const browser = desk.client()
  const wrong = await browser.login('alice', 'not the right password')
  t.equal(wrong.status, 401, 'a wrong password is refused (and audited by the desk role)')
  t.equal((await browser.login('alice', PASSWORD)).status, 303, 'the right one opens a session held in Redis')
  const page = await browser.get('/')
  t.equal(page.status, 200)
  t.match(dashboardRow(page.text, `departements-${def.election.id}`, '75'), { stations: '3', reported: '2', validated: '2', published: '2' })
  t.match(dashboardRow(page.text, `overall-${def.election.id}`, 'all'), { stations: '9', reported: '2', validated: '2' })
  t.ok((await redis.keys(`${keyPrefix}desk:session:*`)).length > 0, 'the session is a Redis key under this run\'s prefix')
  const lockouts = await browser.get('/lockouts')
  t.equal(lockouts.status, 200, 'the desk role reads pin_lockouts')
  t.match(lockoutRows(lockouts.text, 'lockouts-in-force'), [{ locked: 'code 41234567', caller: '+33611111111' }])
  // The lists read stations (contacts included), areas and findings as the desk role.
  const chase = await browser.get('/chase')
  t.equal(chase.status, 200, 'the desk role reads the chase list')
  t.match(chase.text, '<strong>7</strong> bureau(x) sans aucune remontée')
  t.equal((await browser.get('/review')).status, 200, 'and the review queue')
  t.equal((await browser.get(`/areas/${def.election.id}/75`)).status, 200, 'and a département’s communes')
  // The live feed's change marks (returns, outbox, audit_log, elections) are readable too.
  const stream = await fetch(new URL('/events', desk.baseUrl), { headers: { cookie: `desk_session=${browser.session ?? ''}` } })
  const reader = stream.body?.getReader()
  let streamed = ''
  while (reader && !streamed.includes('event: figures')) {
    const chunk = await reader.read()
    if (chunk.done) break
    streamed += new TextDecoder().decode(chunk.value)
  }
  await reader?.cancel()
  t.match(streamed, `"overall-${def.election.id}|all|reported":"2"`, 'the live figures stream as the desk role')

  // Her login cleared her earlier failure: five more lock her username.
  for (let i = 0; i < 5; i++) await desk.client().login('alice', `wrong ${i}`)
  const locked = await desk.client().login('alice', PASSWORD)
  t.equal(locked.status, 429, 'five failures lock the username, counted in Redis')
  t.match(problemOf(locked.text), /pour cet identifiant/)

  t.equal((await browser.logout()).status, 303)
  t.equal((await browser.get('/')).status, 303, 'logged out')

  // Writers on several connections of the desk's pool take turns on the chain.
  await Promise.all(Array.from({ length: 8 }, (_, i) => appendAudit(deskDb, { actor: `writer${i}`, event: 'desk.login', detail: { i } }, TEST_NOW)))
  const events = await deskDb.query<{ actor: string; event: string }>('SELECT actor, event FROM audit_log ORDER BY seq')
  t.same(events.rows.slice(0, 4), [
    { actor: 'service:ingest', event: 'security.pin-lockout' },
    { actor: 'cli:test', event: 'user.added' },
    { actor: 'anonymous', event: 'desk.login-failed' },
    { actor: 'alice', event: 'desk.login' },
  ])
  t.same(events.rows.slice(4, 11).map((e) => e.event), [...Array.from({ length: 6 }, () => 'desk.login-failed'), 'desk.logout'])
  t.same(await verifyAudit(deskDb), { ok: true, entries: 19 }, 'the chain holds: the lock, 10 entries from the desk, 8 concurrent ones')
})
