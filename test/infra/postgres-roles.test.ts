// The database roles of the separation (infra/db/roles.ts) on a real PostgreSQL
// (TEST_DATABASE_URL, a superuser): the consolidation role owns what its migrations create, the
// desk reads, and writes only audit entries and its station decisions (migration 005), anyone else cannot connect, and a second
// run changes nothing.
// Roles are cluster-wide, so this test names its own and drops them at the end.
import t from 'tap'
import type { Test } from 'tap'
import pg from 'pg'
import type { Db } from '../../infra/db/db.js'
import { migrate } from '../../infra/db/migrate.js'
import { appendAudit, verifyAudit } from '../../consolidate/desk/audit-log.js'
import { connectPostgresDb, DbConnectionError } from '../../infra/db/postgres-db.js'
import { scramSha256Verifier, setupRoles } from '../../infra/db/roles.js'
import { realService, uniqueName } from '../helpers/real-services.js'

/** A database, its two roles and an outsider role, all named for this run and dropped at its end. */
function isolatedNames(t: Test, adminUrl: string) {
  const names = {
    database: uniqueName('roles'),
    consolidateRole: uniqueName('consolidate'),
    deskRole: uniqueName('desk'),
    outsider: uniqueName('outsider'),
  }
  t.teardown(async () => {
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(names.database)} WITH (FORCE)`)
    for (const role of [names.consolidateRole, names.deskRole, names.outsider]) await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`)
    await admin.end()
  })
  return names
}

function asRole(adminUrl: string, role: string, database: string): string {
  const url = new URL(adminUrl)
  url.username = role
  url.password = ''
  url.pathname = `/${database}`
  return url.toString()
}

async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (err: { code?: string }) => err.code,
  )
}

/** Everything setup decides: role attributes, database owner and rights, schema rights, default and table privileges. */
async function privileges(adminUrl: string, names: ReturnType<typeof isolatedNames>) {
  const inside = await connectPostgresDb(asRole(adminUrl, new URL(adminUrl).username, names.database), { max: 1 })
  try {
    const q = async (sql: string, params: unknown[] = []) => (await inside.query(sql, params)).rows
    return {
      roles: await q(
        `SELECT rolname, rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls
           FROM pg_roles WHERE rolname = ANY($1::text[]) ORDER BY 1`,
        [[names.consolidateRole, names.deskRole]],
      ),
      database: await q(`SELECT pg_get_userbyid(datdba) AS owner, datacl::text[] AS acl FROM pg_database WHERE datname = $1`, [names.database]),
      schema: await q(`SELECT pg_get_userbyid(nspowner) AS owner, nspacl::text[] AS acl FROM pg_namespace WHERE nspname = 'public'`),
      defaults: await q(`SELECT pg_get_userbyid(defaclrole) AS role, defaclobjtype, defaclacl::text[] AS acl FROM pg_default_acl ORDER BY 1, 2`),
      tables: await q(`SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`),
      grants: await q(`SELECT table_name, grantee, privilege_type FROM information_schema.role_table_grants
                        WHERE table_schema = 'public' ORDER BY 1, 2, 3`),
      sequences: await q(`SELECT relname, relacl::text[] AS acl FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace ORDER BY 1`),
      settings: await q(`SELECT setconfig FROM pg_db_role_setting WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = $1)`, [names.database]),
    }
  } finally {
    await inside.close()
  }
}

