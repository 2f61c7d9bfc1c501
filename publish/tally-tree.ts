// The publisher's in-memory tally: for every area and contest, the sum of the current station
// results below it, kept up to date one result at a time (add the new version, subtract the one it
// replaces) so a correction costs four additions, not a re-aggregation of France. Areas touched
// since the last publication cycle are kept in a dirty set.
import { buildAreaTree, type AreaNode, type AreaTree } from '../core/area-tree.js'
import { addCountsInto, emptyCounts, subtractCountsInto } from '../core/counts.js'
import type { Contest, Counts, ElectionDefinition, Station, StationResult } from '../core/schemas.js'

export interface ContestTally {
  contest: Contest
  /** Σ of the validated counts of the stations below this area. */
  counts: Counts
  stationsReported: number
  stationsTotal: number
  /** Registered voters (station reference rolls) of the reported stations, and of all of them. */
  registeredReported: number
  registeredTotal: number
}

export interface AreaTally {
  node: AreaNode
  /** Depth in the tree (country 0): dirty areas are refreshed children first. */
  depth: number
  /** Σ of the versions of the current results below: grows with every new, corrected or withdrawn result. */
  snapshot: number
  /** Stations with a validated result for every contest covering them. */
  stationsReported: number
  stationsTotal: number
  registeredReported: number
  registeredTotal: number
  /** Contests with at least one station here, in the election's order (see contestTallyOf). */
  contests: ContestTally[]
  /** Latest validatedAt (ms) of the current results below; refreshed by takeDirty(). */
  updatedAtMs: number | undefined
}

/** The area's tally of one contest; undefined when no station of the contest is in the area. */
export function contestTallyOf(tally: AreaTally, contestId: string): ContestTally | undefined {
  return tally.contests.find((ct) => ct.contest.id === contestId)
}

export type ApplyOutcome =
  | { kind: 'applied' }
  | { kind: 'stale' }
  | { kind: 'other-election' }
  | { kind: 'unknown-contest' }
  | { kind: 'unknown-station' }
  | { kind: 'station-not-in-contest' }

export class TallyTree {
  readonly tree: AreaTree
  readonly definition: ElectionDefinition
  private readonly tallies = new Map<AreaNode, AreaTally>()
  /** Contest ids covering each station. */
  private readonly contestsOfStation = new Map<string, string[]>()
  /** Current result per contest and station (validated or withdrawn). */
  private readonly results = new Map<string, StationResult>()
  /** Number of contests with a validated result, per station. */
  private readonly validatedContests = new Map<string, number>()
  private dirty = new Set<AreaTally>()
  /**
   * Station pages still to write, per commune: every station at first, then those whose result
   * changed. A commune's station pages are written with the commune, so one changed station
   * rewrites one station page, not the 900 of Paris.
   */
  private readonly pendingStations = new Map<AreaNode, Set<string> | 'all'>()
  /**
   * Pages of stations without any result that a timed cycle left for later, per commune (see
   * takeDirty): such a page holds no figure, and the station's first result writes it anyway.
   */
  private readonly stationsWithoutResults = new Map<AreaNode, Set<string>>()
  /** Contests whose page is still to write (elections with several contests). */
  private readonly pendingContests = new Set<string>()

