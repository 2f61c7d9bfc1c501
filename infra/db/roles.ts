// The database roles of the separation (DESIGN.md, "Separation and accountability"), the one place
// their SQL lives; ops/postgres/setup.sh and `bin/db.ts` run it. The consolidation service owns
// its database and every table its migrations create; the results desk may connect and read, and
// write only its own audit entries; the publisher has no role at all, so no credential exists
// that its host could hold or leak; nobody else may connect. Idempotent: running it again
// changes nothing.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Logger } from '../logging.js'
import { connectPostgresDb } from './postgres-db.js'
import type { Db } from './db.js'

export interface RolesOptions {
  database?: string
  consolidateRole?: string
  deskRole?: string
  /** Unset on a trust-auth machine; required in production (see ops/postgres/README.md). */
  consolidatePassword?: string
  deskPassword?: string
  logger?: Logger
}

export interface RolesUrls {
  /** For the consolidation service (and `elections db migrate`). */
  databaseUrl: string
  /** For the results desk. */
  deskDatabaseUrl: string
}

/** The database-level setting that names the desk role for the migrations (unset on PGlite). */
export const DESK_ROLE_SETTING = 'elections.desk_role'

// Role and database names go into DDL, which takes no parameters: they are checked against this
// pattern and then quoted, never spliced in as they come.
const NAME = /^[a-z_][a-z0-9_]{0,62}$/

function identifier(name: string, what: string): string {
  if (!NAME.test(name)) throw new Error(`${what} "${name}" is not a plain lower-case PostgreSQL name (a-z, 0-9, _; at most 63)`)
  return pg.escapeIdentifier(name)
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password`, computed here so the password
 * itself never travels in a statement (and so never lands in the server's logs). Computed over
 * the password's UTF-8 bytes, as node-pg does when it authenticates.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256')
  const clientKey = createHmac('sha256', salted).update('Client Key').digest()
  const storedKey = createHash('sha256').update(clientKey).digest()
  const serverKey = createHmac('sha256', salted).update('Server Key').digest()
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`
}

function withDatabase(url: string, database: string): string {
  const out = new URL(url)
  out.pathname = `/${database}`
  return out.toString()
}

/** A service's URL: the admin URL's host, port and options, the role's name and no password. */
function urlFor(adminUrl: string, role: string, database: string): string {
  const out = new URL(withDatabase(adminUrl, database))
  out.username = role
  out.password = ''
  return out.toString()
}

async function ensureLoginRole(admin: Db, name: string, password: string | undefined): Promise<void> {
  const role = identifier(name, 'role')
  const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])
  if (exists.rows.length === 0) await admin.exec(`CREATE ROLE ${role}`)
  // Stated every time, so a role someone altered by hand is brought back to what it should be.
  await admin.exec(`ALTER ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS`)
  if (password !== undefined) await admin.exec(`ALTER ROLE ${role} PASSWORD ${pg.escapeLiteral(scramSha256Verifier(password))}`)
}

async function ensureDatabase(admin: Db, name: string, ownerName: string): Promise<void> {
  const database = identifier(name, 'database')
  const owner = identifier(ownerName, 'role')
  const found = await admin.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [name])
  const current = found.rows[0]?.owner
  if (current === undefined) await admin.exec(`CREATE DATABASE ${database} OWNER ${owner}`)
  else if (current !== ownerName) await admin.exec(`ALTER DATABASE ${database} OWNER TO ${owner}`)
}

/** Creates or repairs the roles and the database; run as a superuser. Returns the services' URLs. */
export async function setupRoles(adminUrl: string, options: RolesOptions = {}): Promise<RolesUrls> {
  const name = {
    database: options.database ?? 'elections',
    consolidate: options.consolidateRole ?? 'elections_consolidate',
    desk: options.deskRole ?? 'elections_desk',
  }
  const database = identifier(name.database, 'database')
  const consolidate = identifier(name.consolidate, 'role')
  const desk = identifier(name.desk, 'role')

  const admin = await connectPostgresDb(adminUrl, { max: 1, applicationName: 'elections db setup', logger: options.logger })
  try {
    const su = await admin.query<{ rolsuper: boolean; who: string }>('SELECT rolsuper, current_user AS who FROM pg_roles WHERE rolname = current_user')
    if (su.rows[0]?.rolsuper !== true) throw new Error(`the roles setup must run as a superuser; ${su.rows[0]?.who ?? 'this role'} is not one`)
    await ensureLoginRole(admin, name.consolidate, options.consolidatePassword)
    await ensureLoginRole(admin, name.desk, options.deskPassword)
    await ensureDatabase(admin, name.database, name.consolidate)
    // The owner keeps every right; the desk may connect; PUBLIC (every other role) may neither
    // connect, nor create schemas, nor use temporary tables.
    await admin.exec(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`)
    await admin.exec(`GRANT CONNECT ON DATABASE ${database} TO ${desk}`)
    // The desk's few writes are on tables the migrations create after this setup, as the
    // consolidate role: the database carries the desk role's name to them (see grant_desk_writes
    // in infra/db/migrations/002_desk.sql), so they grant exactly those writes and nothing else.
    await admin.exec(`ALTER DATABASE ${database} SET ${DESK_ROLE_SETTING} = ${pg.escapeLiteral(name.desk)}`)
  } finally {
    await admin.close()
  }

  // Schema rights live inside the database: connect to it, still as the superuser.
  const inside = await connectPostgresDb(withDatabase(adminUrl, name.database), {
    max: 1,
    applicationName: 'elections db setup',
    logger: options.logger,
  })
  try {
    await inside.exec(`ALTER SCHEMA public OWNER TO ${consolidate}`)
    await inside.exec(`REVOKE ALL ON SCHEMA public FROM PUBLIC`)
    await inside.exec(`GRANT USAGE ON SCHEMA public TO ${desk}`)
    // Read-only on the consolidation tables, present and future: the migrations run later as the
    // consolidate role, and its default privileges cover every table they create.
    await inside.exec(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${desk}`)
    await inside.exec(`ALTER DEFAULT PRIVILEGES FOR ROLE ${consolidate} IN SCHEMA public GRANT SELECT ON TABLES TO ${desk}`)
    // Migrated already (setup run again, or a new desk role): grant the desk's writes now.
    const migrated = await inside.query<{ found: boolean }>(`SELECT to_regprocedure('public.grant_desk_writes(text)') IS NOT NULL AS found`)
    if (migrated.rows[0]?.found === true) await inside.query('SELECT public.grant_desk_writes($1)', [name.desk])
  } finally {
    await inside.close()
  }

  return {
    databaseUrl: urlFor(adminUrl, name.consolidate, name.database),
    deskDatabaseUrl: urlFor(adminUrl, name.desk, name.database),
  }
}
