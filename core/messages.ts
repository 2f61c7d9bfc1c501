// What travels on the bus: topic names, keys and the message schemas. `[returns]` carries officials'
// returns; `[elections]` the definitions an operator loads; `[results]` (compacted) the latest
// validated result per contest and station, plus the definition relayed by consolidation, so the
// publisher needs nothing but `[results]`.
import { z } from 'zod'
import {
  AreaSchema,
  CodeSchema,
  ElectionSchema,
  ReturnSubmittedSchema,
  StationResultSchema,
  StationSchema,
  type ElectionDefinition,
} from './schemas.js'
import { canonicalJson } from './return-ids.js'
import { createHash } from 'node:crypto'

export const TOPICS = {
  returns: 'returns',
  elections: 'elections',
  results: 'results',
  /** Compacted: officials' station credentials and integrators' client tokens (hashes only). */
  credentials: 'credentials',
  /** Security events (lockouts) for the desk. */
  security: 'security',
} as const

export const ElectionDefinitionPartSchema = z.object({
  type: z.literal('election-definition-part'),
  electionId: CodeSchema,
  /** Hash of the whole definition: parts of two different loads are never mixed. */
  definitionVersion: z.string().min(8).max(64),
  part: z.number().int().nonnegative(),
  parts: z.number().int().positive(),
  /** Present in part 0 only. */
  election: ElectionSchema.optional(),
  areas: z.array(AreaSchema),
  stations: z.array(StationSchema),
})
export type ElectionDefinitionPart = z.infer<typeof ElectionDefinitionPartSchema>

export const ResultsMessageSchema = z.discriminatedUnion('type', [ElectionDefinitionPartSchema, StationResultSchema])
export type ResultsMessage = z.infer<typeof ResultsMessageSchema>

export { ReturnSubmittedSchema }

export function returnKey(stationId: string): string {
  return stationId
}

export function stationResultKey(electionId: string, contestId: string, stationId: string): string {
  return `${electionId}:${contestId}:${stationId}`
}

export function definitionPartKey(part: ElectionDefinitionPart): string {
  return `def:${part.electionId}:${part.part}`
}

/**
 * Splits a definition into bus-sized parts: part 0 holds the election and every area above the
 * commune; then one part per département with its communes and stations (the largest, Nord, is
 * a few hundred kilobytes, well under Kafka's default 1 MB message limit).
 */
export function splitDefinition(def: ElectionDefinition): ElectionDefinitionPart[] {
  const definitionVersion = createHash('sha256').update(canonicalJson(def)).digest('hex').slice(0, 32)
  const communeDep = new Map<string, string>()
  const upper = def.areas.filter((a) => a.level !== 'commune')
  const byDep = new Map<string, { areas: ElectionDefinition['areas']; stations: ElectionDefinition['stations'] }>()
  const bucket = (dep: string) => {
    let b = byDep.get(dep)
    if (!b) byDep.set(dep, (b = { areas: [], stations: [] }))
    return b
  }
  for (const a of def.areas) {
    if (a.level !== 'commune') continue
    const dep = a.parent ?? ''
    communeDep.set(a.code, dep)
    bucket(dep).areas.push(a)
  }
  for (const s of def.stations) bucket(communeDep.get(s.commune) ?? '').stations.push(s)
  const deps = [...byDep.keys()].sort()
  const parts = deps.length + 1
  const base = { type: 'election-definition-part' as const, electionId: def.election.id, definitionVersion, parts }
  return [
    { ...base, part: 0, election: def.election, areas: upper, stations: [] },
    ...deps.map((dep, i) => ({ ...base, part: i + 1, ...bucket(dep) })),
  ]
}

/** Collects parts; returns the definition once every part of one version has arrived. */
export class DefinitionAssembler {
  private readonly versions = new Map<string, Map<number, ElectionDefinitionPart>>()

  add(part: ElectionDefinitionPart): ElectionDefinition | undefined {
    let got = this.versions.get(part.definitionVersion)
    if (!got) this.versions.set(part.definitionVersion, (got = new Map()))
    got.set(part.part, part)
    if (got.size < part.parts) return undefined
    const ordered = [...got.values()].sort((a, b) => a.part - b.part)
    const election = ordered[0]?.election
    if (!election) return undefined
    this.versions.delete(part.definitionVersion)
    return {
      election,
      areas: ordered.flatMap((p) => p.areas),
      stations: ordered.flatMap((p) => p.stations),
    }
  }
}
