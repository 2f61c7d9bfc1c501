// The station columns both desk lists (chase list, review queue) show, read the same way.
import { toNumber } from '../sql-values.js'

/** SELECT list for them, with `s` the stations and `a` the station's commune in areas. */
export const LISTED_STATION_COLUMNS = 's.station_id, s.code, s.name, s.commune, a.name AS commune_name, s.departement, s.registered'

export interface ListedStationRow {
  station_id: string
  code: string
  name: string
  commune: string
  commune_name: string | null
  departement: string | null
  registered: unknown
}

export interface ListedStation {
  stationId: string
  code: string
  name: string
  commune: string
  communeName: string | undefined
  departement: string | undefined
  registered: number
}

export function listedStation(r: ListedStationRow): ListedStation {
  return {
    stationId: r.station_id,
    code: r.code,
    name: r.name,
    commune: r.commune,
    communeName: r.commune_name ?? undefined,
    departement: r.departement ?? undefined,
    registered: toNumber(r.registered),
  }
}
