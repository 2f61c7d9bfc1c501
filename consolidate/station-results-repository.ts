// SQL for station results: one row per contest and station holding its state, its validated
// counts and their version. Rows are read and written a batch at a time.
import { stationResultKey } from '../core/messages.js'
import { StationResultStateSchema, type Counts, type StationResultState } from '../core/schemas.js'
import type { Queryable } from '../infra/db/db.js'
import { stationRefsParam, type StationRef } from './returns-repository.js'
import type { PeerGroupsToLoad } from './peer-turnouts.js'
import type { StationResultRow } from './station-result-row.js'
import { rowsParam, toIso, toNumber } from './sql-values.js'

interface StationResultDbRow {
  election_id: string
  contest_id: string
  station_id: string
  state: StationResultState
  current_return_id: string | null
  version: unknown
  counts: Counts | null
  turnout: number | null
  validated_return_id: string | null
  validated_at: unknown
  published_version: unknown
}

/**
 * The rows of these stations, keyed by stationResultKey. With `lock`, the rows stay locked until
 * the transaction ends, so two consolidators (or the relay) never interleave on one station.
 */
export async function readStationResults(
  tx: Queryable,
  stations: readonly StationRef[],
  options: { lock: boolean },
): Promise<Map<string, StationResultRow>> {
  const rows = new Map<string, StationResultRow>()
  if (stations.length === 0) return rows
  const res = await tx.query<StationResultDbRow>(
    `SELECT sr.election_id, sr.contest_id, sr.station_id, sr.state, sr.current_return_id, sr.version, sr.counts,
            sr.turnout, sr.validated_return_id, sr.validated_at, sr.published_version
       FROM station_results sr
      WHERE (sr.election_id, sr.contest_id, sr.station_id) IN (
              SELECT s.election_id, s.contest_id, s.station_id
                FROM jsonb_to_recordset($1::jsonb) AS s(election_id text, contest_id text, station_id text))
      ${options.lock ? 'FOR UPDATE' : ''}`,
    [stationRefsParam(stations)],
  )
  for (const r of res.rows) {
    rows.set(stationResultKey(r.election_id, r.contest_id, r.station_id), {
      state: StationResultStateSchema.parse(r.state),
      currentReturnId: r.current_return_id ?? undefined,
      version: toNumber(r.version),
      counts: r.counts ?? undefined,
      turnout: r.turnout ?? undefined,
      validatedReturnId: r.validated_return_id ?? undefined,
      validatedAt: r.validated_at === null ? undefined : toIso(r.validated_at),
      publishedVersion: toNumber(r.published_version),
    })
  }
  return rows
}

export interface StationResultWrite {
  ref: StationRef
  commune: string
  departement: string | undefined
  row: StationResultRow
}

/** Writes the new state of each station; the relay alone moves published_version. */
export async function writeStationResults(tx: Queryable, writes: readonly StationResultWrite[], at: Date): Promise<void> {
  if (writes.length === 0) return
  await tx.query(
    `INSERT INTO station_results (election_id, contest_id, station_id, commune, departement, state, current_return_id,
                                  version, counts, turnout, validated_return_id, validated_at, updated_at)
     SELECT w.election_id, w.contest_id, w.station_id, w.commune, w.departement, w.state, w.current_return_id,
            w.version, w.counts, w.turnout, w.validated_return_id, w.validated_at, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb)
         AS w(election_id text, contest_id text, station_id text, commune text, departement text, state text,
              current_return_id text, version integer, counts jsonb, turnout double precision,
              validated_return_id text, validated_at timestamptz)
     ON CONFLICT (election_id, contest_id, station_id) DO UPDATE SET
       state = excluded.state, current_return_id = excluded.current_return_id, version = excluded.version,
       counts = excluded.counts, turnout = excluded.turnout, validated_return_id = excluded.validated_return_id,
       validated_at = excluded.validated_at, updated_at = excluded.updated_at`,
    [
      rowsParam(
        writes.map(({ ref, commune, departement, row }) => ({
          election_id: ref.electionId,
          contest_id: ref.contestId,
          station_id: ref.stationId,
          commune,
          departement: departement ?? null,
          state: row.state,
          current_return_id: row.currentReturnId ?? null,
          version: row.version,
          counts: row.counts ?? null,
          turnout: row.turnout ?? null,
          validated_return_id: row.validatedReturnId ?? null,
          validated_at: row.validatedAt ?? null,
        })),
      ),
      at,
    ],
  )
}

