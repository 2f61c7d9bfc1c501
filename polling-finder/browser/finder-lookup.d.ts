// Types of finder-lookup.js (plain JavaScript so that browsers run it as written) and of the JSON
// shards it reads. The builder writes shards of exactly these shapes.

export const DATA_DIR: string
export const GEO_TILE_DEG: number
export const SIDE_ALL: 0
export const SIDE_ODD: 1
export const SIDE_EVEN: 2
export type Side = 0 | 1 | 2

/** [first number, last number, side, index of the station in the commune's `stations`]. */
export type NumberRun = [number, number, Side, number]

export interface ShardStation {
  id: string
  code: string
  name: string
  /** Polling place ("École élémentaire Jules-Ferry, salle 2"), when known. */
  place?: string
  address?: string
  lat?: number
  lon?: number
  accessible?: boolean
  /** The station's finder page, relative to the finder's root: "bureau/94041-0001/". */
  page: string
}

export interface ShardStreet {
  key: string
  /** The street's name as displayed. */
  name: string
  /** Every station voters of this street vote at (indexes into `stations`). */
  stations: number[]
  runs: NumberRun[]
}

export interface ShardCommune {
  code: string
  name: string
  dep: string
  hours: { open: string; close: string }
  /** True when the commune's addresses are known (then `streets` is its street index). */
  hasAddresses: boolean
  stations: ShardStation[]
  streets: ShardStreet[]
  page: string
}

export interface PostcodeShard {
  postcode: string
  communes: ShardCommune[]
}

export interface CommuneShard {
  commune: ShardCommune
}

export interface NameEntry {
  key: string
  name: string
  code: string
  dep: string
  /** The shard holding this commune (or arrondissement), relative to the finder's root. */
  shard: string
  /** Its browse page, relative to the finder's root. */
  page: string
}

export interface NameShard {
  communes: NameEntry[]
}

export interface TilePlace {
  lat: number
  lon: number
  place: string
  address: string
  commune: string
  stations: { id: string; code: string; name: string; page: string }[]
}

export interface TileArea {
  station: { id: string; code: string; name: string; commune: string; page: string }
  /** Rings as flat [lon, lat, lon, lat, …] lists. */
  rings: number[][]
}

export interface GeoTile {
  places: TilePlace[]
  areas: TileArea[]
}

export interface AddressQuery {
  postcode?: string
  number?: number
  street: string
  commune: string
}

export interface StreetAnswer {
  definite: boolean
  stations: number[]
  runs: NumberRun[]
  reason?: 'number-shared' | 'number-unknown' | 'street-split'
}

export function normalizeText(text: string): string
export function streetTokens(text: string): string[]
export function streetKey(text: string): string
export function communeKey(name: string): string
export function nameShardId(key: string): string
export function geoTileId(lat: number, lon: number): string
export function parseQuery(text: string): AddressQuery
export function houseNumber(text: string): number | undefined
export function firstShardPath(query: AddressQuery): string | undefined
export function communeShardPath(code: string): string
export function geoTilePath(lat: number, lon: number): string
export function matchCommuneNames(shard: NameShard, typed: string, limit?: number): NameEntry[]
export function communesOfShard(shard: PostcodeShard | CommuneShard | undefined, entry: NameEntry): ShardCommune[]
export function communesForQuery(communes: ShardCommune[], query: AddressQuery): ShardCommune[]
export function findStreets(commune: ShardCommune, typedStreet: string): ShardStreet[]
export function stationsOnStreet(street: ShardStreet, number: number | undefined): StreetAnswer
export function lookupAddress(communes: ShardCommune[], query: AddressQuery): (StreetAnswer & { commune: ShardCommune; street: ShardStreet })[]
export function pointInRing(lon: number, lat: number, ring: number[]): boolean
export function distanceMetres(lat1: number, lon1: number, lat2: number, lon2: number): number
export function locate(tile: GeoTile, lat: number, lon: number, nearestCount?: number): { area: TileArea | undefined; nearest: { place: TilePlace; metres: number }[] }
export function describeRun(run: NumberRun): string
