// A station's tally sheet (procès-verbal) as the official has it in front of them: for each
// contest the station votes in, in the definition's order, the voters, blank and invalid ballots,
// then each candidate by ballot number. Shared by the web form and the phone; built from the loaded definition; the per-election index
// (station and commune by id) is made once per definition, not once per request.
import type { Candidate, Contest, ElectionDefinition, Station } from '../core/schemas.js'

export type FigureKind = 'voters' | 'blank' | 'invalid' | 'candidate'

export interface SheetFigure {
  /** The form field's name, also the key of entered values: "pres.voters", "pres.votes.MARTIN". */
  name: string
  /** The HTML id: letters, digits, "-" and "_" only (ids come from CodeSchema). */
  id: string
  kind: FigureKind
  candidate?: Candidate
}

export interface SheetContest {
  contest: Contest
  /** Voters, blank, invalid, then the candidates by ballot number. */
  figures: SheetFigure[]
}

export interface TallySheet {
  electionId: string
  electionName: string
  station: Station
  communeName: string
  contests: SheetContest[]
}

interface ElectionIndex {
  stations: Map<string, Station>
  communeNames: Map<string, string>
}

const indexes = new WeakMap<ElectionDefinition, ElectionIndex>()

function indexOf(definition: ElectionDefinition): ElectionIndex {
  let index = indexes.get(definition)
  if (!index) {
    index = {
      stations: new Map(definition.stations.map((s) => [s.id, s])),
      communeNames: new Map(definition.areas.filter((a) => a.level === 'commune').map((a) => [a.code, a.name])),
    }
    indexes.set(definition, index)
  }
  return index
}

/** The sheet of `stationId`, or undefined when the definition has no such station. */
export function tallySheetOf(definition: ElectionDefinition, stationId: string): TallySheet | undefined {
  const index = indexOf(definition)
  const station = index.stations.get(stationId)
  if (!station) return undefined
  const contests = definition.election.contests
    .filter((c) => c.stationIds === undefined || c.stationIds.includes(stationId))
    .map((contest) => ({ contest, figures: figuresOf(contest) }))
  return {
    electionId: definition.election.id,
    electionName: definition.election.name,
    station,
    communeName: index.communeNames.get(station.commune) ?? station.commune,
    contests,
  }
}

function figuresOf(contest: Contest): SheetFigure[] {
  const base = (kind: Exclude<FigureKind, 'candidate'>): SheetFigure => ({
    name: `${contest.id}.${kind}`,
    id: `f-${contest.id}-${kind}`,
    kind,
  })
  const candidates = [...contest.candidates].sort((a, b) => a.ballot - b.ballot)
  return [
    base('voters'),
    base('blank'),
    base('invalid'),
    ...candidates.map((candidate) => ({
      name: `${contest.id}.votes.${candidate.id}`,
      id: `f-${contest.id}-votes-${candidate.id}`,
      kind: 'candidate' as const,
      candidate,
    })),
  ]
}
