// SQL for election definitions: the parts as they arrive, the versions loaded, and the election,
// its contests, areas and stations. Writes are upserts so that loading a version again is a no-op.
import type { Queryable } from '../infra/db/db.js'
import type { ElectionDefinitionPart } from '../core/messages.js'
import type { ElectionDefinition, Station } from '../core/schemas.js'
import { chunk, rowsParam, toNumber } from './sql-values.js'

/** Stations per statement when loading a definition: 69k stations take seven statements. */
const STATION_ROWS_PER_STATEMENT = 10_000

export type DefinitionLoadStatus = 'loaded' | 'invalid'

export async function storeDefinitionParts(tx: Queryable, parts: readonly ElectionDefinitionPart[], receivedAt: Date): Promise<void> {
  if (parts.length === 0) return
  await tx.query(
    `INSERT INTO definition_parts (election_id, definition_version, part, parts, body, received_at)
     SELECT p.election_id, p.definition_version, p.part, p.parts, p.body, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS p(election_id text, definition_version text, part integer, parts integer, body jsonb)
     ON CONFLICT (election_id, definition_version, part) DO NOTHING`,
    [
      rowsParam(
        parts.map((p) => ({ election_id: p.electionId, definition_version: p.definitionVersion, part: p.part, parts: p.parts, body: p })),
      ),
      receivedAt,
    ],
  )
}

/** How many distinct parts numbered below `parts` are stored for this version. */
export async function countDefinitionParts(tx: Queryable, electionId: string, version: string, parts: number): Promise<number> {
  const res = await tx.query<{ n: unknown }>(
    `SELECT count(*) AS n FROM definition_parts WHERE election_id = $1 AND definition_version = $2 AND part < $3`,
    [electionId, version, parts],
  )
  return toNumber(res.rows[0]?.n ?? 0)
}

/** The stored parts of a version, in part order, as raw JSON (the caller parses them). */
export async function readDefinitionParts(tx: Queryable, electionId: string, version: string): Promise<unknown[]> {
  const res = await tx.query<{ body: unknown }>(
    `SELECT body FROM definition_parts WHERE election_id = $1 AND definition_version = $2 ORDER BY part`,
    [electionId, version],
  )
  return res.rows.map((r) => r.body)
}

export async function readDefinitionLoadStatus(
  tx: Queryable,
  electionId: string,
  version: string,
): Promise<DefinitionLoadStatus | undefined> {
  const res = await tx.query<{ status: DefinitionLoadStatus }>(
    `SELECT status FROM definition_loads WHERE election_id = $1 AND definition_version = $2`,
    [electionId, version],
  )
  return res.rows[0]?.status
}

