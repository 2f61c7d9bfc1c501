// SQL for officials' PIN lockouts (table pin_lockouts): consolidation stores each lock once, as
// [security] announced it; the results desk lists them, the ones in force first, with the station
// each code belongs to.
import type { Lockout } from '../core/credentials.js'
import type { Queryable } from '../infra/db/db.js'
import { rowsParam, toIso, toNumber } from './sql-values.js'

/** What a lock is on: the station code, or the caller. With `reason` and `until` it names the lock. */
export function lockoutSubject(lockout: Lockout): string {
  return lockout.reason === 'station-code' ? (lockout.code ?? lockout.caller) : lockout.caller
}

export function lockoutKey(lockout: Lockout): string {
  return JSON.stringify([lockout.reason, lockoutSubject(lockout), Date.parse(lockout.until)])
}

/** Inserts the locks not stored yet; returns the keys (lockoutKey) of those it inserted. */
export async function insertLockouts(tx: Queryable, lockouts: readonly Lockout[], receivedAt: Date): Promise<Set<string>> {
  if (lockouts.length === 0) return new Set()
  const res = await tx.query<{ reason: Lockout['reason']; subject: string; until_at: unknown }>(
    `INSERT INTO pin_lockouts (reason, subject, code, caller, election_id, station_id, channel, attempts, locked_at, until_at, received_at)
     SELECT l.reason, l.subject, l.code, l.caller, l.election_id, l.station_id, l.channel, l.attempts, l.locked_at, l.until_at, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb)
         AS l(reason text, subject text, code text, caller text, election_id text, station_id text, channel text,
              attempts integer, locked_at timestamptz, until_at timestamptz)
     ON CONFLICT (reason, subject, until_at) DO NOTHING
     RETURNING reason, subject, until_at`,
    [
      rowsParam(
        lockouts.map((l) => ({
          reason: l.reason,
          subject: lockoutSubject(l),
          code: l.code ?? null,
          caller: l.caller,
          election_id: l.electionId ?? null,
          station_id: l.stationId ?? null,
          channel: l.channel ?? null,
          attempts: l.attempts ?? null,
          locked_at: l.at,
          until_at: l.until,
        })),
      ),
      receivedAt,
    ],
  )
  return new Set(res.rows.map((r) => JSON.stringify([r.reason, r.subject, Date.parse(toIso(r.until_at))])))
}

/** A stored lock, with the station its code belongs to when that station is in a loaded election. */
export interface StoredLockout {
  id: number
  reason: Lockout['reason']
  code: string | undefined
  caller: string
  channel: Lockout['channel']
  attempts: number | undefined
  lockedAt: Date
  until: Date
  station: { id: string; code: string; name: string; commune: string; communeName: string | undefined } | undefined
}

interface LockoutRow {
  id: unknown
  reason: Lockout['reason']
  code: string | null
  caller: string
  channel: Lockout['channel'] | null
  attempts: unknown
  locked_at: unknown
  until_at: unknown
  station_id: string | null
  station_code: string | null
  station_name: string | null
  commune: string | null
  commune_name: string | null
}

const SELECT_LOCKOUTS = `
  SELECT l.id, l.reason, l.code, l.caller, l.channel, l.attempts, l.locked_at, l.until_at,
         s.station_id, s.code AS station_code, s.name AS station_name, s.commune, c.name AS commune_name
    FROM pin_lockouts l
    LEFT JOIN stations s ON s.election_id = l.election_id AND s.station_id = l.station_id
    LEFT JOIN areas c ON c.election_id = s.election_id AND c.level = 'commune' AND c.code = s.commune`

function storedLockout(r: LockoutRow): StoredLockout {
  return {
    id: toNumber(r.id),
    reason: r.reason,
    code: r.code ?? undefined,
    caller: r.caller,
    channel: r.channel ?? undefined,
    attempts: r.attempts === null ? undefined : toNumber(r.attempts),
    lockedAt: new Date(toIso(r.locked_at)),
    until: new Date(toIso(r.until_at)),
    station:
      r.station_id === null
        ? undefined
        : {
            id: r.station_id,
            code: r.station_code ?? '',
            name: r.station_name ?? '',
            commune: r.commune ?? '',
            communeName: r.commune_name ?? undefined,
          },
  }
}

export interface LockoutList {
  /** Locks not ended at `now`, the latest started first. */
  inForce: StoredLockout[]
  /** Ended locks, the latest ended first, at most `endedLimit` of them. */
  ended: StoredLockout[]
  /** Every ended lock stored (more than `ended` holds when the limit cut the list). */
  endedTotal: number
}

export async function readLockouts(q: Queryable, now: Date, endedLimit: number): Promise<LockoutList> {
  const inForce = await q.query<LockoutRow>(`${SELECT_LOCKOUTS} WHERE l.until_at > $1 ORDER BY l.locked_at DESC, l.id DESC`, [now])
  const ended = await q.query<LockoutRow>(`${SELECT_LOCKOUTS} WHERE l.until_at <= $1 ORDER BY l.until_at DESC, l.id DESC LIMIT $2`, [now, endedLimit])
  const total = await q.query<{ n: unknown }>(`SELECT count(*) AS n FROM pin_lockouts WHERE until_at <= $1`, [now])
  return { inForce: inForce.rows.map(storedLockout), ended: ended.rows.map(storedLockout), endedTotal: toNumber(total.rows[0]?.n ?? 0) }
}

export async function countLockoutsInForce(q: Queryable, now: Date): Promise<number> {
  const res = await q.query<{ n: unknown }>(`SELECT count(*) AS n FROM pin_lockouts WHERE until_at > $1`, [now])
  return toNumber(res.rows[0]?.n ?? 0)
}