  /** Throws (assert) when the tree is inconsistent: callers treat the definition as unusable. */
  constructor(definition: ElectionDefinition) {
    this.definition = definition
    this.tree = buildAreaTree(definition)
    for (const node of this.tree.nodes.values()) {
      if (node.area.level === 'station') continue
      let depth = 0
      for (let p = node.parent; p; p = p.parent) depth++
      const tally: AreaTally = {
        node,
        depth,
        snapshot: 0,
        stationsReported: 0,
        stationsTotal: 0,
        registeredReported: 0,
        registeredTotal: 0,
        contests: [],
        updatedAtMs: undefined,
      }
      this.tallies.set(node, tally)
      this.dirty.add(tally)
      if (node.area.level === 'commune') this.pendingStations.set(node, 'all')
    }
    for (const contest of definition.election.contests) this.pendingContests.add(contest.id)
    // Per area while the tree is built, then only its sorted list: a Map in each of France's
    // 36,000 areas held 6 MB for one contest.
    const contestsOfArea = new Map<AreaTally, Map<string, ContestTally>>()
    for (const contest of definition.election.contests) {
      const stationIds = contest.stationIds ?? [...this.tree.stations.keys()]
      for (const stationId of new Set(stationIds)) {
        const station = this.tree.stations.get(stationId)
        if (!station) continue
        this.contestsOfStation.set(stationId, [...(this.contestsOfStation.get(stationId) ?? []), contest.id])
        for (const tally of this.chainOf(stationId)) {
          let byId = contestsOfArea.get(tally)
          if (!byId) contestsOfArea.set(tally, (byId = new Map()))
          let ct = byId.get(contest.id)
          if (!ct) {
            ct = { contest, counts: emptyCounts(), stationsReported: 0, stationsTotal: 0, registeredReported: 0, registeredTotal: 0 }
            byId.set(contest.id, ct)
          }
          ct.stationsTotal += 1
          ct.registeredTotal += station.registered
        }
      }
    }
    // One array per distinct list of contests, not one per station: France's 69,242 copies of
    // ['pres'] held 3 MB. Never mutated once built.
    const lists = new Map<string, string[]>()
    for (const [stationId, contests] of this.contestsOfStation) {
      const key = contests.join('\n')
      const shared = lists.get(key)
      if (shared) this.contestsOfStation.set(stationId, shared)
      else lists.set(key, contests)
    }
    const contestOrder = new Map(definition.election.contests.map((c, i) => [c.id, i]))
    for (const tally of this.tallies.values()) {
      tally.contests = [...(contestsOfArea.get(tally)?.values() ?? [])].sort(
        (a, b) => (contestOrder.get(a.contest.id) ?? 0) - (contestOrder.get(b.contest.id) ?? 0),
      )
    }
    // A station counts in "N of M stations" only if some contest covers it: it could never report otherwise.
    for (const stationId of this.contestsOfStation.keys()) {
      const station = this.tree.stations.get(stationId)
      if (!station) continue
      for (const tally of this.chainOf(stationId)) {
        tally.stationsTotal += 1
        tally.registeredTotal += station.registered
      }
    }
  }

  get electionId(): string {
    return this.definition.election.id
  }

  get root(): AreaTally {
    return this.tallyOf(this.tree.root)
  }

  tallyOf(node: AreaNode): AreaTally {
    const tally = this.tallies.get(node)
    if (!tally) throw new Error(`no tally for area ${node.key}`)
    return tally
  }

  resultOf(contestId: string, stationId: string): StationResult | undefined {
    return this.results.get(resultKey(contestId, stationId))
  }

  /** Applies a station result if it is newer than the one held; duplicates and redeliveries are no-ops. */
  apply(result: StationResult): ApplyOutcome {
    if (result.electionId !== this.electionId) return { kind: 'other-election' }
    const station = this.tree.stations.get(result.stationId)
    if (!station) return { kind: 'unknown-station' }
    const contests = this.contestsOfStation.get(result.stationId) ?? []
    if (!contests.includes(result.contestId)) {
      return this.definition.election.contests.some((c) => c.id === result.contestId)
        ? { kind: 'station-not-in-contest' }
        : { kind: 'unknown-contest' }
    }
    const key = resultKey(result.contestId, result.stationId)
    const previous = this.results.get(key)
    if (previous && previous.version >= result.version) return { kind: 'stale' }
    this.results.set(key, result)

    const wasComplete = this.isComplete(result.stationId, contests.length)
    const wasValidated = previous?.status === 'validated'
    const isValidated = result.status === 'validated'
    const validated = (this.validatedContests.get(result.stationId) ?? 0) + (isValidated ? 1 : 0) - (wasValidated ? 1 : 0)
    this.validatedContests.set(result.stationId, validated)
    const completeDelta = Number(this.isComplete(result.stationId, contests.length)) - Number(wasComplete)

    for (const tally of this.chainOf(result.stationId)) {
      tally.snapshot += result.version - (previous?.version ?? 0)
      tally.stationsReported += completeDelta
      tally.registeredReported += completeDelta * station.registered
      const ct = contestTallyOf(tally, result.contestId)
      if (ct) updateContestTally(ct, station, previous, result)
      this.dirty.add(tally)
    }
    const commune = this.tree.ancestorsOfStation(result.stationId)[0]
    const pending = commune ? this.pendingStations.get(commune) : undefined
    if (pending instanceof Set) pending.add(result.stationId)
    if (commune) this.stationsWithoutResults.get(commune)?.delete(result.stationId)
    this.pendingContests.add(result.contestId)
    return { kind: 'applied' }
  }