export async function recordDefinitionLoad(
  tx: Queryable,
  load: { electionId: string; version: string; status: DefinitionLoadStatus; reason?: string },
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO definition_loads (election_id, definition_version, status, reason, decided_at)
     VALUES ($1, $2, $3, $4, $5::timestamptz)
     ON CONFLICT (election_id, definition_version) DO NOTHING`,
    [load.electionId, load.version, load.status, load.reason ?? null, at],
  )
}

/**
 * Makes `def` the election's current definition. Stations and areas a new version drops are
 * kept: returns and results already refer to them. Every contest's stations get an 'awaiting'
 * result row, so the desk can list who has not reported yet.
 */
export async function saveDefinition(
  tx: Queryable,
  def: ElectionDefinition,
  version: string,
  departementOf: (stationId: string) => string | undefined,
  at: Date,
): Promise<void> {
  const e = def.election
  await tx.query(
    `INSERT INTO elections (election_id, definition_version, name, round, polls_close_at, policy, election, loaded_at)
     VALUES ($1, $2, $3, $4, $5::timestamptz, $6::jsonb, $7::jsonb, $8::timestamptz)
     ON CONFLICT (election_id) DO UPDATE SET
       definition_version = excluded.definition_version, name = excluded.name, round = excluded.round,
       polls_close_at = excluded.polls_close_at, policy = excluded.policy, election = excluded.election,
       loaded_at = excluded.loaded_at`,
    [e.id, version, e.name, e.round, e.pollsCloseAt, JSON.stringify(e.policy), JSON.stringify(e), at],
  )
  await tx.query(`DELETE FROM contests WHERE election_id = $1 AND NOT (contest_id = ANY($2::text[]))`, [
    e.id,
    e.contests.map((c) => c.id),
  ])
  await tx.query(
    `INSERT INTO contests (election_id, contest_id, name, seats, candidates, station_ids)
     SELECT $1, c.contest_id, c.name, c.seats, c.candidates, c.station_ids
       FROM jsonb_to_recordset($2::jsonb) AS c(contest_id text, name text, seats integer, candidates jsonb, station_ids text[])
     ON CONFLICT (election_id, contest_id) DO UPDATE SET
       name = excluded.name, seats = excluded.seats, candidates = excluded.candidates, station_ids = excluded.station_ids`,
    [
      e.id,
      rowsParam(
        e.contests.map((c) => ({
          contest_id: c.id,
          name: c.name,
          seats: c.seats,
          candidates: c.candidates,
          station_ids: c.stationIds ?? null,
        })),
      ),
    ],
  )
  for (const areas of chunk(def.areas, STATION_ROWS_PER_STATEMENT)) {
    await tx.query(
      `INSERT INTO areas (election_id, level, code, name, parent)
       SELECT $1, a.level, a.code, a.name, a.parent
         FROM jsonb_to_recordset($2::jsonb) AS a(level text, code text, name text, parent text)
       ON CONFLICT (election_id, level, code) DO UPDATE SET name = excluded.name, parent = excluded.parent`,
      [e.id, rowsParam(areas.map((a) => ({ level: a.level, code: a.code, name: a.name, parent: a.parent ?? null })))],
    )
  }
  for (const stations of chunk(def.stations, STATION_ROWS_PER_STATEMENT)) {
    await tx.query(
      `INSERT INTO stations (election_id, station_id, code, name, commune, departement, registered, address, contact_name, contact_phone)
       SELECT $1, s.station_id, s.code, s.name, s.commune, s.departement, s.registered, s.address, s.contact_name, s.contact_phone
         FROM jsonb_to_recordset($2::jsonb)
           AS s(station_id text, code text, name text, commune text, departement text, registered integer, address text,
                contact_name text, contact_phone text)
       ON CONFLICT (election_id, station_id) DO UPDATE SET
         code = excluded.code, name = excluded.name, commune = excluded.commune,
         departement = excluded.departement, registered = excluded.registered, address = excluded.address,
         contact_name = excluded.contact_name, contact_phone = excluded.contact_phone`,
      [
        e.id,
        rowsParam(
          stations.map((s) => ({
            station_id: s.id,
            code: s.code,
            name: s.name,
            commune: s.commune,
            departement: departementOf(s.id) ?? null,
            registered: s.registered,
            address: s.address ?? null,
            contact_name: s.contact?.name ?? null,
            contact_phone: s.contact?.phone ?? null,
          })),
        ),
      ],
    )
  }
  // DISTINCT: a contest listing a station twice must not touch its row twice in one statement.
  await tx.query(
    `INSERT INTO station_results (election_id, contest_id, station_id, commune, departement, state, updated_at)
     SELECT s.election_id, c.contest_id, s.station_id, s.commune, s.departement, $2::text, $3::timestamptz
       FROM contests c JOIN stations s ON s.election_id = c.election_id
      WHERE c.election_id = $1 AND c.station_ids IS NULL
     UNION ALL
     SELECT s.election_id, c.contest_id, s.station_id, s.commune, s.departement, $2::text, $3::timestamptz
       FROM contests c
       CROSS JOIN LATERAL (SELECT DISTINCT unnest(c.station_ids) AS station_id) covered
       JOIN stations s ON s.election_id = c.election_id AND s.station_id = covered.station_id
      WHERE c.election_id = $1
     ON CONFLICT (election_id, contest_id, station_id) DO UPDATE SET
       commune = excluded.commune, departement = excluded.departement
     WHERE station_results.commune IS DISTINCT FROM excluded.commune
        OR station_results.departement IS DISTINCT FROM excluded.departement`,
    [e.id, 'awaiting', at],
  )
}

/** The definition version each of these elections currently has in the database. */
export async function readDefinitionVersions(q: Queryable, electionIds: readonly string[]): Promise<Map<string, string>> {
  if (electionIds.length === 0) return new Map()
  const res = await q.query<{ election_id: string; definition_version: string }>(
    `SELECT election_id, definition_version FROM elections WHERE election_id = ANY($1::text[])`,
    [electionIds],
  )
  return new Map(res.rows.map((r) => [r.election_id, r.definition_version]))
}

export async function readLoadedElectionIds(q: Queryable): Promise<string[]> {
  const res = await q.query<{ election_id: string }>(`SELECT election_id FROM elections ORDER BY election_id`)
  return res.rows.map((r) => r.election_id)
}

export interface StoredElection {
  version: string
  /** Raw JSON of the Election; the caller parses it. */
  election: unknown
  stations: { station: Station; departement: string | undefined }[]
}

export async function readElection(q: Queryable, electionId: string): Promise<StoredElection | undefined> {
  const head = await q.query<{ definition_version: string; election: unknown }>(
    `SELECT definition_version, election FROM elections WHERE election_id = $1`,
    [electionId],
  )
  const row = head.rows[0]
  if (row === undefined) return undefined
  const res = await q.query<{
    station_id: string
    code: string
    name: string
    commune: string
    departement: string | null
    registered: unknown
    address: string | null
  }>(
    `SELECT station_id, code, name, commune, departement, registered, address
       FROM stations WHERE election_id = $1 ORDER BY station_id`,
    [electionId],
  )
  return {
    version: row.definition_version,
    election: row.election,
    stations: res.rows.map((s) => ({
      station: {
        id: s.station_id,
        code: s.code,
        name: s.name,
        commune: s.commune,
        registered: toNumber(s.registered),
        ...(s.address === null ? {} : { address: s.address }),
      },
      departement: s.departement ?? undefined,
    })),
  }
}
