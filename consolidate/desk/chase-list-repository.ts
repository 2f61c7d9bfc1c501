// SQL for the chase list: the stations of one election that have sent nothing yet, with whom to
// call, a page at a time. Read-only. A station is listed while every one of its contest results
// is awaiting a return (a rejected return puts it back: it needs a new one, so it is chased again).
import type { Queryable } from '../../infra/db/db.js'
import { toIso, toNumber } from '../sql-values.js'
import { LISTED_STATION_COLUMNS, listedStation, type ListedStation, type ListedStationRow } from './listed-station.js'

export type ChaseOrder = 'registered' | 'area'

export interface ChaseFilter {
  electionId: string
  departement: string | undefined
  commune: string | undefined
  order: ChaseOrder
  limit: number
  offset: number
}

export interface UnreportedStation extends ListedStation {
  /** The contest the station view opens on: the first one the station is in. */
  contestId: string
  address: string | undefined
  contactName: string | undefined
  contactPhone: string | undefined
}

export interface ChasePage {
  electionId: string
  electionName: string
  pollsCloseAt: string
  /** Unreported stations matching the filter, all pages together. */
  total: number
  stations: UnreportedStation[]
}

/** The elections the lists offer, the one whose polls close last first. */
export async function readElectionChoices(db: Queryable): Promise<{ electionId: string; name: string }[]> {
  const res = await db.query<{ election_id: string; name: string }>('SELECT election_id, name FROM elections ORDER BY polls_close_at DESC, election_id')
  return res.rows.map((r) => ({ electionId: r.election_id, name: r.name }))
}

const ORDER_SQL: Record<ChaseOrder, string> = {
  // The most voters not yet counted first: where a call matters most.
  registered: 's.registered DESC, s.departement, s.commune, s.code, s.station_id',
  area: 's.departement, s.commune, s.code, s.station_id',
}

/** Undefined when the election is not loaded. */
export async function readChasePage(db: Queryable, filter: ChaseFilter): Promise<ChasePage | undefined> {
  const head = await db.query<{ name: string; polls_close_at: unknown }>('SELECT name, polls_close_at FROM elections WHERE election_id = $1', [filter.electionId])
  const election = head.rows[0]
  if (election === undefined) return undefined
  const res = await db.query<
    ListedStationRow & {
      contest_id: string
      address: string | null
      contact_name: string | null
      contact_phone: string | null
      total: unknown
    }
  >(
    `WITH unreported AS (
       SELECT r.station_id, min(r.contest_id) AS contest_id
         FROM station_results r
        WHERE r.election_id = $1
          AND ($2::text IS NULL OR r.departement = $2)
          AND ($3::text IS NULL OR r.commune = $3)
        GROUP BY r.station_id
       HAVING bool_and(r.state = 'awaiting')
     )
     SELECT ${LISTED_STATION_COLUMNS}, u.contest_id, s.address, s.contact_name, s.contact_phone, count(*) OVER () AS total
       FROM unreported u
       JOIN stations s ON s.election_id = $1 AND s.station_id = u.station_id
       LEFT JOIN areas a ON a.election_id = $1 AND a.level = 'commune' AND a.code = s.commune
      ORDER BY ${ORDER_SQL[filter.order]}
      LIMIT $4 OFFSET $5`,
    [filter.electionId, filter.departement ?? null, filter.commune ?? null, filter.limit, filter.offset],
  )
  let total = toNumber(res.rows[0]?.total ?? 0)
  if (res.rows.length === 0 && filter.offset > 0) {
    // Past the last page: the window function saw no row, so count them apart.
    total = (await readChasePage(db, { ...filter, offset: 0, limit: 1 }))?.total ?? 0
  }
  return {
    electionId: filter.electionId,
    electionName: election.name,
    pollsCloseAt: toIso(election.polls_close_at),
    total,
    stations: res.rows.map((r) => ({
      ...listedStation(r),
      contestId: r.contest_id,
      address: r.address ?? undefined,
      contactName: r.contact_name ?? undefined,
      contactPhone: r.contact_phone ?? undefined,
    })),
  }
}
