// Joins the inputs on the election's stations: each commune with its stations, their places,
// areas, street index, postcodes and hours. Anything naming a station the election does not have
// is counted and reported (a renumbered bureau, a typo), never silently dropped.
import type { ElectionDefinition, Station } from '../core/schemas.js'
import { findDepartement } from '../core/france-areas.js'
import type { ShardStreet } from './browser/finder-lookup.js'
import { buildStreetIndex, type StreetAddress } from './street-index.js'
import type { AddressInput } from './inputs/address-table.js'
import type { AreaRow } from './inputs/bureau-areas.js'
import { DEFAULT_HOURS, type HoursRow, type OpeningHours } from './inputs/opening-hours.js'
import type { PlaceRow } from './inputs/polling-places.js'
import type { PostcodeRow } from './inputs/postcodes.js'
import type { ParsedInput } from './inputs/text-table.js'

export interface FinderInputs {
  definition: ElectionDefinition
  places?: ParsedInput<PlaceRow>[]
  areas?: ParsedInput<AreaRow>[]
  addresses?: AddressInput[]
  postcodes?: ParsedInput<PostcodeRow>
  hours?: ParsedInput<HoursRow>
}

export interface FinderStation {
  station: Station
  place?: PlaceRow
  area?: AreaRow
  /** Paris, Lyon, Marseille: the arrondissement (first two digits of the bureau code). */
  arrondissement?: string
}

export interface FinderCommune {
  code: string
  name: string
  departement: string
  hours: OpeningHours
  stations: FinderStation[]
  hasAddresses: boolean
  streets: ShardStreet[]
  postcodes: PostcodeRow[]
}

export interface FinderDepartement {
  code: string
  name: string
  communes: FinderCommune[]
}

export interface FinderModel {
  departements: FinderDepartement[]
  communes: Map<string, FinderCommune>
  /** Postcode → its rows (one per commune or arrondissement it serves). */
  postcodes: Map<string, PostcodeRow[]>
  /** Lines of the inputs that matched no station of the election, by input and reason. */
  unmatched: string[]
}

const CITIES_BY_ARRONDISSEMENT = new Set(['75056', '69123', '13055'])

export function assembleFinder(inputs: FinderInputs): FinderModel {
  const { definition } = inputs
  const unmatched: string[] = []
  const byId = new Map<string, FinderStation>()
  const communes = new Map<string, FinderCommune>()
  const hours = new Map((inputs.hours?.rows ?? []).map((r) => [r.commune, r.hours]))
  for (const area of definition.areas) {
    if (area.level !== 'commune') continue
    communes.set(area.code, {
      code: area.code,
      name: area.name,
      departement: area.parent ?? area.code.slice(0, 2),
      hours: hours.get(area.code) ?? DEFAULT_HOURS,
      stations: [],
      hasAddresses: false,
      streets: [],
      postcodes: [],
    })
  }
  for (const station of definition.stations) {
    const commune = communes.get(station.commune)
    if (commune === undefined) {
      unmatched.push(`station ${station.id}: its commune ${station.commune} is not among the election's areas`)
      continue
    }
    const entry: FinderStation = CITIES_BY_ARRONDISSEMENT.has(commune.code) ? { station, arrondissement: station.code.slice(0, 2) } : { station }
    commune.stations.push(entry)
    byId.set(station.id, entry)
  }
  for (const commune of communes.values()) commune.stations.sort((a, b) => a.station.code.localeCompare(b.station.code))

  const attach = <T extends { commune: string; bureau: string }>(inputsOf: ParsedInput<T>[] | undefined, what: string, set: (s: FinderStation, row: T) => void) => {
    for (const input of inputsOf ?? []) {
      const missing = new Map<string, number>()
      for (const row of input.rows) {
        const s = byId.get(`${row.commune}-${row.bureau}`)
        if (s === undefined) missing.set(`${row.commune}-${row.bureau}`, (missing.get(`${row.commune}-${row.bureau}`) ?? 0) + 1)
        else set(s, row)
      }
      for (const [id, n] of missing) unmatched.push(`${input.file}: ${n} ${what} for bureau ${id}, which the election does not have`)
    }
  }
  attach(inputs.places, 'place line(s)', (s, row) => (s.place = row))
  attach(inputs.areas, 'area(s)', (s, row) => (s.area = row))

  const addressesByCommune = new Map<string, StreetAddress[]>()
  attach(inputs.addresses, 'address line(s)', (s, row) => {
    const commune = communes.get(s.station.commune)
    if (commune === undefined) return
    let list = addressesByCommune.get(commune.code)
    if (list === undefined) addressesByCommune.set(commune.code, (list = []))
    list.push({ street: row.street, ...(row.number === undefined ? {} : { number: row.number }), station: commune.stations.indexOf(s) })
  })
  for (const [code, addresses] of addressesByCommune) {
    const commune = communes.get(code)
    if (commune === undefined) continue
    commune.hasAddresses = true
    commune.streets = buildStreetIndex(addresses)
  }

  const postcodes = new Map<string, PostcodeRow[]>()
  for (const row of inputs.postcodes?.rows ?? []) {
    const commune = communes.get(row.commune)
    if (commune === undefined) continue // the table covers France; the election may not
    commune.postcodes.push(row)
    let list = postcodes.get(row.postcode)
    if (list === undefined) postcodes.set(row.postcode, (list = []))
    list.push(row)
  }
  for (const row of inputs.hours?.rows ?? []) {
    if (!communes.has(row.commune)) unmatched.push(`${inputs.hours?.file}: hours for commune ${row.commune}, which the election does not have`)
  }

  const departements = new Map<string, FinderDepartement>()
  for (const commune of communes.values()) {
    if (commune.stations.length === 0) continue
    let dep = departements.get(commune.departement)
    if (dep === undefined) {
      const area = definition.areas.find((a) => a.level === 'departement' && a.code === commune.departement)
      dep = { code: commune.departement, name: area?.name ?? findDepartement(commune.departement)?.name ?? commune.departement, communes: [] }
      departements.set(dep.code, dep)
    }
    dep.communes.push(commune)
  }
  const collator = new Intl.Collator('fr')
  for (const dep of departements.values()) dep.communes.sort((a, b) => collator.compare(a.name, b.name))
  return {
    departements: [...departements.values()].sort((a, b) => a.code.localeCompare(b.code)),
    communes,
    postcodes,
    unmatched,
  }
}
