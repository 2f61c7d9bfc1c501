// SQL for the transactional outbox: messages to `[results]` written in the same transaction as the
// state they announce, read back in id order by the relay and marked once the bus has them.
import assert from 'node:assert/strict'
import { TOPICS, stationResultKey } from '../core/messages.js'
import { StationResultSchema, type PublishedVersion, type StationResult } from '../core/schemas.js'
import type { Queryable } from '../infra/db/db.js'
import type { StationRef } from './returns-repository.js'
import { rowsParam, toIso, toNumber } from './sql-values.js'

export interface OutboxMessage {
  topic: string
  key: string
  value: string
  /** For a station result: which station and version it carries. */
  result?: { ref: StationRef; version: number }
}

export interface OutboxRow extends OutboxMessage {
  id: number
  createdAt: string
}

/** A station result as an outbox message to `[results]`, keyed by contest and station (the topic is compacted by it). */
export function stationResultMessage(r: StationResult): OutboxMessage {
  return {
    topic: TOPICS.results,
    key: stationResultKey(r.electionId, r.contestId, r.stationId),
    value: JSON.stringify(r),
    result: { ref: { electionId: r.electionId, contestId: r.contestId, stationId: r.stationId }, version: r.version },
  }
}

/**
 * Writes station results to the outbox, each correction with the versions it replaces (its
 * `history`): the latest earlier message of the same station is read back from the outbox, or
 * taken from the same batch when one transaction emits two versions of a station.
 */
export async function enqueueStationResults(tx: Queryable, results: readonly StationResult[], at: Date): Promise<OutboxRow[]> {
  const earlier = await latestPublished(tx, results.filter((r) => r.version > 1))
  const withHistory = results.map((r) => {
    const key = stationResultKey(r.electionId, r.contestId, r.stationId)
    const previous = earlier.get(key)
    earlier.set(key, r)
    return previous === undefined || previous.version >= r.version ? r : { ...r, history: [...(previous.history ?? []), publishedVersion(previous)] }
  })
  return enqueueOutbox(tx, withHistory.map(stationResultMessage), at)
}

function publishedVersion(r: StationResult): PublishedVersion {
  return { version: r.version, status: r.status, counts: r.counts, validatedAt: r.validatedAt, ...(r.reason === undefined ? {} : { reason: r.reason }) }
}

/** The latest result message in the outbox of each station of `results`, by station key. */
async function latestPublished(q: Queryable, results: readonly StationResult[]): Promise<Map<string, StationResult>> {
  const found = new Map<string, StationResult>()
  if (results.length === 0) return found
  const res = await q.query<{ value: string }>(
    `SELECT DISTINCT ON (o.election_id, o.contest_id, o.station_id) o.value
       FROM outbox o
       JOIN jsonb_to_recordset($1::jsonb) AS s(election_id text, contest_id text, station_id text)
         ON o.election_id = s.election_id AND o.contest_id = s.contest_id AND o.station_id = s.station_id
      WHERE o.result_version IS NOT NULL
      ORDER BY o.election_id, o.contest_id, o.station_id, o.result_version DESC`,
    [rowsParam(results.map((r) => ({ election_id: r.electionId, contest_id: r.contestId, station_id: r.stationId })))],
  )
  for (const row of res.rows) {
    const r = StationResultSchema.parse(JSON.parse(row.value))
    found.set(stationResultKey(r.electionId, r.contestId, r.stationId), r)
  }
  return found
}

/** Writes messages to the outbox; returns them as stored (ids in order), for the relay to take. */
export async function enqueueOutbox(tx: Queryable, messages: readonly OutboxMessage[], at: Date): Promise<OutboxRow[]> {
  if (messages.length === 0) return []
  const res = await tx.query<{ id: unknown }>(
    `INSERT INTO outbox (topic, key, value, election_id, contest_id, station_id, result_version, created_at)
     SELECT m.topic, m.key, m.value, m.election_id, m.contest_id, m.station_id, m.result_version, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb)
         AS m(ord integer, topic text, key text, value text, election_id text, contest_id text, station_id text, result_version integer)
      ORDER BY m.ord
     RETURNING id`,
    [
      rowsParam(
        messages.map((m, ord) => ({
          ord,
          topic: m.topic,
          key: m.key,
          value: m.value,
          election_id: m.result?.ref.electionId ?? null,
          contest_id: m.result?.ref.contestId ?? null,
          station_id: m.result?.ref.stationId ?? null,
          result_version: m.result?.version ?? null,
        })),
      ),
      at,
    ],
  )
  // Ids follow the insertion order, which follows the messages' order.
  const ids = res.rows.map((r) => toNumber(r.id)).sort((a, b) => a - b)
  const createdAt = at.toISOString()
  assert.equal(ids.length, messages.length, 'the outbox returns one id per message')
  return messages.map((m, i) => ({ ...m, id: ids[i] as number, createdAt }))
}

/**
 * Unrelayed messages with an id above `afterId`, in id order. Starting from the last id relayed
 * skips the index entries of relayed rows, which PGlite (no autovacuum) never cleans up.
 */
export async function readUnrelayed(q: Queryable, afterId: number, limit: number): Promise<OutboxRow[]> {
  const res = await q.query<{
    id: unknown
    topic: string
    key: string
    value: string
    election_id: string | null
    contest_id: string | null
    station_id: string | null
    result_version: unknown
    created_at: unknown
  }>(
    `SELECT id, topic, key, value, election_id, contest_id, station_id, result_version, created_at
       FROM outbox WHERE relayed_at IS NULL AND id > $1 ORDER BY id LIMIT $2`,
    [afterId, limit],
  )
  return res.rows.map((r) => ({
    id: toNumber(r.id),
    topic: r.topic,
    key: r.key,
    value: r.value,
    createdAt: toIso(r.created_at),
    ...(r.election_id !== null && r.contest_id !== null && r.station_id !== null && r.result_version !== null
      ? { result: { ref: { electionId: r.election_id, contestId: r.contest_id, stationId: r.station_id }, version: toNumber(r.result_version) } }
      : {}),
  }))
}

export async function markRelayed(tx: Queryable, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return
  await tx.query(`UPDATE outbox SET relayed_at = $2::timestamptz WHERE id = ANY($1::bigint[]) AND relayed_at IS NULL`, [ids, at])
}

export async function countUnrelayed(q: Queryable): Promise<number> {
  const res = await q.query<{ n: unknown }>(`SELECT count(*) AS n FROM outbox WHERE relayed_at IS NULL`)
  return toNumber(res.rows[0]?.n ?? 0)
}
