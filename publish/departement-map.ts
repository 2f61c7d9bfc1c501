// The département map of the national page: GeoJSON shapes projected once per process into SVG
// path strings, so a cycle only picks a fill colour per département. Metropolitan France is drawn
// in a plain equirectangular projection corrected for its mean latitude (at this scale the error
// is invisible); each overseas département (INSEE 97x) gets its own inset box on the left, fitted
// to its own extent, as French maps do. Files are read in order and the first shape of a code
// wins, so a coarse metropolitan file can be followed by a finer one that only adds the overseas
// shapes (../shared/data: departements-version-simplifiee + departements-avec-outre-mer).
import { readFileSync } from 'node:fs'
import { z } from 'zod'

export interface DepartementShape {
  /** INSEE code ("75", "2A", "971"): areas are matched through core/france-areas.ts. */
  insee: string
  /** SVG path data in the map's viewBox units. */
  d: string
}

export interface DepartementMap {
  width: number
  height: number
  shapes: DepartementShape[]
  /**
   * The shapes as one SVG file (assets/departements.svg), each path with id "d-{insee}" and no fill
   * of its own: pages draw them with <use href="…#d-75" fill="…">, so the 140 kB of geometry is
   * downloaded and cached once, and a national page carries only 101 colours.
   */
  svg: string
  /** Frames drawn around the overseas insets. */
  insets: { x: number; y: number; width: number; height: number }[]
}

const Position = z.tuple([z.number(), z.number()]).rest(z.number())
const Ring = z.array(Position).min(4)
const GeometrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring)) }),
])
const FeatureCollectionSchema = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      properties: z.object({ code: z.string().min(1) }),
      geometry: GeometrySchema,
    }),
  ),
})

type Polygon = [number, number][][]

const WIDTH = 600
const HEIGHT = 560
const INSET_COLUMN = 96
const MARGIN = 8
/** Points closer than this (viewBox units) to the last one kept add nothing a reader can see. */
const MIN_STEP = 1

export class MapFileError extends Error {
  override name = 'MapFileError'
}

/** Reads and projects the files; throws MapFileError naming the file and what is wrong. */
export function loadDepartementMap(files: readonly string[]): DepartementMap {
  const polygons = new Map<string, Polygon[]>()
  for (const file of files) {
    let json: unknown
    try {
      json = JSON.parse(readFileSync(file, 'utf8'))
    } catch (err) {
      throw new MapFileError(`${file}: cannot read the map file as JSON (${(err as Error).message})`)
    }
    const parsed = FeatureCollectionSchema.safeParse(json)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new MapFileError(`${file}: not a GeoJSON FeatureCollection of Polygon/MultiPolygon features with a "code" property (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`)
    }
    for (const f of parsed.data.features) {
      if (polygons.has(f.properties.code)) continue
      const g = f.geometry
      const list = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
      // The code becomes an SVG id and a URL fragment: only what INSEE codes hold ("75", "2A", "971").
      if (!/^[0-9A-Z]{2,3}$/.test(f.properties.code)) throw new MapFileError(`${file}: département code ${JSON.stringify(f.properties.code)} is not an INSEE code`)
      polygons.set(f.properties.code, list.map((p) => p.map((ring) => ring.map(([lon, lat]) => [lon, lat] as [number, number]))))
    }
  }
  return projectMap(polygons)
}

function projectMap(polygons: Map<string, Polygon[]>): DepartementMap {
  const codes = [...polygons.keys()].sort()
  const overseas = codes.filter(isOverseas)
  const mainland = codes.filter((c) => !isOverseas(c))
  const shapes: DepartementShape[] = []
  const insets: DepartementMap['insets'] = []
  const left = overseas.length > 0 ? INSET_COLUMN + MARGIN : 0
  const main = { x: left, y: 0, width: WIDTH - left, height: HEIGHT }
  if (mainland.length > 0) {
    const project = fitProjection(mainland.flatMap((c) => polygons.get(c) ?? []), main)
    for (const code of mainland) shapes.push({ insee: code, d: pathOf(polygons.get(code) ?? [], project) })
  }
  const boxHeight = overseas.length > 0 ? Math.min(INSET_COLUMN, (HEIGHT - MARGIN * (overseas.length - 1)) / overseas.length) : 0
  overseas.forEach((code, i) => {
    const box = { x: 0, y: i * (boxHeight + MARGIN), width: INSET_COLUMN, height: boxHeight }
    insets.push(box)
    const inner = { x: box.x + 4, y: box.y + 4, width: box.width - 8, height: box.height - 8 }
    const shape = polygons.get(code) ?? []
    shapes.push({ insee: code, d: pathOf(shape, fitProjection(shape, inner)) })
  })
  const paths = shapes.map((s) => `<path id="d-${s.insee}" d="${s.d}" stroke="#fff" stroke-width="0.5"/>`).join('\n')
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}">\n${paths}\n</svg>\n`
  return { width: WIDTH, height: HEIGHT, shapes, insets, svg }
}

function isOverseas(code: string): boolean {
  return /^97\d$/.test(code)
}

type Projection = (lon: number, lat: number) => [number, number]

/** Equirectangular with x shrunk by cos(mean latitude), scaled and centred to fill `box`. */
function fitProjection(shapes: readonly Polygon[], box: { x: number; y: number; width: number; height: number }): Projection {
  let minLon = Infinity
  let maxLon = -Infinity
  let minLat = Infinity
  let maxLat = -Infinity
  for (const polygon of shapes) {
    for (const ring of polygon) {
      for (const [lon, lat] of ring) {
        minLon = Math.min(minLon, lon)
        maxLon = Math.max(maxLon, lon)
        minLat = Math.min(minLat, lat)
        maxLat = Math.max(maxLat, lat)
      }
    }
  }
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180)
  const spanX = Math.max((maxLon - minLon) * k, 1e-9)
  const spanY = Math.max(maxLat - minLat, 1e-9)
  const scale = Math.min(box.width / spanX, box.height / spanY)
  const offsetX = box.x + (box.width - spanX * scale) / 2
  const offsetY = box.y + (box.height - spanY * scale) / 2
  return (lon, lat) => [offsetX + (lon - minLon) * k * scale, offsetY + (maxLat - lat) * scale]
}

function pathOf(shape: readonly Polygon[], project: Projection): string {
  const parts: string[] = []
  for (const polygon of shape) {
    for (const ring of polygon) {
      const points: [number, number][] = []
      for (const [lon, lat] of ring) {
        const p = project(lon, lat)
        const last = points[points.length - 1]
        if (!last || Math.hypot(p[0] - last[0], p[1] - last[1]) >= MIN_STEP) points.push(p)
      }
      // A ring smaller than a pixel or two (a tiny island) is not drawn at all.
      if (points.length < 3) continue
      parts.push(`M${points.map(([x, y]) => `${round(x)} ${round(y)}`).join('L')}Z`)
    }
  }
  return parts.join('')
}

function round(n: number): string {
  return String(Math.round(n * 10) / 10)
}
