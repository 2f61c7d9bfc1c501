// The JSON shards the search page reads: one per postcode, one per commune, the name index in
// slices by the first two letters, and geographic tiles for "use my location". Shapes are those of
// browser/finder-lookup.d.ts; a look-up needs at most two of them.
import {
  communeKey,
  communeShardPath,
  DATA_DIR,
  geoTileId,
  GEO_TILE_DEG,
  nameShardId,
  type GeoTile,
  type NameEntry,
  type NameShard,
  type PostcodeShard,
  type ShardCommune,
  type ShardStation,
} from './browser/finder-lookup.js'
import type { FinderCommune, FinderModel, FinderStation } from './finder-model.js'

export function stationPage(s: FinderStation): string {
  return `bureau/${s.station.id}/`
}

export function communePage(code: string): string {
  return `commune/${code}/`
}

export function stationLabel(s: FinderStation): string {
  return `Bureau ${s.station.code}${s.station.name !== `Bureau ${s.station.code}` ? ` — ${s.station.name}` : ''}`
}

function shardStation(s: FinderStation): ShardStation {
  const p = s.place
  return {
    id: s.station.id,
    code: s.station.code,
    name: stationLabel(s),
    ...(p === undefined ? (s.station.address === undefined ? {} : { place: s.station.address }) : { place: p.place, address: addressLine(p.address, p.postcode) }),
    ...(p?.lat === undefined || p.lon === undefined ? {} : { lat: p.lat, lon: p.lon }),
    ...(p?.accessible === undefined ? {} : { accessible: p.accessible }),
    page: stationPage(s),
  }
}

export function addressLine(address: string, postcode: string | undefined): string {
  return postcode === undefined || postcode === '' || address.includes(postcode) ? address : `${address}, ${postcode}`
}

/** A commune as a shard holds it; `arrondissement` keeps only that arrondissement's stations. */
export function shardCommune(c: FinderCommune, arrondissement?: string): ShardCommune {
  const kept = c.stations.map((s, i) => ({ s, i })).filter(({ s }) => arrondissement === undefined || s.arrondissement === arrondissement)
  const newIndex = new Map(kept.map(({ i }, j) => [i, j]))
  const streets = c.streets
    .map((st) => ({
      ...st,
      stations: st.stations.flatMap((i) => (newIndex.has(i) ? [newIndex.get(i) as number] : [])),
      runs: st.runs.flatMap((r) => (newIndex.has(r[3]) ? [[r[0], r[1], r[2], newIndex.get(r[3]) as number] as typeof r] : [])),
    }))
    .filter((st) => st.stations.length > 0)
  return {
    code: c.code,
    name: arrondissement === undefined ? c.name : `${c.name} ${Number(arrondissement)}${arrondissement === '01' ? 'er' : 'e'} arrondissement`,
    dep: c.departement,
    hours: c.hours,
    hasAddresses: c.hasAddresses,
    stations: kept.map(({ s }) => shardStation(s)),
    streets,
    page: communePage(c.code) + (arrondissement === undefined ? '' : `#arr-${arrondissement}`),
  }
}

export function postcodeShards(model: FinderModel): Map<string, PostcodeShard> {
  const out = new Map<string, PostcodeShard>()
  for (const [postcode, rows] of model.postcodes) {
    const communes: ShardCommune[] = []
    for (const row of rows) {
      const c = model.communes.get(row.commune)
      if (c !== undefined && c.stations.length > 0) communes.push(shardCommune(c, row.arrondissement))
    }
    if (communes.length > 0) out.set(postcode, { postcode, communes })
  }
  return out
}

/** Communes that no postcode shard holds: the name index points at a shard of their own. */
export function communesWithoutPostcode(model: FinderModel): FinderCommune[] {
  return [...model.communes.values()].filter((c) => c.stations.length > 0 && c.postcodes.length === 0)
}

