// The desk's reads about one station's result for one contest: the station and contest as loaded,
// every return the station received with what became of it and its findings, the desk's
// corrections, and the audit entries that name the station. The desk's actions (station-actions.ts)
// read the same things inside their transaction, so what they decide on is what the page showed.
import type { Finding } from '../../core/checks.js'
import { CandidateSchema, ScanRefSchema, type Candidate, type Channel, type Counts, type ScanRef, type ValidationPolicy } from '../../core/schemas.js'
import type { Queryable } from '../../infra/db/db.js'
import { readFindings, type OutcomeStatus, type StationRef } from '../returns-repository.js'
import { toIso, toNumber } from '../sql-values.js'
import type { AuditDetail } from './audit-log.js'

export interface StationFacts {
  electionName: string
  policy: ValidationPolicy
  contestName: string
  /** In ballot order: the order of the tally sheet. */
  candidates: Candidate[]
  code: string
  name: string
  commune: string
  communeName: string | undefined
  departement: string | undefined
  /** The reference electoral roll. */
  registered: number
}

/** The station as its election's definition has it; undefined when the election, contest or station is unknown or the contest does not cover it. */
export async function readStationFacts(q: Queryable, ref: StationRef): Promise<StationFacts | undefined> {
  const res = await q.query<{
    election_name: string
    policy: ValidationPolicy
    contest_name: string
    candidates: unknown
    station_ids: string[] | null
    code: string
    name: string
    commune: string
    commune_name: string | null
    departement: string | null
    registered: number
  }>(
    `SELECT e.name AS election_name, e.policy, c.name AS contest_name, c.candidates, c.station_ids,
            s.code, s.name, s.commune, a.name AS commune_name, s.departement, s.registered
       FROM elections e
       JOIN contests c ON c.election_id = e.election_id AND c.contest_id = $2
       JOIN stations s ON s.election_id = e.election_id AND s.station_id = $3
       LEFT JOIN areas a ON a.election_id = e.election_id AND a.level = 'commune' AND a.code = s.commune
      WHERE e.election_id = $1`,
    [ref.electionId, ref.contestId, ref.stationId],
  )
  const r = res.rows[0]
  if (r === undefined) return undefined
  if (r.station_ids !== null && !r.station_ids.includes(ref.stationId)) return undefined
  return {
    electionName: r.election_name,
    policy: r.policy,
    contestName: r.contest_name,
    candidates: CandidateSchema.array().parse(r.candidates).sort((a, b) => a.ballot - b.ballot),
    code: r.code,
    name: r.name,
    commune: r.commune,
    communeName: r.commune_name ?? undefined,
    departement: r.departement ?? undefined,
    registered: Number(r.registered),
  }
}

export interface StationReturn {
  returnId: string
  channel: Channel
  submittedBy: string
  submittedAt: string
  receivedAt: string
  counts: Counts
  scan: ScanRef | undefined
  status: OutcomeStatus | undefined
  /** Why it was rejected (by the consolidator or the desk). */
  reason: string | undefined
  stateAfter: string | undefined
  decidedAt: string | undefined
  findings: Finding[]
}

/** The station's returns, oldest first, with their outcomes and findings. */
export async function readStationReturns(q: Queryable, ref: StationRef): Promise<StationReturn[]> {
  const res = await q.query<{
    return_id: string
    channel: Channel
    submitted_by: string
    submitted_at: unknown
    received_at: unknown
    counts: Counts
    scan: unknown
    status: OutcomeStatus | null
    reason: string | null
    state_after: string | null
    decided_at: unknown
  }>(
    `SELECT r.return_id, r.channel, r.submitted_by, r.submitted_at, r.received_at, r.counts, r.scan,
            o.status, o.reason, o.state_after, o.decided_at
       FROM returns r LEFT JOIN return_outcomes o ON o.return_id = r.return_id
      WHERE r.election_id = $1 AND r.contest_id = $2 AND r.station_id = $3
      ORDER BY r.seq`,
    [ref.electionId, ref.contestId, ref.stationId],
  )
  const findings = await readFindings(q, res.rows.map((r) => r.return_id))
  return res.rows.map((r) => ({
    returnId: r.return_id,
    channel: r.channel,
    submittedBy: r.submitted_by,
    submittedAt: toIso(r.submitted_at),
    receivedAt: toIso(r.received_at),
    counts: r.counts,
    scan: r.scan === null ? undefined : ScanRefSchema.parse(r.scan),
    status: r.status ?? undefined,
    reason: r.reason ?? undefined,
    stateAfter: r.state_after ?? undefined,
    decidedAt: r.decided_at === null ? undefined : toIso(r.decided_at),
    findings: findings.filter((f) => f.returnId === r.return_id).map(({ returnId: _, ...f }) => f),
  }))
}

export type CorrectionStatus = 'pending' | 'approved' | 'discarded'

