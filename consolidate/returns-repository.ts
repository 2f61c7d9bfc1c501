// SQL for returns: the insert-only log of every return received, what became of each one, and the
// findings of its checks. This file never updates or deletes a row of `returns`.
import type { Finding } from '../core/checks.js'
import { stationResultKey } from '../core/messages.js'
import { ReturnSubmittedSchema, type Channel, type Counts, type ReturnSubmitted, type StationResultState } from '../core/schemas.js'
import type { Queryable } from '../infra/db/db.js'
import { rowsParam, toIso, toNumber } from './sql-values.js'

export interface IncomingReturn {
  message: ReturnSubmitted
  contentHash: string
  source: { topic: string; partition: number; offset: string }
}

/** Inserts the returns whose id is new; returns the ids actually inserted (a redelivery inserts nothing). */
export async function insertReturns(tx: Queryable, returns: readonly IncomingReturn[], receivedAt: Date): Promise<Set<string>> {
  if (returns.length === 0) return new Set()
  const res = await tx.query<{ return_id: string }>(
    `INSERT INTO returns (return_id, receipt, election_id, contest_id, station_id, channel, submitted_by, submitted_at,
                          counts, scan, content_hash, source_topic, source_partition, source_offset, received_at)
     SELECT r.return_id, r.receipt, r.election_id, r.contest_id, r.station_id, r.channel, r.submitted_by, r.submitted_at,
            r.counts, r.scan, r.content_hash, r.source_topic, r.source_partition, r.source_offset, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb)
         AS r(return_id text, receipt text, election_id text, contest_id text, station_id text, channel text,
              submitted_by text, submitted_at timestamptz, counts jsonb, scan jsonb, content_hash text,
              source_topic text, source_partition integer, source_offset text, ord integer)
      -- In batch order, so seq (and with it "earlier return") follows the order of the bus.
      ORDER BY r.ord
     ON CONFLICT (return_id) DO NOTHING
     RETURNING return_id`,
    [
      rowsParam(
        returns.map(({ message: m, contentHash, source }, ord) => ({
          ord,
          return_id: m.returnId,
          receipt: m.receipt,
          election_id: m.electionId,
          contest_id: m.contestId,
          station_id: m.stationId,
          channel: m.channel,
          submitted_by: m.submittedBy,
          submitted_at: m.submittedAt,
          counts: m.counts,
          scan: m.scan ?? null,
          content_hash: contentHash,
          source_topic: source.topic,
          source_partition: source.partition,
          source_offset: source.offset,
        })),
      ),
      receivedAt,
    ],
  )
  return new Set(res.rows.map((r) => r.return_id))
}

export async function readContentHashes(tx: Queryable, returnIds: readonly string[]): Promise<Map<string, string>> {
  if (returnIds.length === 0) return new Map()
  const res = await tx.query<{ return_id: string; content_hash: string }>(
    `SELECT return_id, content_hash FROM returns WHERE return_id = ANY($1::text[])`,
    [returnIds],
  )
  return new Map(res.rows.map((r) => [r.return_id, r.content_hash]))
}

export interface StationRef {
  electionId: string
  contestId: string
  stationId: string
}

export interface EarlierReturn {
  returnId: string
  channel: Channel
  submittedBy: string
  counts: Counts
}

/** The checked returns of these stations, oldest first, keyed by stationResultKey. */
export async function readCheckedReturns(tx: Queryable, stations: readonly StationRef[]): Promise<Map<string, EarlierReturn[]>> {
  const byStation = new Map<string, EarlierReturn[]>()
  if (stations.length === 0) return byStation
  const res = await tx.query<{
    return_id: string
    election_id: string
    contest_id: string
    station_id: string
    channel: Channel
    submitted_by: string
    counts: Counts
  }>(
    // One index probe per station: LATERAL with OFFSET 0 keeps the planner from flattening it into
    // a join, which without statistics (PGlite never analyzes) it would run as a scan of every
    // outcome for every batch.
    `SELECT r.return_id, r.election_id, r.contest_id, r.station_id, r.channel, r.submitted_by, r.counts
       FROM (SELECT DISTINCT * FROM jsonb_to_recordset($1::jsonb) AS x(election_id text, contest_id text, station_id text)) s
       CROSS JOIN LATERAL (
              SELECT r.* FROM returns r JOIN return_outcomes o ON o.return_id = r.return_id
               WHERE r.election_id = s.election_id AND r.contest_id = s.contest_id AND r.station_id = s.station_id
                 AND o.status = $2
              OFFSET 0) r
      ORDER BY r.seq`,
    [stationRefsParam(stations), 'checked' satisfies OutcomeStatus],
  )
  for (const r of res.rows) {
    const key = stationResultKey(r.election_id, r.contest_id, r.station_id)
    let list = byStation.get(key)
    if (!list) byStation.set(key, (list = []))
    list.push({ returnId: r.return_id, channel: r.channel, submittedBy: r.submitted_by, counts: r.counts })
  }
  return byStation
}

export type OutcomeStatus = 'pending' | 'checked' | 'rejected'

export interface ReturnOutcome {
  returnId: string
  status: OutcomeStatus
  reason?: string
  stateAfter?: StationResultState
}