export function nameShards(model: FinderModel): Map<string, NameShard> {
  const out = new Map<string, NameShard>()
  const add = (entry: NameEntry) => {
    const id = nameShardId(entry.key)
    let shard = out.get(id)
    if (shard === undefined) out.set(id, (shard = { communes: [] }))
    shard.communes.push(entry)
  }
  for (const c of model.communes.values()) {
    if (c.stations.length === 0) continue
    const postcodes = [...new Set(c.postcodes.map((p) => p.postcode))].sort()
    const base = { code: c.code, dep: c.departement }
    const arrondissements = c.postcodes.filter((p) => p.arrondissement !== undefined)
    if (arrondissements.length > 0) {
      // Paris, Lyon, Marseille: one entry per arrondissement, each with its postcode's shard.
      const seen = new Set<string>()
      for (const row of arrondissements) {
        const part = shardCommune(c, row.arrondissement)
        if (part.stations.length === 0 || seen.has(part.name)) continue
        seen.add(part.name)
        add({ ...base, key: communeKey(part.name), name: part.name, shard: `${DATA_DIR}/cp/${row.postcode}.json`, page: part.page })
      }
      continue
    }
    const shard = postcodes[0] === undefined ? communeShardPath(c.code) : `${DATA_DIR}/cp/${postcodes[0]}.json`
    add({ ...base, key: communeKey(c.name), name: c.name, shard, page: communePage(c.code) })
  }
  for (const shard of out.values()) shard.communes.sort((a, b) => a.key.localeCompare(b.key))
  return out
}

/** A place is copied into every tile within this distance of it, so the nearest place is found near a tile's edge. */
const PLACE_MARGIN_DEG = 0.02

export function geoTiles(model: FinderModel): Map<string, GeoTile> {
  const tiles = new Map<string, GeoTile>()
  const tile = (id: string) => {
    let t = tiles.get(id)
    if (t === undefined) tiles.set(id, (t = { places: [], areas: [] }))
    return t
  }
  for (const c of model.communes.values()) {
    const places = new Map<string, GeoTile['places'][number]>()
    for (const s of c.stations) {
      const p = s.place
      if (p?.lat === undefined || p.lon === undefined) continue
      const key = `${p.lat} ${p.lon} ${p.place}`
      let place = places.get(key)
      if (place === undefined) {
        place = { lat: p.lat, lon: p.lon, place: p.place, address: addressLine(p.address, p.postcode), commune: c.name, stations: [] }
        places.set(key, place)
      }
      place.stations.push({ id: s.station.id, code: s.station.code, name: stationLabel(s), page: stationPage(s) })
    }
    for (const place of places.values()) {
      for (const id of tilesOfBox(place.lat - PLACE_MARGIN_DEG, place.lon - PLACE_MARGIN_DEG, place.lat + PLACE_MARGIN_DEG, place.lon + PLACE_MARGIN_DEG)) tile(id).places.push(place)
    }
    for (const s of c.stations) {
      if (s.area === undefined) continue
      const box = boundingBox(s.area.rings)
      const area = { station: { id: s.station.id, code: s.station.code, name: stationLabel(s), commune: c.name, page: stationPage(s) }, rings: s.area.rings }
      for (const id of tilesOfBox(...box)) tile(id).areas.push(area)
    }
  }
  return tiles
}

function boundingBox(rings: number[][]): [number, number, number, number] {
  let [minLat, minLon, maxLat, maxLon] = [90, 180, -90, -180]
  for (const ring of rings) {
    for (let i = 0; i < ring.length; i += 2) {
      const lon = ring[i] as number
      const lat = ring[i + 1] as number
      minLat = Math.min(minLat, lat)
      maxLat = Math.max(maxLat, lat)
      minLon = Math.min(minLon, lon)
      maxLon = Math.max(maxLon, lon)
    }
  }
  return [minLat, minLon, maxLat, maxLon]
}

function tilesOfBox(minLat: number, minLon: number, maxLat: number, maxLon: number): string[] {
  const ids: string[] = []
  for (let y = Math.floor(minLat / GEO_TILE_DEG); y <= Math.floor(maxLat / GEO_TILE_DEG); y++) {
    for (let x = Math.floor(minLon / GEO_TILE_DEG); x <= Math.floor(maxLon / GEO_TILE_DEG); x++) {
      ids.push(geoTileId((y + 0.5) * GEO_TILE_DEG, (x + 0.5) * GEO_TILE_DEG))
    }
  }
  return ids
}
