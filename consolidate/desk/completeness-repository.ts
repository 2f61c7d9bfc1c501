// SQL for the desk's dashboard: how far each election has come, overall, per région and per
// département in one aggregate query, and per commune of one département on demand (the
// drill-down). Read-only (the desk role's SELECT). One station counts once even when several
// contests cover it: it is reported when any of its results has a return, validated when all of
// them are, held when any is in needs-review or conflict.
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
  /** Undefined for stations whose commune has no parent area of this level in the definition. */
  code: string | undefined
  name: string | undefined
}

export interface DepartementCompleteness extends AreaCompleteness {
  region: string | undefined
}

export interface ElectionCompleteness {
  electionId: string
  name: string
  pollsCloseAt: string
  overall: CompletenessFigures
  regions: AreaCompleteness[]
  departements: DepartementCompleteness[]
}

interface FiguresRow {
  stations: unknown
  reported: unknown
  validated: unknown
  published: unknown
  needs_review: unknown
  conflict: unknown
  registered: unknown
  registered_validated: unknown
}

interface CompletenessRow extends FiguresRow {
  election_id: string
  level: 'overall' | 'region' | 'departement'
  region: string | null
  region_name: string | null
  departement: string | null
  departement_name: string | null
}

function figures(row: FiguresRow): CompletenessFigures {
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

/**
 * One row per station of the elections chosen by `where` (a condition on `s`, the stations), with
 * the area columns `extra` names: what every completeness level is counted from.
 */
function perStation(where: string, extra: string): string {
  return `SELECT s.election_id, ${extra}, s.registered,
                 bool_or(r.current_return_id IS NOT NULL) AS reported,
                 bool_and(r.state IN ('validated', 'published')) AS validated,
                 bool_and(r.state = 'published') AS published,
                 bool_or(r.state = 'needs-review') AS needs_review,
                 bool_or(r.state = 'conflict') AS conflict
            FROM station_results r
            JOIN stations s ON s.election_id = r.election_id AND s.station_id = r.station_id
           WHERE ${where}
           GROUP BY s.election_id, s.station_id`
}

const FIGURES_SQL = `count(*) AS stations,
       count(*) FILTER (WHERE reported) AS reported,
       count(*) FILTER (WHERE validated) AS validated,
       count(*) FILTER (WHERE published) AS published,
       count(*) FILTER (WHERE needs_review) AS needs_review,
       count(*) FILTER (WHERE conflict) AS conflict,
       sum(registered) AS registered,
       coalesce(sum(registered) FILTER (WHERE validated), 0) AS registered_validated`

/** Every loaded election, the one whose polls close last first: overall, per région, per département. */
export async function readCompleteness(db: Queryable): Promise<ElectionCompleteness[]> {
  const elections = await db.query<{ election_id: string; name: string; polls_close_at: unknown }>(
    'SELECT election_id, name, polls_close_at FROM elections ORDER BY polls_close_at DESC, election_id',
  )
  // One pass over the stations: ROLLUP gives the départements, their régions and the whole.
  const rows = await db.query<CompletenessRow>(
    `WITH per_station AS (
       SELECT p.*, d.parent AS region
         FROM (${perStation('true', 's.departement')}) p
         LEFT JOIN areas d ON d.election_id = p.election_id AND d.level = 'departement' AND d.code = p.departement
     ), totals AS (
       SELECT election_id,
              CASE WHEN GROUPING(region) = 1 THEN 'overall' WHEN GROUPING(departement) = 1 THEN 'region' ELSE 'departement' END AS level,
              region, departement, ${FIGURES_SQL}
         FROM per_station
        GROUP BY election_id, ROLLUP (region, departement)
     )
     SELECT t.*, ra.name AS region_name, da.name AS departement_name
       FROM totals t
       LEFT JOIN areas ra ON t.level <> 'overall' AND ra.election_id = t.election_id AND ra.level = 'region' AND ra.code = t.region
       LEFT JOIN areas da ON t.level = 'departement' AND da.election_id = t.election_id AND da.level = 'departement' AND da.code = t.departement
      ORDER BY t.election_id, t.region NULLS LAST, t.departement NULLS LAST`,
  )
  const byElection = new Map<string, ElectionCompleteness>()
  for (const e of elections.rows) {
    byElection.set(e.election_id, {
      electionId: e.election_id,
      name: e.name,
      pollsCloseAt: toIso(e.polls_close_at),
      overall: EMPTY,
      regions: [],
      departements: [],
    })
  }
  for (const row of rows.rows) {
    const election = byElection.get(row.election_id)
    if (election === undefined) continue
    switch (row.level) {
      case 'overall':
        election.overall = figures(row)
        break
      case 'region':
        election.regions.push({ code: row.region ?? undefined, name: row.region_name ?? undefined, ...figures(row) })
        break
      case 'departement':
        election.departements.push({
          code: row.departement ?? undefined,
          name: row.departement_name ?? undefined,
          region: row.region ?? undefined,
          ...figures(row),
        })
        break
      default: {
        const never: never = row.level
        throw new Error(`unknown completeness level ${String(never)}`)
      }
    }
  }
  // By code, as a person looks them up (the ROLLUP order groups them by région).
  for (const e of byElection.values()) e.departements.sort((a, b) => (a.code ?? '\uffff').localeCompare(b.code ?? '\uffff'))
  return [...byElection.values()]
}

export interface DepartementDrillDown {
  electionId: string
  electionName: string
  departement: { code: string; name: string | undefined }
  total: CompletenessFigures
  communes: AreaCompleteness[]
}

/** The communes of one département of one election, by code; undefined for an unknown election or département. */
export async function readDepartementCompleteness(db: Queryable, electionId: string, departement: string): Promise<DepartementDrillDown | undefined> {
  const head = await db.query<{ name: string; departement_name: string | null; known: boolean }>(
    `SELECT e.name, a.name AS departement_name,
            a.code IS NOT NULL OR EXISTS (SELECT 1 FROM stations s WHERE s.election_id = e.election_id AND s.departement = $2) AS known
       FROM elections e
       LEFT JOIN areas a ON a.election_id = e.election_id AND a.level = 'departement' AND a.code = $2
      WHERE e.election_id = $1`,
    [electionId, departement],
  )
  const election = head.rows[0]
  if (election === undefined || !election.known) return undefined
  const rows = await db.query<FiguresRow & { commune: string | null; commune_name: string | null }>(
    `WITH per_station AS (${perStation('s.election_id = $1 AND s.departement = $2', 's.commune')})
     SELECT p.commune, a.name AS commune_name, ${FIGURES_SQL}
       FROM per_station p
       LEFT JOIN areas a ON a.election_id = p.election_id AND a.level = 'commune' AND a.code = p.commune
      GROUP BY ROLLUP ((p.commune, a.name))
      ORDER BY p.commune NULLS FIRST`,
    [electionId, departement],
  )
  const [total, ...communes] = rows.rows
  return {
    electionId,
    electionName: election.name,
    departement: { code: departement, name: election.departement_name ?? undefined },
    total: total === undefined ? EMPTY : figures(total),
    communes: communes.map((c) => ({ code: c.commune ?? undefined, name: c.commune_name ?? undefined, ...figures(c) })),
  }
}