/** Records outcomes; an existing outcome is replaced only while it is still pending. */
export async function writeOutcomes(tx: Queryable, outcomes: readonly ReturnOutcome[], at: Date): Promise<void> {
  if (outcomes.length === 0) return
  await tx.query(
    `INSERT INTO return_outcomes (return_id, status, reason, state_after, decided_at)
     SELECT o.return_id, o.status, o.reason, o.state_after, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS o(return_id text, status text, reason text, state_after text)
     ON CONFLICT (return_id) DO UPDATE SET
       status = excluded.status, reason = excluded.reason, state_after = excluded.state_after, decided_at = excluded.decided_at
     WHERE return_outcomes.status = $3`,
    [
      rowsParam(
        outcomes.map((o) => ({ return_id: o.returnId, status: o.status, reason: o.reason ?? null, state_after: o.stateAfter ?? null })),
      ),
      at,
      'pending' satisfies OutcomeStatus,
    ],
  )
}

export async function insertFindings(tx: Queryable, findings: readonly { returnId: string; findings: readonly Finding[] }[]): Promise<void> {
  const rows = findings.flatMap(({ returnId, findings }) =>
    findings.map((f, ordinal) => ({
      return_id: returnId,
      ordinal,
      code: f.code,
      severity: f.severity,
      fields: f.fields,
      detail: f.detail ?? null,
    })),
  )
  if (rows.length === 0) return
  await tx.query(
    `INSERT INTO return_findings (return_id, ordinal, code, severity, fields, detail)
     SELECT f.return_id, f.ordinal, f.code, f.severity, f.fields, f.detail
       FROM jsonb_to_recordset($1::jsonb) AS f(return_id text, ordinal integer, code text, severity text, fields text[], detail text)
     ON CONFLICT (return_id, ordinal) DO NOTHING`,
    [rowsParam(rows)],
  )
}

export interface StoredFinding extends Finding {
  returnId: string
}

export async function readFindings(q: Queryable, returnIds: readonly string[]): Promise<StoredFinding[]> {
  const res = await q.query<{ return_id: string; code: Finding['code']; severity: Finding['severity']; fields: string[]; detail: string | null }>(
    `SELECT return_id, code, severity, fields, detail FROM return_findings
      WHERE return_id = ANY($1::text[]) ORDER BY return_id, ordinal`,
    [returnIds],
  )
  return res.rows.map((r) => ({
    returnId: r.return_id,
    code: r.code,
    severity: r.severity,
    fields: r.fields,
    ...(r.detail === null ? {} : { detail: r.detail }),
  }))
}

/**
 * The oldest pending returns whose election now has a definition, locked so that two
 * consolidators never take the same ones.
 */
export async function readPendingReturns(tx: Queryable, limit: number): Promise<ReturnSubmitted[]> {
  const res = await tx.query<{
    return_id: string
    receipt: string
    election_id: string
    contest_id: string
    station_id: string
    channel: string
    submitted_by: string
    submitted_at: unknown
    counts: unknown
    scan: unknown
  }>(
    `SELECT r.return_id, r.receipt, r.election_id, r.contest_id, r.station_id, r.channel, r.submitted_by,
            r.submitted_at, r.counts, r.scan
       FROM return_outcomes o
       JOIN returns r ON r.return_id = o.return_id
       JOIN elections e ON e.election_id = r.election_id
      WHERE o.status = $1
      ORDER BY r.seq
      LIMIT $2
        FOR UPDATE OF o`,
    ['pending' satisfies OutcomeStatus, limit],
  )
  // Parsed again because the rows are rebuilt from columns; a failure here is a bug, not input.
  return res.rows.map((r) =>
    ReturnSubmittedSchema.parse({
      type: 'return',
      returnId: r.return_id,
      receipt: r.receipt,
      electionId: r.election_id,
      contestId: r.contest_id,
      stationId: r.station_id,
      channel: r.channel,
      submittedBy: r.submitted_by,
      submittedAt: toIso(r.submitted_at),
      counts: r.counts,
      ...(r.scan === null ? {} : { scan: r.scan }),
    }),
  )
}

export interface ReturnCounts {
  returns: number
  pending: number
  rejected: number
}

export async function countReturns(q: Queryable): Promise<ReturnCounts> {
  const res = await q.query<{ returns: unknown; pending: unknown; rejected: unknown }>(
    `SELECT (SELECT count(*) FROM returns) AS returns,
            (SELECT count(*) FROM return_outcomes WHERE status = $1) AS pending,
            (SELECT count(*) FROM return_outcomes WHERE status = $2) AS rejected`,
    ['pending' satisfies OutcomeStatus, 'rejected' satisfies OutcomeStatus],
  )
  const row = res.rows[0]
  return { returns: toNumber(row?.returns ?? 0), pending: toNumber(row?.pending ?? 0), rejected: toNumber(row?.rejected ?? 0) }
}

export function stationRefsParam(stations: readonly StationRef[]): string {
  return rowsParam(stations.map((s) => ({ election_id: s.electionId, contest_id: s.contestId, station_id: s.stationId })))
}
