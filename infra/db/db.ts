// The consolidation database: PostgreSQL (pg) in production, PGlite (Postgres in WASM) embedded.
// Both speak the same SQL; migrations run unchanged on each.

export interface QueryResult<R> {
  rows: R[]
  affectedRows: number
}

export interface Queryable {
  /** Parameterized query ($1, $2, …). Never build SQL from strings of input. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>
}

/** A transaction: queries, plus scripts of several statements (migrations). */
export interface Tx extends Queryable {
  exec(sql: string): Promise<void>
}

export interface Db extends Queryable {
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>
  close(): Promise<void>
}
