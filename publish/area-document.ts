// The public JSON of one area page (DESIGN.md "Output tree"), built from the tally. It is the one
// model of a page: index.json is this object, and the HTML and CSV are rendered from it, so the
// three files of an area can never disagree. Everything here is a function of the results held:
// no clock, stable orders, so the same results give byte-identical files.
import type { AreaNode } from '../core/area-tree.js'
import { sharePercent } from '../core/counts.js'
import type { AreaLevel, Candidate, Contest, Counts } from '../core/schemas.js'
import type { AreaTally, ContestTally, TallyTree } from './tally-tree.js'

export interface AreaLink {
  level: AreaLevel
  code: string
  name: string
  /** Path of the area's folder from the site root, e.g. "/departement/75/". */
  url: string
}

export interface ChildLink extends AreaLink {
  stations: { reported: number; total: number }
}

export interface CandidateFigures {
  id: string
  ballot: number
  name: string
  party: string | null
  votes: number
  /** Percentage of valid votes, two decimals. */
  share: number
}

export interface Figures {
  registered: number
  voters: number
  blank: number
  invalid: number
  valid: number
  /** Percentage of registered voters who voted, among the reported stations. */
  turnout: number
  /** In ballot order: a stable order for programs; pages rank by votes themselves. */
  candidates: CandidateFigures[]
}

export interface ContestFigures extends Figures {
  id: string
  name: string
  seats: number
  stations: { reported: number; total: number }
  /** Share of the contest's registered voters whose stations are counted here. */
  registeredCovered: number
}

export type StationContestFigures =
  | { contestId: string; status: 'awaiting' }
  | { contestId: string; status: 'withdrawn'; version: number }
  | {
      contestId: string
      status: 'validated'
      version: number
      registered: number
      voters: number
      blank: number
      invalid: number
      valid: number
      /** Votes per candidate id, in ballot order. */
      votes: Record<string, number>
    }

export interface StationFigures {
  id: string
  code: string
  name: string
  /** Registered voters on the station's reference roll. */
  registered: number
  results: StationContestFigures[]
}

export interface AreaDocument extends Partial<Figures> {
  area: { level: AreaLevel; code: string; name: string }
  election: { id: string; name: string; round: number }
  snapshot: number
  updatedAt: string | null
  stations: { reported: number; total: number }
  registeredCovered: number
  contests: ContestFigures[]
  parent: AreaLink | null
  /** Ancestors from the country down to the parent: the breadcrumb. */
  ancestors: AreaLink[]
  children: ChildLink[]
  /** Commune pages only: every station with its figures. */
  stationResults?: StationFigures[]
}

/** Where an area's files live: "" for the country, "departement/75/" below. */
export function areaPath(node: AreaNode): string {
  return node.parent === undefined ? '' : `${node.area.level}/${node.area.code}/`
}

export function areaLink(node: AreaNode): AreaLink {
  return { level: node.area.level, code: node.area.code, name: node.area.name, url: `/${areaPath(node)}` }
}

export function buildAreaDocument(tallies: TallyTree, tally: AreaTally): AreaDocument {
  const { node } = tally
  const election = tallies.definition.election
  const contests = tally.contests.map(contestFigures)
  const ancestors: AreaLink[] = []
  for (let p = node.parent; p; p = p.parent) ancestors.unshift(areaLink(p))
  const single = contests.length === 1 ? contests[0] : undefined
  const doc: AreaDocument = {
    area: { level: node.area.level, code: node.area.code, name: node.area.name },
    election: { id: election.id, name: election.name, round: election.round },
    snapshot: tally.snapshot,
    updatedAt: tally.updatedAtMs === undefined ? null : new Date(tally.updatedAtMs).toISOString(),
    stations: { reported: tally.stationsReported, total: tally.stationsTotal },
    registeredCovered: sharePercent(tally.registeredReported, tally.registeredTotal),
    // The contract puts a single contest's figures at the top level too, so a reader of a
    // presidential page need not know about contests.
    ...(single ? pickFigures(single) : {}),
    contests,
    parent: node.parent ? areaLink(node.parent) : null,
    ancestors,
    children: node.children
      .filter((c) => c.area.level !== 'station')
      .map((c) => {
        const t = tallies.tallyOf(c)
        return { ...areaLink(c), stations: { reported: t.stationsReported, total: t.stationsTotal } }
      }),
  }
  if (node.area.level === 'commune') doc.stationResults = stationFigures(tallies, node)
  return doc
}

function contestFigures(ct: ContestTally): ContestFigures {
  return {
    id: ct.contest.id,
    name: ct.contest.name,
    seats: ct.contest.seats,
    stations: { reported: ct.stationsReported, total: ct.stationsTotal },
    registeredCovered: sharePercent(ct.registeredReported, ct.registeredTotal),
    ...figuresOf(ct, ct.counts),
  }
}

function figuresOf(ct: ContestTally, counts: Counts): Figures {
  return {
    registered: counts.registered,
    voters: counts.voters,
    blank: counts.blank,
    invalid: counts.invalid,
    valid: counts.valid,
    turnout: sharePercent(counts.voters, counts.registered),
    candidates: ballotOrder(ct.contest).map((c) => {
      const votes = counts.votes[c.id] ?? 0
      return { id: c.id, ballot: c.ballot, name: c.name, party: c.party ?? null, votes, share: sharePercent(votes, counts.valid) }
    }),
  }
}

const BALLOT_ORDER = new WeakMap<Contest, Candidate[]>()

/** A contest's candidates in ballot order, sorted once per contest rather than once per page. */
function ballotOrder(contest: Contest): Candidate[] {
  let sorted = BALLOT_ORDER.get(contest)
  if (!sorted) BALLOT_ORDER.set(contest, (sorted = [...contest.candidates].sort((a, b) => a.ballot - b.ballot)))
  return sorted
}

function pickFigures(c: ContestFigures): Figures {
  const { registered, voters, blank, invalid, valid, turnout, candidates } = c
  return { registered, voters, blank, invalid, valid, turnout, candidates }
}

function stationFigures(tallies: TallyTree, commune: AreaNode): StationFigures[] {
  const tally = tallies.tallyOf(commune)
  return tallies.stationsOf(commune).map((station) => ({
    id: station.id,
    code: station.code,
    name: station.name,
    registered: station.registered,
    results: tally.contests
      .filter((ct) => tallies.contestsCovering(station.id).includes(ct.contest.id))
      .map((ct): StationContestFigures => {
        const contestId = ct.contest.id
        const r = tallies.resultOf(contestId, station.id)
        if (!r) return { contestId, status: 'awaiting' }
        if (r.status === 'withdrawn') return { contestId, status: 'withdrawn', version: r.version }
        const { registered, voters, blank, invalid, valid } = r.counts
        const votes: Record<string, number> = {}
        for (const c of ballotOrder(ct.contest)) votes[c.id] = r.counts.votes[c.id] ?? 0
        return { contestId, status: 'validated', version: r.version, registered, voters, blank, invalid, valid, votes }
      }),
  }))
}
