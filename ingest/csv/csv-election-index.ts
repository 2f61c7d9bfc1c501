// An election definition indexed for reading CSV rows: the contests a station votes in, and the
// candidate a column header or a Ministry block names. Built once per loaded definition (a corrected
// definition is a new object, so it gets a new index).
import type { Candidate, Contest, ElectionDefinition, Station } from '../../core/schemas.js'

export interface ElectionIndex {
  definition: ElectionDefinition
  station(id: string): Station | undefined
  contest(id: string): Contest | undefined
  /** The contests covering a station: those over every station, then those naming it. */
  contestsOf(stationId: string): readonly Contest[]
  /** The candidate of the contest a header names: its id, its name, or its surname; undefined when none or ambiguous. */
  candidateNamed(contest: Contest, header: string): Candidate | undefined
  candidateByBallot(contest: Contest, ballot: number): Candidate | undefined
}

const indexes = new WeakMap<ElectionDefinition, ElectionIndex>()

export function indexElection(definition: ElectionDefinition): ElectionIndex {
  const known = indexes.get(definition)
  if (known) return known
  const index = buildIndex(definition)
  indexes.set(definition, index)
  return index
}

/** "MÉLENCHON", "Jean-Luc Mélenchon", "LE-PEN" → "melenchon", "jean luc melenchon", "le pen". */
export function nameKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

interface CandidateNames {
  /** Ids and full names: unambiguous by construction of a definition (ids), or kept first-come (names). */
  exact: Map<string, Candidate>
  /** Trailing words of names ("le pen", "pen"); undefined marks a suffix two candidates share. */
  suffixes: Map<string, Candidate | undefined>
  byBallot: Map<number, Candidate>
  /** Headers already looked up: a file repeats the same few on every row. */
  byHeader: Map<string, Candidate | undefined>
}

function buildIndex(definition: ElectionDefinition): ElectionIndex {
  const stations = new Map(definition.stations.map((s) => [s.id, s]))
  const contests = new Map(definition.election.contests.map((c) => [c.id, c]))
  const everywhere = definition.election.contests.filter((c) => c.stationIds === undefined)
  const someStations = new Map<string, Contest[]>()
  for (const c of definition.election.contests) {
    for (const id of c.stationIds ?? []) {
      const list = someStations.get(id)
      if (list) list.push(c)
      else someStations.set(id, [c])
    }
  }
  const contestsOf = (stationId: string): readonly Contest[] => everywhere.concat(someStations.get(stationId) ?? [])
  const names = new Map<Contest, CandidateNames>()
  const namesOf = (contest: Contest): CandidateNames => {
    let n = names.get(contest)
    if (n === undefined) {
      n = candidateNames(contest.candidates)
      names.set(contest, n)
    }
    return n
  }
  return {
    definition,
    station: (id) => stations.get(id),
    contest: (id) => contests.get(id),
    contestsOf,
    candidateNamed(contest, header) {
      const n = namesOf(contest)
      if (n.byHeader.has(header)) return n.byHeader.get(header)
      const key = nameKey(header)
      const candidate = n.exact.get(key) ?? n.suffixes.get(key)
      n.byHeader.set(header, candidate)
      return candidate
    },
    candidateByBallot: (contest, ballot) => namesOf(contest).byBallot.get(ballot),
  }
}

function candidateNames(candidates: readonly Candidate[]): CandidateNames {
  const exact = new Map<string, Candidate>()
  for (const c of candidates) exact.set(nameKey(c.id), c)
  for (const c of candidates) if (!exact.has(nameKey(c.name))) exact.set(nameKey(c.name), c)
  const suffixes = new Map<string, Candidate | undefined>()
  for (const c of candidates) {
    const words = nameKey(c.name).split(' ')
    for (let start = 1; start < words.length; start++) {
      const suffix = words.slice(start).join(' ')
      suffixes.set(suffix, suffixes.has(suffix) && suffixes.get(suffix) !== c ? undefined : c)
    }
  }
  return { exact, suffixes, byBallot: new Map(candidates.map((c) => [c.ballot, c])), byHeader: new Map() }
}