  /**
   * The areas changed since the last call, children before parents, with `updatedAtMs` refreshed:
   * a parent's value is the latest of its children's, so a cycle touches only what changed.
   *
   * Every area with a result is taken; areas that never had one (their page only says how many
   * stations are expected) are taken at most `maxWithoutResults` at a time, upper levels first.
   * A publisher starting on an empty output has the 36,000 commune pages of France to write; in
   * one cycle that is minutes (tens of minutes to an S3 server) during which the tally is frozen
   * and no result reaches any page. Such a page holds no figure, so writing it a few cycles later
   * shows no reader anything inconsistent; an area that gets its first result is taken at once.
   *
   * Station pages follow the same rule. A commune taken with a result and all its station pages
   * to write (its first result, or the embargo lifting) writes those of its stations with a
   * result now, and leaves the others for later: at most `maxWithoutResults` such station pages
   * per call, with their communes (whose own page is then unchanged, and skipped by digest). On a
   * night where results come from all over France, a large town's first result otherwise wrote
   * its hundreds of empty station pages in the cycle every reader was waiting for. With no
   * limit (publishNow, rebuild) every page is taken.
   */
  takeDirty(maxWithoutResults = Infinity): AreaTally[] {
    const taken: AreaTally[] = []
    const withoutResults: AreaTally[] = []
    for (const tally of this.dirty) (tally.snapshot === 0 ? withoutResults : taken).push(tally)
    if (withoutResults.length > maxWithoutResults) {
      withoutResults.sort((a, b) => a.depth - b.depth || compareCodes(a.node.key, b.node.key))
      withoutResults.length = Math.max(0, maxWithoutResults)
    }
    if (maxWithoutResults !== Infinity) for (const tally of taken) this.leaveStationsWithoutResults(tally.node)
    taken.push(...withoutResults)
    for (const tally of taken) this.dirty.delete(tally)
    taken.push(...this.takeStationsWithoutResults(maxWithoutResults, new Set(taken)))
    taken.sort((a, b) => b.depth - a.depth || compareCodes(a.node.key, b.node.key))
    for (const tally of taken) tally.updatedAtMs = this.latestValidatedAt(tally)
    return taken
  }

  /** Puts areas back after a failed cycle so the next one writes them. */
  markDirty(tallies: Iterable<AreaTally>): void {
    for (const t of tallies) this.dirty.add(t)
  }

  /**
   * Every page again: each area, each station page, each contest page. For a change that touches
   * every page at once (the embargo lifting: each page goes from its notice to its figures).
   */
  markAllDirty(): void {
    this.markDirty(this.tallies.values())
    for (const commune of this.pendingStations.keys()) this.pendingStations.set(commune, 'all')
    this.stationsWithoutResults.clear()
    for (const contest of this.definition.election.contests) this.pendingContests.add(contest.id)
  }

  get dirtyCount(): number {
    return this.dirty.size
  }

  /** Pages of stations without any result left for later cycles (see takeDirty). */
  get stationPagesWithoutResultsLeft(): number {
    let n = 0
    for (const stations of this.stationsWithoutResults.values()) n += stations.size
    return n
  }

  /** Stations of a commune in a stable order (bureau code, then id). */
  stationsOf(node: AreaNode): Station[] {
    return [...node.stations].sort((a, b) => compareCodes(a.code, b.code) || compareCodes(a.id, b.id))
  }

  /** Every current result (validated or withdrawn), in no particular order. */
  currentResults(): IterableIterator<StationResult> {
    return this.results.values()
  }

