// SQL for the desk's dashboard: how far each election has come, per département and overall.
// Read-only (the desk role's SELECT). One station counts once even when several contests cover
// it: it is reported when any of its results has a return, validated when all of them are.
import type { Queryable } from '../../infra/db/db.js'
import { toIso, toNumber } from '../sql-values.js'

export interface CompletenessFigures {
  stations: number
  /** At least one return applied. */
  reported: number
  /** Every contest's result validated (published or not yet). */
  validated: number
  /** Every contest's result published. */
  published: number
  needsReview: number
  conflict: number
  /** Reference roll (stations.registered) of all the stations, and of the validated ones. */
  registered: number
  registeredValidated: number
}

export interface AreaCompleteness extends CompletenessFigures {
  /** Undefined for stations whose commune has no département in the definition. */
  code: string | undefined
  name: string | undefined
}

export interface ElectionCompleteness {
  electionId: string
  name: string
  pollsCloseAt: string
  overall: CompletenessFigures
  departements: AreaCompleteness[]
}

interface CompletenessRow {
  election_id: string
  overall: boolean
  departement: string | null
  departement_name: string | null
  stations: unknown
  reported: unknown
  validated: unknown
  published: unknown
  needs_review: unknown
  conflict: unknown
  registered: unknown
  registered_validated: unknown
}

function figures(row: CompletenessRow): CompletenessFigures {
  return {
    stations: toNumber(row.stations),
    reported: toNumber(row.reported),
    validated: toNumber(row.validated),
    published: toNumber(row.published),
    needsReview: toNumber(row.needs_review),
    conflict: toNumber(row.conflict),
    registered: toNumber(row.registered),
    registeredValidated: toNumber(row.registered_validated),
  }
}

const EMPTY: CompletenessFigures = {
  stations: 0,
  reported: 0,
  validated: 0,
  published: 0,
  needsReview: 0,
  conflict: 0,
  registered: 0,
  registeredValidated: 0,
}

/** Every loaded election, the one whose polls close last first. */
export async function readCompleteness(db: Queryable): Promise<ElectionCompleteness[]> {
  const elections = await db.query<{ election_id: string; name: string; polls_close_at: unknown }>(
    'SELECT election_id, name, polls_close_at FROM elections ORDER BY polls_close_at DESC, election_id',
  )
  const rows = await db.query<CompletenessRow>(
    `WITH per_station AS (
       SELECT s.election_id, s.departement, s.registered,
              bool_or(r.current_return_id IS NOT NULL) AS reported,
              bool_and(r.state IN ('validated', 'published')) AS validated,
              bool_and(r.state = 'published') AS published,
              bool_or(r.state = 'needs-review') AS needs_review,
              bool_or(r.state = 'conflict') AS conflict
         FROM station_results r
         JOIN stations s ON s.election_id = r.election_id AND s.station_id = r.station_id
        GROUP BY s.election_id, s.station_id, s.departement, s.registered
     ), totals AS (
       SELECT election_id, GROUPING(departement) = 1 AS overall, departement,
              count(*) AS stations,
              count(*) FILTER (WHERE reported) AS reported,
              count(*) FILTER (WHERE validated) AS validated,
              count(*) FILTER (WHERE published) AS published,
              count(*) FILTER (WHERE needs_review) AS needs_review,
              count(*) FILTER (WHERE conflict) AS conflict,
              sum(registered) AS registered,
              coalesce(sum(registered) FILTER (WHERE validated), 0) AS registered_validated
         FROM per_station
        GROUP BY election_id, ROLLUP (departement)
     )
     SELECT t.*, a.name AS departement_name
       FROM totals t
       LEFT JOIN areas a ON NOT t.overall AND a.election_id = t.election_id AND a.level = 'departement' AND a.code = t.departement
      ORDER BY t.election_id, t.overall, t.departement`,
  )
  const byElection = new Map<string, ElectionCompleteness>()
  for (const e of elections.rows) {
    byElection.set(e.election_id, { electionId: e.election_id, name: e.name, pollsCloseAt: toIso(e.polls_close_at), overall: EMPTY, departements: [] })
  }
  for (const row of rows.rows) {
    const election = byElection.get(row.election_id)
    if (election === undefined) continue
    if (row.overall) election.overall = figures(row)
    else election.departements.push({ code: row.departement ?? undefined, name: row.departement_name ?? undefined, ...figures(row) })
  }
  return [...byElection.values()]
}
