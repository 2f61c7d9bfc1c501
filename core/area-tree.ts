// The area tree: country › région › département › commune › station. Codes are unique only within
// a level (région 11 is Île-de-France, département 11 is Aude), so a node is keyed by level and code.
import assert from 'node:assert/strict'
import type { Area, AreaLevel, ElectionDefinition, Station } from './schemas.js'
import { DEPARTEMENTS, REGIONS, findDepartement } from './france-areas.js'

export const AREA_LEVELS: readonly AreaLevel[] = ['country', 'region', 'departement', 'commune', 'station']

export type AreaKey = `${AreaLevel}:${string}`

export function areaKey(level: AreaLevel, code: string): AreaKey {
  return `${level}:${code}`
}

export function parentLevel(level: AreaLevel): AreaLevel | undefined {
  const i = AREA_LEVELS.indexOf(level)
  return i > 0 ? AREA_LEVELS[i - 1] : undefined
}

export interface AreaNode {
  key: AreaKey
  area: Area
  parent: AreaNode | undefined
  children: AreaNode[]
  /** Stations directly in this area (communes only). */
  stations: Station[]
  /** Every station below this area, and their registered voters: the denominators of "stations counted". */
  stationCount: number
  registered: number
}

export interface AreaTree {
  root: AreaNode
  nodes: Map<AreaKey, AreaNode>
  stations: Map<string, Station>
  /** For each station: its commune, département, région and the country, nearest first. */
  ancestorsOfStation(stationId: string): readonly AreaNode[]
}

export const COUNTRY_CODE = 'FR'

/** Builds the tree and checks it: every parent exists, every station's commune exists. */
export function buildAreaTree(def: Pick<ElectionDefinition, 'areas' | 'stations'>): AreaTree {
  const nodes = new Map<AreaKey, AreaNode>()
  for (const area of def.areas) {
    const key = areaKey(area.level, area.code)
    assert(!nodes.has(key), `area ${key} is defined twice`)
    nodes.set(key, { key, area, parent: undefined, children: [], stations: [], stationCount: 0, registered: 0 })
  }
  let root: AreaNode | undefined
  for (const node of nodes.values()) {
    const level = parentLevel(node.area.level)
    if (level === undefined) {
      assert(root === undefined, 'an election has exactly one country area')
      root = node
      continue
    }
    const parent = nodes.get(areaKey(level, node.area.parent ?? ''))
    assert(parent, `area ${node.key} names parent ${level}:${node.area.parent ?? '(none)'}, which does not exist`)
    node.parent = parent
    parent.children.push(node)
  }
  assert(root, 'an election needs a country area')
  const stations = new Map<string, Station>()
  const chains = new Map<string, AreaNode[]>()
  for (const station of def.stations) {
    assert(!stations.has(station.id), `station ${station.id} is defined twice`)
    const commune = nodes.get(areaKey('commune', station.commune))
    assert(commune, `station ${station.id} names commune ${station.commune}, which does not exist`)
    stations.set(station.id, station)
    commune.stations.push(station)
    const chain: AreaNode[] = []
    for (let n: AreaNode | undefined = commune; n; n = n.parent) {
      chain.push(n)
      n.stationCount += 1
      n.registered += station.registered
    }
    chains.set(station.id, chain)
  }
  for (const node of nodes.values()) node.children.sort(compareNodes)
  return {
    root,
    nodes,
    stations,
    ancestorsOfStation(stationId) {
      return chains.get(stationId) ?? []
    },
  }
}

function compareNodes(a: AreaNode, b: AreaNode): number {
  return a.area.code < b.area.code ? -1 : a.area.code > b.area.code ? 1 : 0
}

/**
 * The country, régions and départements of France for the départements a file uses. Importers
 * call this with the département codes they met and add communes themselves. An INSEE code
 * ("971") is accepted for its Ministry code ("ZA"); the areas always carry the Ministry's code.
 */
export function franceUpperAreas(departementCodes: Iterable<string>): Area[] {
  const used = new Set<string>()
  const areas: Area[] = [{ level: 'country', code: COUNTRY_CODE, name: 'France' }]
  const regions = new Set<string>()
  for (const code of departementCodes) {
    const fact = findDepartement(code)
    assert(fact, `unknown département code ${code}`)
    used.add(fact.code)
    regions.add(fact.region)
  }
  for (const r of REGIONS) {
    if (regions.has(r.code)) areas.push({ level: 'region', code: r.code, name: r.name, parent: COUNTRY_CODE })
  }
  for (const d of DEPARTEMENTS) {
    if (used.has(d.code)) areas.push({ level: 'departement', code: d.code, name: d.name, parent: d.region })
  }
  return areas
}