export interface DeskCorrection {
  id: number
  counts: Counts
  reason: string
  enteredBy: string
  enteredAt: string
  baseVersion: number
  status: CorrectionStatus
  decidedBy: string | undefined
  decidedAt: string | undefined
  emittedVersion: number | undefined
}

interface CorrectionDbRow {
  id: unknown
  counts: Counts
  reason: string
  entered_by: string
  entered_at: unknown
  base_version: unknown
  status: CorrectionStatus
  decided_by: string | null
  decided_at: unknown
  emitted_version: unknown
}

const CORRECTION_COLUMNS = 'id, counts, reason, entered_by, entered_at, base_version, status, decided_by, decided_at, emitted_version'

function correctionOf(r: CorrectionDbRow): DeskCorrection {
  return {
    id: toNumber(r.id),
    counts: r.counts,
    reason: r.reason,
    enteredBy: r.entered_by,
    enteredAt: toIso(r.entered_at),
    baseVersion: toNumber(r.base_version),
    status: r.status,
    decidedBy: r.decided_by ?? undefined,
    decidedAt: r.decided_at === null ? undefined : toIso(r.decided_at),
    emittedVersion: r.emitted_version === null ? undefined : toNumber(r.emitted_version),
  }
}

/** The station's desk corrections, oldest first. */
export async function readCorrections(q: Queryable, ref: StationRef): Promise<DeskCorrection[]> {
  const res = await q.query<CorrectionDbRow>(
    `SELECT ${CORRECTION_COLUMNS} FROM desk_corrections
      WHERE election_id = $1 AND contest_id = $2 AND station_id = $3 ORDER BY id`,
    [ref.electionId, ref.contestId, ref.stationId],
  )
  return res.rows.map(correctionOf)
}

/** One correction of this station, locked until the transaction ends. */
export async function lockCorrection(q: Queryable, ref: StationRef, id: number): Promise<DeskCorrection | undefined> {
  const res = await q.query<CorrectionDbRow>(
    `SELECT ${CORRECTION_COLUMNS} FROM desk_corrections
      WHERE id = $4 AND election_id = $1 AND contest_id = $2 AND station_id = $3 FOR UPDATE`,
    [ref.electionId, ref.contestId, ref.stationId, id],
  )
  const r = res.rows[0]
  return r === undefined ? undefined : correctionOf(r)
}

export async function insertCorrection(
  q: Queryable,
  ref: StationRef,
  c: { counts: Counts; reason: string; enteredBy: string; baseVersion: number },
  at: Date,
): Promise<number> {
  const res = await q.query<{ id: unknown }>(
    `INSERT INTO desk_corrections (election_id, contest_id, station_id, counts, reason, entered_by, entered_at, base_version)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::timestamptz, $8) RETURNING id`,
    [ref.electionId, ref.contestId, ref.stationId, JSON.stringify(c.counts), c.reason, c.enteredBy, at, c.baseVersion],
  )
  return toNumber(res.rows[0]?.id)
}

export async function decideCorrection(
  q: Queryable,
  id: number,
  d: { status: Exclude<CorrectionStatus, 'pending'>; decidedBy: string; emittedVersion?: number },
  at: Date,
): Promise<void> {
  await q.query(
    `UPDATE desk_corrections SET status = $2, decided_by = $3, decided_at = $4::timestamptz, emitted_version = $5
      WHERE id = $1 AND status = 'pending'`,
    [id, d.status, d.decidedBy, at, d.emittedVersion ?? null],
  )
}

/** Marks a checked return rejected by the desk: it no longer counts as an independent return. */
export async function rejectReturnOutcome(q: Queryable, returnId: string, reason: string, at: Date): Promise<void> {
  await q.query(`UPDATE return_outcomes SET status = 'rejected', reason = $2, decided_at = $3::timestamptz WHERE return_id = $1`, [returnId, reason, at])
}

export interface StationAuditEntry {
  seq: number
  at: string
  actor: string
  event: string
  detail: AuditDetail
}

/** The audit entries naming this station (its desk actions, its PIN lockouts), oldest first. */
export async function readStationAudit(q: Queryable, ref: StationRef): Promise<StationAuditEntry[]> {
  const res = await q.query<{ seq: unknown; at: unknown; actor: string; event: string; detail: AuditDetail }>(
    `SELECT seq, at, actor, event, detail FROM audit_log
      WHERE detail ? 'stationId' AND detail->>'stationId' = $3 AND detail->>'electionId' = $1
        AND (detail->>'contestId' IS NULL OR detail->>'contestId' = $2)
      ORDER BY seq`,
    [ref.electionId, ref.contestId, ref.stationId],
  )
  return res.rows.map((r) => ({ seq: toNumber(r.seq), at: toIso(r.at), actor: r.actor, event: r.event, detail: r.detail }))
}
