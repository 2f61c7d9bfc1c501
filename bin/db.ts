// `elections db migrate` and `elections db setup`: the consolidation schema and the database roles
// on a real PostgreSQL server. Output for people and scripts goes to stdout; logs to stderr.
import { migrate } from '../infra/db/migrate.js'
import { connectPostgresDb } from '../infra/db/postgres-db.js'
import { setupRoles } from '../infra/db/roles.js'
import type { Logger } from '../infra/logging.js'

/**
 * Applies the pending migrations on `url` (DATABASE_URL: run it as the consolidate role, so that
 * role owns every table and the desk's default privileges cover them).
 */
export async function dbMigrate(url: string, logger: Logger): Promise<number> {
  const db = await connectPostgresDb(url, { max: 1, applicationName: 'elections db migrate', logger })
  try {
    const applied = await migrate(db)
    for (const name of applied) process.stdout.write(`applied ${name}\n`)
    if (applied.length === 0) process.stdout.write('the schema is up to date: no migration to apply\n')
    return 0
  } finally {
    await db.close()
  }
}

/**
 * Creates or repairs the roles and the database (infra/db/roles.ts) as the superuser of
 * `adminUrl`, then prints the services' URLs as KEY=value lines, without passwords.
 */
export async function dbSetup(adminUrl: string, database = 'elections', env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const urls = await setupRoles(adminUrl, {
    database,
    consolidatePassword: env.ELECTIONS_CONSOLIDATE_PASSWORD || undefined,
    deskPassword: env.ELECTIONS_DESK_PASSWORD || undefined,
  })
  process.stdout.write(`DATABASE_URL=${urls.databaseUrl}\nDESK_DATABASE_URL=${urls.deskDatabaseUrl}\n`)
  return 0
}