  /** The commune's stations whose page must be written, in page order; see `stationsWritten`. */
  stationsToWrite(commune: AreaNode): Station[] {
    const pending = this.pendingStations.get(commune)
    if (pending === undefined) return []
    const all = this.stationsOf(commune)
    return pending === 'all' ? all : all.filter((s) => pending.has(s.id))
  }

  /** Called once a commune's station pages are on storage; until then a failed cycle retries them. */
  stationsWritten(commune: AreaNode): void {
    if (this.pendingStations.has(commune)) this.pendingStations.set(commune, new Set())
  }

  /** Contests whose page must be written, in the election's order. */
  contestsToWrite(): Contest[] {
    return this.definition.election.contests.filter((c) => this.pendingContests.has(c.id))
  }

  contestsWritten(contests: Iterable<Contest>): void {
    for (const c of contests) this.pendingContests.delete(c.id)
  }

  contestsCovering(stationId: string): readonly string[] {
    return this.contestsOfStation.get(stationId) ?? []
  }

  /** A commune with a result and every station page pending keeps only its stations with a result pending. */
  private leaveStationsWithoutResults(commune: AreaNode): void {
    if (this.pendingStations.get(commune) !== 'all') return
    const now = new Set<string>()
    const later = new Set<string>()
    // validatedContests has an entry for every station that ever had a result, withdrawn included.
    for (const station of commune.stations) (this.validatedContests.has(station.id) ? now : later).add(station.id)
    this.pendingStations.set(commune, now)
    if (later.size > 0) this.stationsWithoutResults.set(commune, later)
  }

  /** Up to `max` station pages left for later, made pending again; returns their communes not already in `taken`. */
  private takeStationsWithoutResults(max: number, taken: ReadonlySet<AreaTally>): AreaTally[] {
    const communes: AreaTally[] = []
    let budget = max
    for (const [commune, later] of this.stationsWithoutResults) {
      if (budget <= 0) break
      const pending = this.pendingStations.get(commune)
      for (const stationId of later) {
        if (budget <= 0) break
        if (pending instanceof Set) pending.add(stationId)
        later.delete(stationId)
        budget--
      }
      if (later.size === 0) this.stationsWithoutResults.delete(commune)
      const tally = this.tallyOf(commune)
      if (!taken.has(tally)) communes.push(tally)
    }
    for (const tally of communes) this.dirty.delete(tally)
    return communes
  }

  private latestValidatedAt(tally: AreaTally): number | undefined {
    let latest: number | undefined
    const consider = (ms: number | undefined) => {
      if (ms !== undefined && (latest === undefined || ms > latest)) latest = ms
    }
    if (tally.node.area.level === 'commune') {
      for (const station of tally.node.stations) {
        for (const contestId of this.contestsCovering(station.id)) {
          const r = this.results.get(resultKey(contestId, station.id))
          if (r) consider(Date.parse(r.validatedAt))
        }
      }
    }
    for (const child of tally.node.children) {
      const childTally = this.tallies.get(child)
      if (childTally) consider(childTally.updatedAtMs)
    }
    return latest
  }

  private chainOf(stationId: string): AreaTally[] {
    const chain: AreaTally[] = []
    for (const node of this.tree.ancestorsOfStation(stationId)) {
      const tally = this.tallies.get(node)
      if (tally) chain.push(tally)
    }
    return chain
  }

  private isComplete(stationId: string, contestCount: number): boolean {
    return contestCount > 0 && (this.validatedContests.get(stationId) ?? 0) === contestCount
  }
}

function updateContestTally(ct: ContestTally, station: Station, previous: StationResult | undefined, next: StationResult): void {
  if (previous?.status === 'validated') {
    subtractCountsInto(ct.counts, previous.counts)
    ct.stationsReported -= 1
    ct.registeredReported -= station.registered
  }
  if (next.status === 'validated') {
    addCountsInto(ct.counts, next.counts)
    ct.stationsReported += 1
    ct.registeredReported += station.registered
  }
}

function resultKey(contestId: string, stationId: string): string {
  return `${contestId}\u0000${stationId}`
}

/** Plain code-unit order: locale-independent, so every machine sorts the same way. */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
