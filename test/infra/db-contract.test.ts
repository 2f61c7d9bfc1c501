// The database contract (test/helpers/db-contract.ts) on PGlite and on a real PostgreSQL
// (TEST_DATABASE_URL, a superuser: each run creates and drops its own databases), the migrations
// yielding the same schema on both, then what only the pg adapter must do: fail fast at start with
// a message naming where and why (never the password), and survive connections the server drops.
import t from 'tap'
import type { Test } from 'tap'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { pino } from 'pino'
import type { Db } from '../../infra/db/db.js'
import { migrate } from '../../infra/db/migrate.js'
import { openPgliteDb } from '../../infra/db/pglite-db.js'
import { connectPostgresDb, DbConnectionError } from '../../infra/db/postgres-db.js'
import { dbContract, freshDatabase } from '../helpers/db-contract.js'
import { realService, uniqueName } from '../helpers/real-services.js'

const WAIT_LIMIT_MS = 10_000

t.test('PGlite', async (t) => {
  dbContract(t, () => openPgliteDb())
})

t.test('PostgreSQL', async (t) => {
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const { url } = await freshDatabase(t, adminUrl, 'contract')
  dbContract(t, () => connectPostgresDb(url, { applicationName: 'db-contract test' }))
})

/**
 * Everything that describes a schema: columns, constraints, indexes. PGlite (PostgreSQL 18) also
 * lists NOT NULL as constraints; the columns' is_nullable says the same on both.
 */
async function schemaOf(db: Db) {
  const q = async (sql: string) => (await db.query(sql)).rows
  return {
    columns: await q(`SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity
                        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2`),
    constraints: await q(`SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
                            FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n' ORDER BY 1, 2`),
    indexes: await q(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`),
  }
}

t.test('the migrations yield the same schema on PostgreSQL as on PGlite', async (t) => {
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const { url } = await freshDatabase(t, adminUrl, 'schema')
  const server = await connectPostgresDb(url)
  const lite = await openPgliteDb()
  t.teardown(async () => {
    await server.close()
    await lite.close()
  })
  await migrate(server)
  await migrate(lite)
  const onServer = await schemaOf(server)
  t.ok(onServer.columns.length > 50 && onServer.indexes.length > 10, 'the consolidation schema is there')
  t.same(onServer, await schemaOf(lite), 'columns, constraints and indexes alike')
})

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

t.test('with no server there, start-up fails at once, naming where and why, never the password', async (t) => {
  const port = await closedPort()
  const err = await connectPostgresDb(`postgres://elections_consolidate:pw-never-shown@127.0.0.1:${port}/elections`).catch((e: unknown) => e)
  t.ok(err instanceof DbConnectionError, 'a DbConnectionError')
  t.match((err as Error).message, new RegExp(`^cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/elections as elections_consolidate: .*ECONNREFUSED`))
  t.notMatch((err as Error).message, /pw-never-shown/)
})

t.test('a role or a database that does not exist is named in the start-up error', async (t) => {
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const noRole = new URL(adminUrl)
  noRole.username = uniqueName('nobody')
  noRole.password = 'pw-never-shown'
  const roleErr = (await connectPostgresDb(noRole.toString()).catch((e: unknown) => e)) as Error
  t.ok(roleErr instanceof DbConnectionError)
  t.match(roleErr.message, `as ${noRole.username}: `)
  t.match(roleErr.message, `role "${noRole.username}" does not exist`)
  t.notMatch(roleErr.message, /pw-never-shown/)

  const noDatabase = new URL(adminUrl)
  const absent = uniqueName('absent')
  noDatabase.pathname = `/${absent}`
  const dbErr = (await connectPostgresDb(noDatabase.toString()).catch((e: unknown) => e)) as Error
  t.match(dbErr.message, new RegExp(`^cannot connect to PostgreSQL at [^ ]+:\\d+/${absent} as [^ ]+: database "${absent}" does not exist`))
})

/** A logger that keeps its entries, to see what the adapter reported. */
function capturingLogger() {
  const entries: { msg?: string; code?: string }[] = []
  const logger = pino({ level: 'debug' }, { write: (line: string) => void entries.push(JSON.parse(line) as { msg?: string }) })
  return { logger, entries }
}

async function waitFor(t: Test, what: string, ready: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`waited ${WAIT_LIMIT_MS} ms for ${what}`)
    await sleep(20)
  }
  t.pass(what)
}

/** A pool on a fresh database whose connections the test can find (by application name) and kill. */
async function killablePool(t: Test, adminUrl: string) {
  const { url } = await freshDatabase(t, adminUrl, 'pool')
  const applicationName = uniqueName('pool')
  const { logger, entries } = capturingLogger()
  const db = await connectPostgresDb(url, { applicationName, logger, max: 3 })
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  t.teardown(async () => {
    await db.close()
    await admin.end()
  })
  return { db, admin, applicationName, entries }
}

t.test('connections the server drops (a restart) are logged, and the pool opens new ones', async (t) => {
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const { db, admin, applicationName, entries } = await killablePool(t, adminUrl)
  // Three queries at once: the pool holds three idle connections afterwards.
  await Promise.all([1, 2, 3].map(() => db.query('SELECT pg_sleep(0.05)')))
  // Found first, then terminated by pid: in one WHERE clause the planner might terminate first.
  const killed = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName])
  t.equal(killed.rows.length, 3, 'the pool holds three connections')
  const terminated = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM unnest($1::integer[]) AS pid', [
    killed.rows.map((r) => r.pid),
  ])
  t.same(terminated.rows, [{ ok: true }, { ok: true }, { ok: true }], 'the server terminated them')
  const lost = () => entries.filter((e) => e.msg?.startsWith('postgres: an idle connection failed'))
  await waitFor(t, 'each lost idle connection is logged', () => lost().length === 3)
  t.equal(lost()[0]?.code, '57P01', 'with the server\'s reason (admin shutdown)')

  const after = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  t.notOk(killed.rows.some((r) => r.pid === after.rows[0]?.pid), 'the next query runs on a new connection')
  t.same((await db.transaction((tx) => tx.query('SELECT 1 AS one'))).rows, [{ one: 1 }], 'transactions work again too')
})

t.test('a connection lost inside a transaction fails that transaction only', async (t) => {
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const { db, admin, entries } = await killablePool(t, adminUrl)
  await db.exec('CREATE TABLE lost (id integer PRIMARY KEY)')
  let victim: number | undefined
  const err = await db
    .transaction(async (tx) => {
      await tx.query('INSERT INTO lost VALUES (1)')
      victim = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid
      await admin.query('SELECT pg_terminate_backend($1)', [victim])
      // Between two queries: the loss arrives as an 'error' event no query is waiting for.
      await waitFor(t, 'the loss is logged, not thrown at the process', () =>
        entries.some((e) => e.msg === 'postgres: connection lost during a transaction'),
      )
      await tx.query('INSERT INTO lost VALUES (2)')
    })
    .catch((e: unknown) => e)
  t.ok(err instanceof Error, 'the transaction fails')
  t.same((await db.query('SELECT count(*) AS n FROM lost')).rows, [{ n: 0 }], 'nothing of it was committed')
  const after = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  t.not(after.rows[0]?.pid, victim, 'the broken connection was not handed out again')
})
