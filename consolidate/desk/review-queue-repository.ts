// SQL for the review queue: the contest results the consolidator held for a person (in conflict,
// or needing review), most urgent first, with the check codes found on the return that holds
// them. Read-only. The held results are few among 69,000; the partial index of migration 006
// finds them without a scan.
import type { Queryable } from '../../infra/db/db.js'
import { toIso, toNumber } from '../sql-values.js'
import { LISTED_STATION_COLUMNS, listedStation, type ListedStation, type ListedStationRow } from './listed-station.js'

export interface HeldResult extends ListedStation {
  electionId: string
  electionName: string
  contestId: string
  state: 'conflict' | 'needs-review'
  /** When the result entered its current state: how long it has waited. */
  since: string
  /** Codes of the current return's findings, errors first, then by code. */
  findings: { code: string; severity: 'error' | 'warning' }[]
}

export interface ReviewQueuePage {
  total: number
  items: HeldResult[]
}

/**
 * Urgency: a conflict or a return with an error first (nothing can publish until a person acts),
 * then warnings only; within each, the most registered voters first, then the longest waiting.
 */
export async function readReviewQueue(db: Queryable, options: { electionId: string | undefined; limit: number; offset: number }): Promise<ReviewQueuePage> {
  const res = await db.query<
    ListedStationRow & {
      election_id: string
      election_name: string
      contest_id: string
      state: 'conflict' | 'needs-review'
      updated_at: unknown
      findings: { code: string; severity: 'error' | 'warning' }[] | null
      total: unknown
    }
  >(
    `SELECT ${LISTED_STATION_COLUMNS}, r.election_id, e.name AS election_name, r.contest_id, r.state, r.updated_at, f.findings, count(*) OVER () AS total
       FROM station_results r
       JOIN elections e ON e.election_id = r.election_id
       JOIN stations s ON s.election_id = r.election_id AND s.station_id = r.station_id
       LEFT JOIN areas a ON a.election_id = r.election_id AND a.level = 'commune' AND a.code = s.commune
       LEFT JOIN LATERAL (
         SELECT jsonb_agg(DISTINCT jsonb_build_object('code', rf.code, 'severity', rf.severity)) AS findings,
                bool_or(rf.severity = 'error') AS has_error
           FROM return_findings rf WHERE rf.return_id = r.current_return_id
       ) f ON true
      WHERE r.state IN ('needs-review', 'conflict') AND ($1::text IS NULL OR r.election_id = $1)
      ORDER BY CASE WHEN r.state = 'conflict' OR f.has_error THEN 0 ELSE 1 END,
               s.registered DESC, r.updated_at, r.election_id, r.station_id, r.contest_id
      LIMIT $2 OFFSET $3`,
    [options.electionId ?? null, options.limit, options.offset],
  )
  return {
    total: toNumber(res.rows[0]?.total ?? 0),
    items: res.rows.map((r) => ({
      ...listedStation(r),
      electionId: r.election_id,
      electionName: r.election_name,
      contestId: r.contest_id,
      state: r.state,
      since: toIso(r.updated_at),
      findings: (r.findings ?? []).sort((x, y) => (x.severity === y.severity ? x.code.localeCompare(y.code) : x.severity === 'error' ? -1 : 1)),
    })),
  }
}

/** A desk correction entered by one supervisor and waiting for a second one's approval (four eyes). */
export interface CorrectionAwaitingApproval {
  electionId: string
  contestId: string
  stationId: string
  stationLabel: string
  enteredBy: string
  enteredAt: Date
}

export type ReadCorrectionsAwaitingApproval = (db: Queryable) => Promise<CorrectionAwaitingApproval[]>

/** The pending corrections (`desk_corrections`, migration 005), the longest waiting first. */
export const readCorrectionsAwaitingApproval: ReadCorrectionsAwaitingApproval = async (db) => {
  const res = await db.query<{ election_id: string; contest_id: string; station_id: string; code: string; name: string; entered_by: string; entered_at: unknown }>(
    `SELECT c.election_id, c.contest_id, c.station_id, s.code, s.name, c.entered_by, c.entered_at
       FROM desk_corrections c
       JOIN stations s ON s.election_id = c.election_id AND s.station_id = c.station_id
      WHERE c.status = 'pending'
      ORDER BY c.entered_at, c.id`,
  )
  return res.rows.map((r) => ({
    electionId: r.election_id,
    contestId: r.contest_id,
    stationId: r.station_id,
    stationLabel: `${r.code} · ${r.name}`,
    enteredBy: r.entered_by,
    enteredAt: new Date(toIso(r.entered_at)),
  }))
}
