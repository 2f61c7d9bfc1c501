// Applies infra/db/migrations/NNN_name.sql in order, each once, each in its own transaction.
// The same files run on PGlite and on PostgreSQL.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Db } from './db.js'

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations')

export function listMigrations(dir = MIGRATIONS_DIR): { name: string; sql: string }[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }))
}

/** Returns the names of the migrations it applied (empty when the schema was up to date). */
export async function migrate(db: Db, dir = MIGRATIONS_DIR): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`)
  const done = new Set((await db.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name))
  const applied: string[] = []
  for (const m of listMigrations(dir)) {
    if (done.has(m.name)) continue
    await db.transaction(async (tx) => {
      // Each file runs as one simple-protocol script, so it may hold several statements.
      await tx.exec(m.sql)
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [m.name])
    })
    applied.push(m.name)
  }
  return applied
}
