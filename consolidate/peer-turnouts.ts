// The peers of a station for the turnout check (W204): the validated stations of its commune, or
// of its département when the commune has too few. Groups are loaded from the database (one
// query per batch, for the groups the batch needs and does not hold) and kept for a while,
// updated as this process validates stations, so that a national night does not reload every
// département's turnouts for every batch. A group older than the time-to-live is reloaded, which
// bounds what it can miss from other writers (another consolidator on PostgreSQL, the desk).
import type { PeerGroup } from './station-results-repository.js'

/** How long a loaded group is trusted before it is read again from the database. */
export const PEER_GROUP_TTL_MS = 30_000

export interface PeerArea {
  electionId: string
  contestId: string
  commune: string
  departement: string | undefined
}

/** What a batch must read: communes it does not hold, and départements it needs but does not hold. */
export interface PeerGroupsToLoad {
  /** `departementHeld`: the database need not send the département even if the commune is short. */
  communes: (PeerArea & { departementHeld: boolean })[]
  departements: { electionId: string; contestId: string; departement: string }[]
}

interface Group {
  turnouts: Map<string, number>
  loadedAt: number
}

type Scope = PeerGroup['scope']

export class PeerTurnouts {
  private readonly groups = new Map<string, Group>()

  /** `minPeers`: below this many commune peers, the département is used instead. */
  constructor(
    private readonly minPeers: number,
    private readonly ttlMs = PEER_GROUP_TTL_MS,
  ) {}

  /** The groups to read before checking returns from these areas at `nowMs`. */
  toLoad(areas: readonly PeerArea[], nowMs: number): PeerGroupsToLoad {
    const plan: PeerGroupsToLoad = { communes: [], departements: [] }
    const departements = new Set<string>()
    const communes = new Set<string>()
    for (const a of areas) {
      const communeKey = groupKey(a, 'commune', a.commune)
      if (communes.has(communeKey)) continue
      communes.add(communeKey)
      const departementHeld = a.departement !== undefined && this.fresh(groupKey(a, 'departement', a.departement), nowMs) !== undefined
      const commune = this.fresh(communeKey, nowMs)
      if (commune === undefined) {
        plan.communes.push({ ...a, departementHeld })
        continue
      }
      // The commune is held: if it is short, its département is needed now.
      if (commune.turnouts.size <= this.minPeers && a.departement !== undefined && !departementHeld) {
        const key = groupKey(a, 'departement', a.departement)
        if (departements.has(key)) continue
        departements.add(key)
        plan.departements.push({ electionId: a.electionId, contestId: a.contestId, departement: a.departement })
      }
    }
    return plan
  }

  /** Installs whole groups as read from the database at `nowMs`. */
  load(groups: readonly PeerGroup[], nowMs: number): void {
    for (const g of groups) {
      const turnouts = new Map<string, number>()
      g.stationIds.forEach((stationId, i) => {
        const turnout = g.turnouts[i]
        if (turnout !== undefined) turnouts.set(stationId, turnout)
      })
      this.groups.set(groupKey(g, g.scope, g.area), { turnouts, loadedAt: nowMs })
    }
  }

  /** Turnouts of the station's peers, the station itself excluded. */
  turnoutsFor(area: PeerArea, stationId: string): number[] {
    const inCommune = others(this.groups.get(groupKey(area, 'commune', area.commune)), stationId)
    if (inCommune.length >= this.minPeers || area.departement === undefined) return inCommune
    const dep = this.groups.get(groupKey(area, 'departement', area.departement))
    return dep === undefined ? inCommune : others(dep, stationId)
  }

  /** A station was validated with this turnout (undefined: no registered voters, so no turnout). */
  record(area: PeerArea, stationId: string, turnout: number | undefined): void {
    const keys = [groupKey(area, 'commune', area.commune)]
    if (area.departement !== undefined) keys.push(groupKey(area, 'departement', area.departement))
    for (const key of keys) {
      // Only groups read whole are updated; a group made up here would look complete but is not.
      const group = this.groups.get(key)
      if (group === undefined) continue
      if (turnout === undefined) group.turnouts.delete(stationId)
      else group.turnouts.set(stationId, turnout)
    }
  }

  /** Forgets everything: after a rolled-back batch, whose validations the groups already hold. */
  clear(): void {
    this.groups.clear()
  }

  private fresh(key: string, nowMs: number): Group | undefined {
    const g = this.groups.get(key)
    return g !== undefined && nowMs - g.loadedAt < this.ttlMs ? g : undefined
  }
}

function groupKey(g: { electionId: string; contestId: string }, scope: Scope, area: string): string {
  return `${g.electionId}:${g.contestId}:${scope}:${area}`
}

function others(group: Group | undefined, stationId: string): number[] {
  if (group === undefined) return []
  const out: number[] = []
  for (const [id, turnout] of group.turnouts) if (id !== stationId) out.push(turnout)
  return out
}