t.test('the consolidate role owns its tables, the desk only reads, nobody else connects', async (t) => {
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const names = isolatedNames(t, adminUrl)
  const urls = await setupRoles(adminUrl, names)
  t.equal(urls.databaseUrl, asRole(adminUrl, names.consolidateRole, names.database), 'DATABASE_URL: the consolidate role, no password')
  t.equal(urls.deskDatabaseUrl, asRole(adminUrl, names.deskRole, names.database), 'DESK_DATABASE_URL: the desk role')

  const opened: Db[] = []
  t.teardown(async () => {
    for (const db of opened) await db.close()
  })
  const consolidate = await connectPostgresDb(urls.databaseUrl, { max: 1 })
  opened.push(consolidate)
  t.ok((await migrate(consolidate)).length > 0, 'the consolidate role runs the migrations')
  const owners = await consolidate.query<{ tableowner: string }>(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'`)
  t.same(owners.rows, [{ tableowner: names.consolidateRole }], 'and owns every table they created')

  const desk = await connectPostgresDb(urls.deskDatabaseUrl, { max: 1 })
  opened.push(desk)
  t.same((await desk.query('SELECT count(*) AS n FROM returns')).rows, [{ n: 0 }], 'the desk reads a table created after the setup')
  t.same((await desk.query('SELECT name FROM schema_migrations')).rows.length > 0, true, 'and the migrations record')
  const refused: [string, string][] = [
    ['INSERT', `INSERT INTO returns (return_id, receipt, election_id, contest_id, station_id, channel, submitted_by, submitted_at, counts, content_hash, source_topic, source_partition, source_offset, received_at) VALUES ('r', 'r', 'e', 'c', 's', 'api', 'x', now(), '{}', 'h', 't', 0, '0', now())`],
    ['UPDATE', `UPDATE station_results SET published_version = 9`],
    ['DELETE', `DELETE FROM returns`],
    ['CREATE TABLE', `CREATE TABLE desk_own (id integer)`],
    ['CREATE TEMP TABLE', `CREATE TEMP TABLE desk_scratch (id integer)`],
    ['DROP TABLE', `DROP TABLE returns`],
    ['TRUNCATE', `TRUNCATE outbox`],
    ['CREATE SCHEMA', `CREATE SCHEMA desk`],
  ]
  for (const [what, sql] of refused) t.equal(await sqlState(desk.query(sql)), '42501', `the desk may not ${what} (permission denied)`)

  // The desk's writes: audit entries, through the chained writer (advisory lock, sequence), and
  // its station decisions (migration 005; exercised in test/consolidate/desk/station-actions-postgres.test.ts).
  const at = new Date('2027-04-11T19:00:00.000Z')
  const entry = await appendAudit(desk, { actor: 'alice', event: 'desk.login', detail: { address: '127.0.0.1' } }, at)
  t.equal(entry.seq, 1, 'the desk appends to audit_log')
  t.same(await verifyAudit(desk), { ok: true, entries: 1 }, 'and reads it back to verify')
  const deskRefused: [string, string][] = [
    ['UPDATE audit_log', `UPDATE audit_log SET actor = 'mallory'`],
    ['DELETE FROM audit_log', `DELETE FROM audit_log`],
    ['TRUNCATE audit_log', `TRUNCATE audit_log`],
    ['INSERT INTO desk_users', `INSERT INTO desk_users (username, display_name, role, password_hash, created_at) VALUES ('mallory', 'M', 'admin', 'scrypt$2$1$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA==', now())`],
    ['UPDATE desk_users', `UPDATE desk_users SET role = 'admin'`],
    ['DELETE FROM desk_users', `DELETE FROM desk_users`],
  ]
  for (const [what, sql] of deskRefused) t.equal(await sqlState(desk.query(sql)), '42501', `the desk may not ${what} (permission denied)`)
  // The owner holds every privilege on audit_log; the trigger refuses anyway.
  for (const sql of [`UPDATE audit_log SET actor = 'mallory'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`]) {
    const refusedByTrigger = await consolidate.query(sql).then(
      () => undefined,
      (err: Error & { code?: string }) => err,
    )
    t.equal(refusedByTrigger?.code, 'P0001', `${sql.split(' ')[0]} as the owner: refused by the trigger`)
    t.match(refusedByTrigger?.message, /^audit_log is append-only: (UPDATE|DELETE|TRUNCATE) refused$/)
  }
  t.same(await verifyAudit(consolidate), { ok: true, entries: 1 }, 'the entry is as the desk wrote it')
  const deskWrites = await consolidate.query<{ table_name: string; privilege_type: string }>(
    `SELECT table_name, privilege_type FROM information_schema.role_table_grants
      WHERE grantee = $1 AND privilege_type <> 'SELECT' ORDER BY 1, 2`,
    [names.deskRole],
  )
  t.same(
    deskWrites.rows,
    [
      { table_name: 'audit_log', privilege_type: 'INSERT' },
      { table_name: 'desk_corrections', privilege_type: 'INSERT' },
      { table_name: 'outbox', privilege_type: 'INSERT' },
    ],
    'whole-table writes: INSERT on audit_log, desk_corrections and outbox, nothing else',
  )
  const deskColumns = await consolidate.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.column_privileges
      WHERE grantee = $1 AND privilege_type = 'UPDATE' ORDER BY 1, 2`,
    [names.deskRole],
  )
  t.same(
    deskColumns.rows.map((r) => `${r.table_name}.${r.column_name}`),
    [
      'desk_corrections.decided_at', 'desk_corrections.decided_by', 'desk_corrections.emitted_version', 'desk_corrections.status',
      'return_outcomes.decided_at', 'return_outcomes.reason', 'return_outcomes.status',
      'station_results.counts', 'station_results.current_return_id', 'station_results.state', 'station_results.turnout',
      'station_results.updated_at', 'station_results.validated_at', 'station_results.validated_return_id', 'station_results.version',
    ],
    'UPDATE on the columns its decisions change, never published_version, a return or a correction’s figures',
  )

  const admin = await connectPostgresDb(adminUrl, { max: 1 })
  opened.push(admin)
  await admin.exec(`CREATE ROLE ${pg.escapeIdentifier(names.outsider)} LOGIN`)
  const outsider = await connectPostgresDb(asRole(adminUrl, names.outsider, names.database), { max: 1 }).catch((e: unknown) => e)
  t.ok(outsider instanceof DbConnectionError, 'any other role (the publisher\'s, were there one) cannot connect')
  t.equal(((outsider as Error).cause as { code?: string }).code, '42501')
  t.match((outsider as Error).message, `permission denied for database "${names.database}"`)

  const connectable = await admin.query<{ grantee: string }>(
    `SELECT DISTINCT a.grantee::regrole::text AS grantee FROM pg_database d, aclexplode(d.datacl) a
      WHERE d.datname = $1 AND a.privilege_type = 'CONNECT' ORDER BY 1`,
    [names.database],
  )
  t.same(connectable.rows.map((r) => r.grantee).sort(), [names.consolidateRole, names.deskRole].sort(), 'only the two roles hold CONNECT')
})

t.test('setup run again changes nothing', async (t) => {
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const names = isolatedNames(t, adminUrl)
  await setupRoles(adminUrl, names)
  const consolidate = await connectPostgresDb(asRole(adminUrl, names.consolidateRole, names.database), { max: 1 })
  await migrate(consolidate)
  await consolidate.close()
  const before = await privileges(adminUrl, names)
  t.ok(before.tables.length > 0 && before.grants.length > 0, 'there are tables and grants to compare')
  t.ok(
    before.grants.some((g) => g.table_name === 'audit_log' && g.grantee === names.deskRole && g.privilege_type === 'INSERT'),
    'the migrations granted the desk its audit writes',
  )
  await setupRoles(adminUrl, names)
  t.same(await privileges(adminUrl, names), before, 'roles, owners, rights and default privileges as they were')
})

t.test('setup after the migrations grants the desk its writes (a new desk role, or grants lost)', async (t) => {
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const names = isolatedNames(t, adminUrl)
  const urls = await setupRoles(adminUrl, names)
  const consolidate = await connectPostgresDb(urls.databaseUrl, { max: 1 })
  t.teardown(() => consolidate.close())
  await migrate(consolidate)
  const desk = pg.escapeIdentifier(names.deskRole)
  await consolidate.exec(`REVOKE INSERT ON audit_log FROM ${desk}; REVOKE USAGE ON SEQUENCE audit_log_seq FROM ${desk}`)
  const deskDb = await connectPostgresDb(urls.deskDatabaseUrl, { max: 1 })
  t.teardown(() => deskDb.close())
  const entry = { actor: 'alice', event: 'desk.login', detail: {} } as const
  t.equal(await sqlState(appendAudit(deskDb, entry, new Date())), '42501', 'without the grants the desk cannot append')
  await setupRoles(adminUrl, names)
  t.match(await appendAudit(deskDb, entry, new Date()), { seq: 1 }, 'setup granted them back')
  t.same(await verifyAudit(deskDb), { ok: true, entries: 1 })
})

t.test('passwords are stored as SCRAM verifiers PostgreSQL itself would compute', async (t) => {
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  if (!adminUrl) return
  const names = isolatedNames(t, adminUrl)
  await setupRoles(adminUrl, { ...names, consolidatePassword: 'consolidate-sécret', deskPassword: 'desk-secret' })
  const admin = await connectPostgresDb(adminUrl, { max: 1 })
  t.teardown(() => admin.close())
  const stored = async (role: string) =>
    (await admin.query<{ p: string }>('SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1', [role])).rows[0]?.p ?? ''
  const ours = await stored(names.consolidateRole)
  const [, iterations, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(ours) ?? []
  t.ok(salt, 'a SCRAM-SHA-256 verifier, not the password')
  t.equal(ours, scramSha256Verifier('consolidate-sécret', Buffer.from(salt ?? '', 'base64'), Number(iterations)), 'ours recomputes')

  // The server's own verifier for the same password and salt: set it in plain text on a scratch role.
  await admin.exec(`SET password_encryption = 'scram-sha-256'`)
  await admin.exec(`CREATE ROLE ${pg.escapeIdentifier(names.outsider)} PASSWORD 'desk-secret'`)
  const theirs = await stored(names.outsider)
  const [, theirIterations, theirSalt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(theirs) ?? []
  t.equal(scramSha256Verifier('desk-secret', Buffer.from(theirSalt ?? '', 'base64'), Number(theirIterations)), theirs, 'the same verifier as the server computes')
  t.not(await stored(names.deskRole), theirs, 'a fresh salt for every password')
})
