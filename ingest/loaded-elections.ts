// The election definitions ingest knows, indexed for the per-return check: does this election,
// contest, station and candidate exist? Only identity is checked here. Arithmetic (Σ votes = valid,
// voters ≤ registered…) is left to consolidation's coded checks: a tally sheet with a mistake is
// still a real sheet the desk must see, so ingest stores it rather than bouncing it.
import type { ElectionDefinition } from '../core/schemas.js'
import { apiError, type ApiError } from './api-errors.js'
import type { ReturnRequest } from './return-request.js'

interface IndexedContest {
  candidates: ReadonlySet<string>
  /** Undefined: the contest covers every station of the election. */
  stations: ReadonlySet<string> | undefined
}

interface IndexedElection {
  definition: ElectionDefinition
  stations: ReadonlySet<string>
  contests: ReadonlyMap<string, IndexedContest>
}

export interface ElectionSummary {
  id: string
  name: string
  contests: number
  stations: number
}

export class LoadedElections {
  private readonly byId = new Map<string, IndexedElection>()
  private waiters: { electionId: string; resolve: () => void }[] = []

  /** A later load of the same election replaces the earlier one (a corrected definition). */
  put(definition: ElectionDefinition): void {
    const contests = new Map<string, IndexedContest>()
    for (const c of definition.election.contests) {
      contests.set(c.id, {
        candidates: new Set(c.candidates.map((k) => k.id)),
        stations: c.stationIds === undefined ? undefined : new Set(c.stationIds),
      })
    }
    this.byId.set(definition.election.id, {
      definition,
      stations: new Set(definition.stations.map((s) => s.id)),
      contests,
    })
    const id = definition.election.id
    for (const w of this.waiters) if (w.electionId === id) w.resolve()
    this.waiters = this.waiters.filter((w) => w.electionId !== id)
  }

  /** Resolves once an election with this id is loaded (at once if it already is). */
  whenLoaded(electionId: string): { loaded: Promise<void>; cancel(): void } {
    if (this.byId.has(electionId)) return { loaded: Promise.resolve(), cancel: () => undefined }
    let waiter!: { electionId: string; resolve: () => void }
    const loaded = new Promise<void>((resolve) => {
      waiter = { electionId, resolve }
      this.waiters.push(waiter)
    })
    return { loaded, cancel: () => void (this.waiters = this.waiters.filter((w) => w !== waiter)) }
  }

  isEmpty(): boolean {
    return this.byId.size === 0
  }

  summaries(): ElectionSummary[] {
    return [...this.byId.values()].map((e) => ({
      id: e.definition.election.id,
      name: e.definition.election.name,
      contests: e.contests.size,
      stations: e.stations.size,
    }))
  }

  /** The loaded definition of an election, for channels that lay out its contests (CSV, form, phone). */
  definition(electionId: string): ElectionDefinition | undefined {
    return this.byId.get(electionId)?.definition
  }

  /** The first identity problem of a return, or undefined when everything it names exists. */
  check(request: Pick<ReturnRequest, 'electionId' | 'contestId' | 'stationId' | 'counts'>): ApiError | undefined {
    const election = this.byId.get(request.electionId)
    if (!election) {
      return apiError(422, 'unknown-election', `No election "${request.electionId}" is loaded.`, [
        { path: 'electionId', message: 'unknown election' },
      ])
    }
    const contest = election.contests.get(request.contestId)
    if (!contest) {
      return apiError(422, 'unknown-contest', `Election "${request.electionId}" has no contest "${request.contestId}".`, [
        { path: 'contestId', message: 'unknown contest' },
      ])
    }
    if (!election.stations.has(request.stationId)) {
      return apiError(422, 'unknown-station', `Election "${request.electionId}" has no polling station "${request.stationId}".`, [
        { path: 'stationId', message: 'unknown station' },
      ])
    }
    if (contest.stations !== undefined && !contest.stations.has(request.stationId)) {
      return apiError(
        422,
        'unknown-station',
        `Polling station "${request.stationId}" does not vote in contest "${request.contestId}".`,
        [{ path: 'stationId', message: 'station not in this contest' }],
      )
    }
    const strangers = Object.keys(request.counts.votes).filter((id) => !contest.candidates.has(id))
    if (strangers.length > 0) {
      return apiError(
        422,
        'unknown-candidate',
        `Contest "${request.contestId}" has no candidate ${strangers.map((s) => `"${s}"`).join(', ')}.`,
        strangers.map((id) => ({ path: `counts.votes.${id}`, message: 'unknown candidate' })),
      )
    }
    return undefined
  }
}
