// The migrations PGlite runs must also run on a real PostgreSQL server. The server is named by
// TEST_DATABASE_URL (a superuser connection; the test creates and drops its own database). CI
// sets it; on a machine without it the test is skipped, and in CI its absence is a failure.
import t from 'tap'
import pg from 'pg'
import { listMigrations } from '../../infra/db/migrate.js'
import { openPgliteDb } from '../../infra/db/pglite-db.js'
import { migrate } from '../../infra/db/migrate.js'

const url = process.env.TEST_DATABASE_URL

t.test('every migration applies on PostgreSQL and yields the same tables as on PGlite', async (t) => {
  if (!url) {
    if (process.env.CI) t.fail('TEST_DATABASE_URL is not set: CI must run this test against PostgreSQL')
    else t.plan(0, 'TEST_DATABASE_URL unset: no PostgreSQL server named on this machine')
    return
  }
  const dbName = `migrations_check_${process.pid}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`)
  await admin.query(`CREATE DATABASE ${dbName}`)
  t.teardown(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`)
    await admin.end()
  })
  const target = new URL(url)
  target.pathname = `/${dbName}`
  const client = new pg.Client({ connectionString: target.toString() })
  await client.connect()
  const migrations = listMigrations()
  t.ok(migrations.length > 0, 'there are migrations')
  for (const m of migrations) {
    await client.query('BEGIN')
    await client.query(m.sql)
    await client.query('COMMIT')
    t.pass(`${m.name} applies on PostgreSQL`)
  }
  const tablesSql = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1"
  const onServer = (await client.query<{ table_name: string }>(tablesSql)).rows.map((r) => r.table_name)
  await client.end()

  const lite = await openPgliteDb()
  await migrate(lite)
  const onLite = (await lite.query<{ table_name: string }>(tablesSql)).rows.map((r) => r.table_name)
  await lite.close()
  t.same(onServer, onLite, 'the same tables on both engines')
  t.ok(onServer.includes('returns') && onServer.includes('outbox'), 'the consolidation tables exist')
})
