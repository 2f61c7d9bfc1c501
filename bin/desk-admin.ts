// The desk's administration commands (`elections user add|disable`, `elections audit verify`) open
// the consolidation database the way the running services do. Embedded, that is PGlite under
// DATA_DIR, which one process at a time may open: the embedded bus's lock on the same folder says
// whether `elections start` is running there, and the command refuses rather than corrupt it.
// And a newcomer's first `elections start` gets a desk administrator with a generated password.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import type { Db } from '../infra/db/db.js'
import { openEmbeddedBus } from '../infra/bus/embedded-bus.js'
import { addDeskUser } from '../consolidate/desk/desk-users.js'
import { openConsolidationDb } from './adapters.js'

/** Runs `fn` on the consolidation database; embedded, only while no other process holds DATA_DIR. */
export async function withAdminDb<T>(config: Config, logger: Logger, fn: (db: Db) => Promise<T>): Promise<T> {
  const lock = config.databaseUrl === undefined ? await openEmbeddedBus(join(config.dataDir, 'bus'), { logger }) : undefined
  try {
    const db = await openConsolidationDb(config, logger)
    try {
      return await fn(db)
    } finally {
      await db.close()
    }
  } finally {
    await lock?.close()
  }
}

/** On an embedded start with no desk user yet: an "admin" with a generated password, shown once. */
export async function ensureFirstAdmin(db: Db, at: Date): Promise<{ username: string; password: string } | undefined> {
  const existing = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM desk_users')
  if ((existing.rows[0]?.n ?? 0) > 0) return undefined
  const password = randomBytes(12).toString('base64url')
  const added = await addDeskUser(db, { username: 'admin', role: 'admin', displayName: 'Administrator', password }, 'elections start', at)
  return added.ok ? { username: 'admin', password } : undefined
}
