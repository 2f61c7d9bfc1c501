// What consolidation knows about each loaded election, held in memory for the checks: the
// election (policy, contests, candidates) and its stations with their reference registered
// counts. The database is the truth; the catalogue is checked against it (one small query per
// batch) so it follows definitions loaded by this process, another one, or before a restart.
import { ElectionSchema, type Contest, type Election, type Station } from '../core/schemas.js'
import type { Queryable } from '../infra/db/db.js'
import { readDefinitionVersions, readElection } from './elections-repository.js'

export interface StationFacts {
  station: Station
  /** The département of the station's commune: the fallback peer group of the turnout check. */
  departement: string | undefined
}

export interface ContestFacts {
  contest: Contest
  /** The stations the contest covers; undefined when it covers every station. */
  covers: ReadonlySet<string> | undefined
}

export interface ElectionFacts {
  version: string
  election: Election
  contests: ReadonlyMap<string, ContestFacts>
  stations: ReadonlyMap<string, StationFacts>
}

export function electionFacts(version: string, election: Election, stations: readonly StationFacts[]): ElectionFacts {
  return {
    version,
    election,
    contests: new Map(
      election.contests.map((contest) => [
        contest.id,
        { contest, covers: contest.stationIds === undefined ? undefined : new Set(contest.stationIds) },
      ]),
    ),
    stations: new Map(stations.map((s) => [s.station.id, s])),
  }
}

/** Where a return stands against the definitions loaded. */
export type Placement =
  | { kind: 'known'; election: ElectionFacts; contest: ContestFacts; station: StationFacts }
  /** Its election has no definition yet: it waits, and is consolidated when the definition arrives. */
  | { kind: 'pending'; reason: string }
  /** Its election is loaded but does not have this contest or station (or the contest not this station). */
  | { kind: 'rejected'; reason: string }

export function placeReturn(
  ret: { electionId: string; contestId: string; stationId: string },
  election: ElectionFacts | undefined,
): Placement {
  if (election === undefined) {
    return { kind: 'pending', reason: `no definition of election ${ret.electionId} has been loaded yet` }
  }
  const contest = election.contests.get(ret.contestId)
  if (contest === undefined) {
    return { kind: 'rejected', reason: `unknown contest ${ret.contestId} in election ${ret.electionId}` }
  }
  const station = election.stations.get(ret.stationId)
  if (station === undefined) {
    return { kind: 'rejected', reason: `unknown station ${ret.stationId} in election ${ret.electionId}` }
  }
  if (contest.covers !== undefined && !contest.covers.has(ret.stationId)) {
    return { kind: 'rejected', reason: `station ${ret.stationId} does not vote in contest ${ret.contestId}` }
  }
  return { kind: 'known', election, contest, station }
}

/** Returns sorted by placement: the ones to consolidate now, the ones that wait, the ones refused. */
export interface PlacedReturns<M> {
  known: { message: M; election: ElectionFacts; contest: ContestFacts; station: StationFacts }[]
  pending: { message: M; reason: string }[]
  rejected: { message: M; reason: string }[]
}

export function placeReturns<M extends { electionId: string; contestId: string; stationId: string }>(
  messages: readonly M[],
  catalogue: { get(electionId: string): ElectionFacts | undefined },
): PlacedReturns<M> {
  const placed: PlacedReturns<M> = { known: [], pending: [], rejected: [] }
  for (const message of messages) {
    const placement = placeReturn(message, catalogue.get(message.electionId))
    switch (placement.kind) {
      case 'known':
        placed.known.push({ message, election: placement.election, contest: placement.contest, station: placement.station })
        break
      case 'pending':
        placed.pending.push({ message, reason: placement.reason })
        break
      case 'rejected':
        placed.rejected.push({ message, reason: placement.reason })
        break
      default: {
        const never: never = placement
        throw new Error(`unexpected placement ${JSON.stringify(never)}`)
      }
    }
  }
  return placed
}

export class ElectionCatalogue {
  private readonly byId = new Map<string, ElectionFacts>()

  get(electionId: string): ElectionFacts | undefined {
    return this.byId.get(electionId)
  }

  /** Installs a definition this process has just committed. */
  install(facts: ElectionFacts): void {
    this.byId.set(facts.election.id, facts)
  }

  /** Brings these elections in step with the database: reloads a changed version, forgets a missing one. */
  async refresh(q: Queryable, electionIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(electionIds)]
    const versions = await readDefinitionVersions(q, ids)
    for (const id of ids) {
      const version = versions.get(id)
      if (version === undefined) {
        this.byId.delete(id)
        continue
      }
      if (this.byId.get(id)?.version === version) continue
      const stored = await readElection(q, id)
      if (stored === undefined) {
        this.byId.delete(id)
        continue
      }
      this.byId.set(id, electionFacts(stored.version, ElectionSchema.parse(stored.election), stored.stations))
    }
  }
}
