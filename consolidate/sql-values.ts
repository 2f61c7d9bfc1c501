// Values as the database adapters hand them back: int8 as a number (a bigint beyond 2^53; the pg
// adapter parses it as PGlite does), timestamptz as a Date. These helpers read any of them.

export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value)
  throw new Error(`expected a number from the database, got ${typeof value}`)
}

export function toIso(value: unknown): string {
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'string') return new Date(value).toISOString()
  throw new Error(`expected a timestamp from the database, got ${typeof value}`)
}

/** One jsonb parameter carrying many rows, read back with jsonb_to_recordset: one statement per batch. */
export function rowsParam(rows: readonly object[]): string {
  return JSON.stringify(rows)
}

/** Splits `items` into chunks so a single parameter stays a few megabytes at most. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
