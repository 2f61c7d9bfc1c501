// The consolidation database on a real PostgreSQL server, through a pg pool. It hands back rows
// of the same shape as pglite-db.ts, so the repositories read both alike, and it keeps running
// when the server drops its connections (a restart, a failover): the pool opens new ones.
import pg from 'pg'
import { createLogger, type Logger } from '../logging.js'
import type { Db, QueryResult, Tx } from './db.js'

export interface PostgresDbOptions {
  /** Connections in the pool (pg's default: 10). */
  max?: number
  /** Shown in pg_stat_activity, so an operator can tell the services' connections apart. */
  applicationName?: string
  logger?: Logger
}

/** The server cannot be reached, or refuses the role or the database: a start-up failure. */
export class DbConnectionError extends Error {
  override name = 'DbConnectionError'
}

const CONNECT_TIMEOUT_MS = 10_000

const INT8_OID: number = pg.types.builtins.INT8
// Array types are not in pg's list of built-ins; annotated so it passes as a type id.
const INT8_ARRAY_OID: number = 1016

/** As PGlite does: a JS number when it is exact, a bigint beyond 2^53. */
function parseInt8(text: string): number | bigint {
  const n = BigInt(text)
  return n < Number.MIN_SAFE_INTEGER || n > Number.MAX_SAFE_INTEGER ? n : Number(n)
}

type Int8TextArray = (string | null | Int8TextArray)[]

function mapInt8Array(values: Int8TextArray): unknown[] {
  return values.map((v) => (v === null ? null : Array.isArray(v) ? mapInt8Array(v) : parseInt8(v)))
}

const parseInt8ArrayOfStrings = pg.types.getTypeParser(INT8_ARRAY_OID, 'text') as (text: string) => Int8TextArray

// pg returns int8 as a string and PGlite as a number; everything else the schema uses (int4,
// float8, numeric as a string, timestamptz as a Date, jsonb parsed, text[] as an array) already
// agrees. Set on this pool only, never on the pg module that other code may share.
const types: pg.CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return parseInt8
    if (oid === INT8_ARRAY_OID) return (text: string) => mapInt8Array(parseInt8ArrayOfStrings(text))
    return pg.types.getTypeParser(oid, format)
  },
}

/** PGlite counts rows only for the commands that change them; pg's rowCount also counts SELECT. */
const COUNTED_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY'])

function toResult<R>(res: pg.QueryResult): QueryResult<R> {
  return { rows: res.rows as R[], affectedRows: COUNTED_COMMANDS.has(res.command) ? (res.rowCount ?? 0) : 0 }
}

/** Where a URL points, for messages: host, port, database and role, never the password. */
function describeTarget(url: string): string {
  // A client that is never connected parses the URL exactly as pg will (env defaults included).
  const c = new pg.Client({ connectionString: url })
  return `${c.host}:${c.port}/${c.database ?? ''} as ${c.user ?? ''}`
}

function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.message === '') {
    // Node reports a refused connection to every address of a name as one empty AggregateError.
    return err.errors.map((e: unknown) => describeError(e)).join('; ')
  }
  if (err instanceof Error) return err.message || ((err as NodeJS.ErrnoException).code ?? err.name)
  return String(err)
}

function transactionTx(client: pg.PoolClient, isOpen: () => boolean): Tx {
  const ensureOpen = () => {
    if (!isOpen()) throw new Error('this transaction is over: its tx object cannot be used after transaction() returned')
  }
  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      ensureOpen()
      return toResult<R>(await client.query(sql, params as unknown[]))
    },
    async exec(sql: string) {
      ensureOpen()
      await client.query(sql)
    },
  }
}

/** A pool on `url`. Connections open on first use: see connectPostgresDb to fail fast at start. */
export function openPostgresDb(url: string, options: PostgresDbOptions = {}): Db {
  const logger = options.logger ?? createLogger('warn', 'postgres')
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max,
    application_name: options.applicationName,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    types,
  })
  // An idle connection the server closed (restart, pg_terminate_backend, network) is dropped by
  // the pool, which opens a new one on the next query; without this listener it would crash us.
  pool.on('error', (err: Error & { code?: string }) => {
    logger.error({ code: err.code, reason: err.message }, 'postgres: an idle connection failed; the pool will open a new one')
  })
  let closing: Promise<void> | undefined

  return {
    async query<R>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      return toResult<R>(await pool.query(sql, params as unknown[]))
    },

    async exec(sql: string) {
      // No parameters: the simple-query protocol, which runs a script of several statements.
      await pool.query(sql)
    },

    async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
      const client = await pool.connect()
      // While checked out, the pool does not listen to the client: a connection lost between two
      // queries would be an unhandled 'error' event. The next query fails instead.
      let broken: Error | undefined
      const onClientError = (err: Error) => {
        broken = err
        logger.warn({ reason: err.message }, 'postgres: connection lost during a transaction')
      }
      client.on('error', onClientError)
      let open = true
      try {
        await client.query('BEGIN')
        const result = await fn(transactionTx(client, () => open))
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: Error) => {
          broken ??= rollbackErr
        })
        throw err
      } finally {
        open = false
        client.off('error', onClientError)
        // A broken connection is destroyed rather than handed to the next caller.
        client.release(broken)
      }
    },

    async close() {
      closing ??= pool.end()
      await closing
    },
  }
}

/** Opens the pool and checks it with `SELECT 1`; a clear DbConnectionError when that fails. */
export async function connectPostgresDb(url: string, options: PostgresDbOptions = {}): Promise<Db> {
  const db = openPostgresDb(url, options)
  try {
    await db.query('SELECT 1')
    return db
  } catch (err) {
    await db.close()
    throw new DbConnectionError(`cannot connect to PostgreSQL at ${describeTarget(url)}: ${describeError(err)}`, { cause: err })
  }
}
