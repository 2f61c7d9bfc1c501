// The embedded consolidation database: PGlite, PostgreSQL compiled to WASM, persisted in a folder.
// It speaks the same SQL as the real server, so the migrations and repositories are shared.
import { mkdirSync } from 'node:fs'
import { PGlite, type Transaction } from '@electric-sql/pglite'
import type { Db, QueryResult, Tx } from './db.js'

function wrap(q: PGlite | Transaction): Tx {
  return {
    async exec(sql: string) {
      await q.exec(sql)
    },
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const res = await q.query<R>(sql, params as unknown[])
      return { rows: res.rows, affectedRows: res.affectedRows ?? 0 }
    },
  }
}

/** Opens (or creates) the database in `dir`; in memory when `dir` is undefined (tests). */
export async function openPgliteDb(dir?: string): Promise<Db> {
  if (dir !== undefined) mkdirSync(dir, { recursive: true })
  const pg = dir === undefined ? new PGlite() : new PGlite(dir)
  await pg.waitReady
  const base = wrap(pg)
  return {
    query: base.query,
    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      return pg.transaction((tx) => fn(wrap(tx)))
    },
    exec: base.exec,
    async close() {
      await pg.close()
    },
  }
}
