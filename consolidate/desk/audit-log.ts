// The audit log: every login, automatic decision and desk action, append-only and hash-chained,
// so that an entry changed or removed afterwards (by a superuser who disables the trigger that
// otherwise refuses it) is found by `elections audit verify`.
//
// Entry n's hash is SHA-256 (hex) over the canonical JSON of
//   [seq, at (ISO 8601, milliseconds, UTC), actor, event, detail, prev_hash]
// where canonical JSON sorts object keys (by UTF-16 code units) at every depth and has no spaces,
// and prev_hash is entry n-1's hash, or 64 zeros for the first entry. docs/desk.md says the same
// for anyone who wants to check the chain with another tool.
import { createHash } from 'node:crypto'
import type { Db, Queryable, Tx } from '../../infra/db/db.js'
import { toNumber } from '../sql-values.js'

/** Every event the log may hold; entries are asserted by these names. */
export const AUDIT_EVENTS = [
  'desk.login',
  'desk.login-failed',
  'desk.logout',
  'user.added',
  'user.disabled',
  'security.pin-lockout',
  // The desk's actions on a station (consolidate/desk/station-actions.ts).
  'desk.return-validated',
  'desk.return-rejected',
  'desk.correction-entered',
  'desk.correction-approved',
  'desk.correction-discarded',
  'desk.result-withdrawn',
  'desk.action-refused',
] as const
export type AuditEvent = (typeof AUDIT_EVENTS)[number]

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type AuditDetail = { [key: string]: JsonValue }

export interface AuditEntryInput {
  /**
   * Who did it: a desk username, `cli:<os user>`, `anonymous` for a failed login, or
   * `service:<name>` for a service's automatic decision.
   */
  actor: string
  event: AuditEvent
  detail: AuditDetail
}

export interface AuditEntry extends AuditEntryInput {
  seq: number
  at: Date
  prevHash: string
  hash: string
}

export const GENESIS_HASH = '0'.repeat(64)

// One lock for every writer of the log, on any connection: "AUDITLOG" in ASCII.
const AUDIT_LOCK_KEY = BigInt('0x41554449544c4f47').toString()

const VERIFY_PAGE_ROWS = 5_000

function canonicalJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort()
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function auditHash(entry: { seq: number; at: Date; actor: string; event: string; detail: AuditDetail; prevHash: string }): string {
  const canonical = canonicalJson([entry.seq, entry.at.toISOString(), entry.actor, entry.event, entry.detail, entry.prevHash])
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}

/**
 * Appends one entry inside the caller's transaction (so the entry and the change it records
 * commit together). The advisory lock makes concurrent writers take turns: each reads the last
 * hash and takes the next seq only once the previous writer has committed.
 */
export async function appendAuditInTx(tx: Queryable, input: AuditEntryInput, at: Date): Promise<AuditEntry> {
  // A copy: the hash covers this instant, and a caller's Date could change after.
  const when = new Date(at.getTime())
  await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [AUDIT_LOCK_KEY])
  const last = await tx.query<{ hash: string }>('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1')
  const prevHash = last.rows[0]?.hash ?? GENESIS_HASH
  const next = await tx.query<{ seq: unknown }>(`SELECT nextval('audit_log_seq') AS seq`)
  const seq = toNumber(next.rows[0]?.seq)
  const entry: AuditEntry = { ...input, seq, at: when, prevHash, hash: '' }
  entry.hash = auditHash(entry)
  await tx.query(
    `INSERT INTO audit_log (seq, at, actor, event, detail, prev_hash, hash) OVERRIDING SYSTEM VALUE
     VALUES ($1, $2::timestamptz, $3, $4, $5::jsonb, $6, $7)`,
    [seq, when, input.actor, input.event, JSON.stringify(input.detail), prevHash, entry.hash],
  )
  return entry
}

/** Appends one entry in a transaction of its own. */
export function appendAudit(db: Db, input: AuditEntryInput, at: Date): Promise<AuditEntry> {
  return db.transaction((tx: Tx) => appendAuditInTx(tx, input, at))
}

export type AuditVerification =
  | { ok: true; entries: number }
  | {
      ok: false
      /** Entries that held before the broken one. */
      entries: number
      /** The first entry whose content or link does not hold. */
      seq: number
      reason: string
    }

interface AuditRow {
  seq: unknown
  at: Date
  actor: string
  event: string
  detail: AuditDetail
  prev_hash: string
  hash: string
}

/** Walks the chain in seq order and names the first broken link. */
export async function verifyAudit(db: Queryable): Promise<AuditVerification> {
  let expectedPrev = GENESIS_HASH
  let checked = 0
  let after = 0
  for (;;) {
    const page = await db.query<AuditRow>(
      `SELECT seq, at, actor, event, detail, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [after, VERIFY_PAGE_ROWS],
    )
    for (const row of page.rows) {
      const seq = toNumber(row.seq)
      if (row.prev_hash !== expectedPrev) {
        const reason =
          checked === 0
            ? 'the first entry does not start the chain (its prev_hash is not the genesis hash)'
            : `its prev_hash is not the hash of the entry before it: an entry between them was removed or forged`
        return { ok: false, entries: checked, seq, reason }
      }
      const hash = auditHash({ seq, at: row.at, actor: row.actor, event: row.event, detail: row.detail, prevHash: row.prev_hash })
      if (hash !== row.hash) return { ok: false, entries: checked, seq, reason: 'its content does not match its hash: the entry was changed' }
      expectedPrev = row.hash
      checked += 1
      after = seq
    }
    if (page.rows.length < VERIFY_PAGE_ROWS) return { ok: true, entries: checked }
  }
}
