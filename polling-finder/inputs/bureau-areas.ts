// Bureau areas (the streets and blocks whose voters vote at a bureau) as GeoJSON: Polygon or
// MultiPolygon features in WGS84 longitude/latitude. The station is named by Paris's property
// `id_bv` ("15-40") or by the simple properties `commune` and `bureau`.
import { z } from 'zod'
import { bureauCode, FinderInputError, isCommuneCode, readTextFile, type ParsedInput } from './text-table.js'

export interface AreaRow {
  commune: string
  bureau: string
  /** Every ring (outer and holes) as flat [lon, lat, …]: even-odd over all of them is the area. */
  rings: number[][]
}

const Position = z.tuple([z.number(), z.number()]).rest(z.number())
const Ring = z.array(Position).min(4)
const Geometry = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1) }),
])
const Feature = z.object({ type: z.literal('Feature'), geometry: Geometry, properties: z.record(z.string(), z.unknown()).nullable() })
const Collection = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) })

/** 5 decimals is about a metre: enough to tell which side of a street, and half the bytes. */
const COORDINATE_FACTOR = 1e5

export async function readBureauAreas(file: string): Promise<ParsedInput<AreaRow>> {
  let json: unknown
  try {
    json = JSON.parse(await readTextFile(file))
  } catch (err) {
    if (err instanceof FinderInputError) throw err
    throw new FinderInputError(`${file}: not JSON (${(err as Error).message})`)
  }
  const collection = Collection.safeParse(json)
  if (!collection.success) throw new FinderInputError(`${file}: not a GeoJSON FeatureCollection`)
  const rows: AreaRow[] = []
  const problems: string[] = []
  const seen = new Map<string, number>()
  collection.data.features.forEach((raw, i) => {
    const where = `feature ${i + 1}`
    const feature = Feature.safeParse(raw)
    if (!feature.success) {
      problems.push(`${where}: not a Polygon or MultiPolygon feature (${feature.error.issues[0]?.message ?? 'invalid'})`)
      return
    }
    const station = stationOfProperties(feature.data.properties ?? {})
    if (typeof station === 'string') {
      problems.push(`${where}: ${station}`)
      return
    }
    const key = `${station.commune}-${station.bureau}`
    const first = seen.get(key)
    if (first !== undefined) {
      problems.push(`${where}: bureau ${key} already has an area (feature ${first})`)
      return
    }
    seen.set(key, i + 1)
    const { geometry } = feature.data
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
    const rings = polygons.flat().map((ring) => ring.flatMap(([lon, lat]) => [round(lon), round(lat)]))
    rows.push({ ...station, rings })
  })
  return { file, rows, problems }
}

function stationOfProperties(p: Record<string, unknown>): { commune: string; bureau: string } | string {
  if (typeof p.id_bv === 'string') {
    const m = p.id_bv.match(/^(\d{1,2})-(\d{1,2})$/)
    if (!m) return `id_bv "${p.id_bv}" is not "arrondissement-number"`
    return { commune: '75056', bureau: `${m[1]?.padStart(2, '0')}${m[2]?.padStart(2, '0')}` }
  }
  const commune = String(p.commune ?? '')
  const bureau = bureauCode(String(p.bureau ?? ''))
  if (!isCommuneCode(commune) || bureau === undefined) return 'properties name no station: id_bv ("15-40"), or commune (INSEE) and bureau'
  return { commune, bureau }
}

function round(x: number): number {
  return Math.round(x * COORDINATE_FACTOR) / COORDINATE_FACTOR
}