export interface PeerGroup {
  scope: 'commune' | 'departement'
  electionId: string
  contestId: string
  area: string
  stationIds: string[]
  turnouts: number[]
}

/**
 * Validated turnouts, whole groups: every commune of `plan.communes` (empty ones too), the
 * départements of those with at most `communeMinimum` peers (unless held already), and every
 * département of `plan.departements`. One statement for a whole batch.
 */
export async function readPeerGroups(tx: Queryable, plan: PeerGroupsToLoad, communeMinimum: number): Promise<PeerGroup[]> {
  if (plan.communes.length === 0 && plan.departements.length === 0) return []
  const res = await tx.query<{
    scope: 'commune' | 'departement'
    election_id: string
    contest_id: string
    area: string
    station_ids: string[]
    turnouts: number[]
  }>(
    // The area leads each lookup, matching the peer indexes; LEFT JOIN so an empty group comes
    // back too and the caller knows it holds it whole.
    `WITH wanted AS (
       SELECT DISTINCT * FROM jsonb_to_recordset($1::jsonb)
         AS w(election_id text, contest_id text, commune text, departement text, departement_held boolean)
     ),
     commune_peers AS (
       SELECT w.election_id, w.contest_id, w.commune, w.departement, w.departement_held,
              coalesce(array_agg(sr.station_id) FILTER (WHERE sr.station_id IS NOT NULL), '{}') AS station_ids,
              coalesce(array_agg(sr.turnout) FILTER (WHERE sr.station_id IS NOT NULL), '{}') AS turnouts
         FROM wanted w
         LEFT JOIN station_results sr ON sr.commune = w.commune AND sr.election_id = w.election_id
                                     AND sr.contest_id = w.contest_id AND sr.turnout IS NOT NULL
        GROUP BY w.election_id, w.contest_id, w.commune, w.departement, w.departement_held
     ),
     departements AS (
       SELECT election_id, contest_id, departement FROM commune_peers
        WHERE departement IS NOT NULL AND NOT departement_held AND cardinality(turnouts) <= $3
       UNION
       SELECT d.election_id, d.contest_id, d.departement
         FROM jsonb_to_recordset($2::jsonb) AS d(election_id text, contest_id text, departement text)
     )
     SELECT 'commune' AS scope, election_id, contest_id, commune AS area, station_ids, turnouts FROM commune_peers
     UNION ALL
     SELECT 'departement', d.election_id, d.contest_id, d.departement,
            coalesce(array_agg(sr.station_id) FILTER (WHERE sr.station_id IS NOT NULL), '{}'),
            coalesce(array_agg(sr.turnout) FILTER (WHERE sr.station_id IS NOT NULL), '{}')
       FROM departements d
       LEFT JOIN station_results sr ON sr.departement = d.departement AND sr.election_id = d.election_id
                                   AND sr.contest_id = d.contest_id AND sr.turnout IS NOT NULL
      GROUP BY d.election_id, d.contest_id, d.departement`,
    [
      rowsParam(
        plan.communes.map((c) => ({
          election_id: c.electionId,
          contest_id: c.contestId,
          commune: c.commune,
          departement: c.departement ?? null,
          departement_held: c.departementHeld,
        })),
      ),
      rowsParam(plan.departements.map((d) => ({ election_id: d.electionId, contest_id: d.contestId, departement: d.departement }))),
      communeMinimum,
    ],
  )
  return res.rows.map((r) => ({
    scope: r.scope,
    electionId: r.election_id,
    contestId: r.contest_id,
    area: r.area,
    stationIds: r.station_ids,
    turnouts: r.turnouts.map(Number),
  }))
}

export interface PublishedMark {
  ref: StationRef
  /** The version that reached `[results]`. */
  version: number
}

/** One arrow of the state machine for the `published` event, as decided by core/station-state.ts. */
export interface PublishedMove {
  electionId: string
  fromState: StationResultState
  toState: StationResultState
}

/**
 * Records that versions reached `[results]`, and moves each station along `moves` if the version
 * it holds is the one relayed (a newer version or a held correction may have come meanwhile).
 * The arrows come from the state machine; SQL only applies them, so nothing is read first.
 */
export async function markPublished(tx: Queryable, marks: readonly PublishedMark[], moves: readonly PublishedMove[]): Promise<void> {
  if (marks.length === 0) return
  await tx.query(
    `WITH moves AS MATERIALIZED (
       SELECT * FROM jsonb_to_recordset($2::jsonb) AS t(election_id text, from_state text, to_state text)
     )
     UPDATE station_results sr SET
       published_version = greatest(sr.published_version, m.version),
       state = CASE WHEN sr.version = m.version
                    THEN coalesce((SELECT t.to_state FROM moves t WHERE t.election_id = sr.election_id AND t.from_state = sr.state), sr.state)
                    ELSE sr.state END
       FROM jsonb_to_recordset($1::jsonb) AS m(election_id text, contest_id text, station_id text, version integer)
      WHERE sr.election_id = m.election_id AND sr.contest_id = m.contest_id AND sr.station_id = m.station_id`,
    [
      rowsParam(
        marks.map((m) => ({ election_id: m.ref.electionId, contest_id: m.ref.contestId, station_id: m.ref.stationId, version: m.version })),
      ),
      rowsParam(moves.map((m) => ({ election_id: m.electionId, from_state: m.fromState, to_state: m.toState }))),
    ],
  )
}

export async function countStationStates(q: Queryable): Promise<Map<StationResultState, number>> {
  const res = await q.query<{ state: StationResultState; n: unknown }>(`SELECT state, count(*) AS n FROM station_results GROUP BY state`)
  return new Map(res.rows.map((r) => [r.state, toNumber(r.n)]))
}

/** The stations of `electionId` with at least one contest result in `state`, by id. */
export async function readStationIdsInState(q: Queryable, electionId: string, state: StationResultState): Promise<string[]> {
  const res = await q.query<{ station_id: string }>(
    `SELECT DISTINCT station_id FROM station_results WHERE election_id = $1 AND state = $2 ORDER BY station_id`,
    [electionId, state],
  )
  return res.rows.map((r) => r.station_id)
}

/**
 * Writes one station's new state as a results-desk decision decided it, on a row the caller holds
 * locked (readStationResults with `lock`). UPDATE only: the desk role may not insert station rows,
 * and every station has one from its definition.
 */
export async function updateStationResult(tx: Queryable, ref: StationRef, row: StationResultRow, at: Date): Promise<void> {
  const res = await tx.query(
    `UPDATE station_results SET state = $4, current_return_id = $5, version = $6, counts = $7::jsonb, turnout = $8,
            validated_return_id = $9, validated_at = $10::timestamptz, updated_at = $11::timestamptz
      WHERE election_id = $1 AND contest_id = $2 AND station_id = $3`,
    [
      ref.electionId,
      ref.contestId,
      ref.stationId,
      row.state,
      row.currentReturnId ?? null,
      row.version,
      row.counts === undefined ? null : JSON.stringify(row.counts),
      row.turnout ?? null,
      row.validatedReturnId ?? null,
      row.validatedAt ?? null,
      at,
    ],
  )
  if (res.affectedRows !== 1) throw new Error(`station result ${ref.electionId}/${ref.contestId}/${ref.stationId} has no row to update`)
}
