// The public JSON of one area page (DESIGN.md "Output tree"), built from the tally. It is the one
// model of a page: index.json is this object, and the HTML and CSV are rendered from it, so the
// three files of an area can never disagree. Everything here is a function of the results held:
// no clock, stable orders, so the same results give byte-identical files.
import type { AreaNode } from '../core/area-tree.js'
import { sharePercent } from '../core/counts.js'
import type { AreaLevel, Candidate, Contest, Counts, Station } from '../core/schemas.js'
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
  /** The contest's own page when the election has several contests (legislative), else null. */
  url: string | null
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
  /** The station's own page, e.g. "/commune/75056/bureau/0101/". */
  url: string
  /** Registered voters on the station's reference roll. */
  registered: number
  results: StationContestFigures[]
}

export interface AreaDocument extends Partial<Figures> {
  /** Which kind of page this is: an area, one polling station, or one contest (several-contest elections). */
  page: 'area' | 'station' | 'contest'
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
  /** Station pages only: the station and, per contest, when and how its result was validated. */
  station?: StationDetails
  /** Contest pages only: the contest's communes with their figures for it. */
  contestAreas?: ContestAreaFigures[]
}

export interface StationDetails {
  id: string
  code: string
  name: string
  address: string | null
  registered: number
  results: StationResultDetails[]
}

export interface StationResultDetails {
  contestId: string
  status: 'awaiting' | 'validated' | 'withdrawn'
  version: number | null
  validatedAt: string | null
  /** Why a published figure changed or was withdrawn. */
  reason: string | null
  /** The tally sheet's scan: its SHA-256, and its address where scans are published (else null). */
  scan: { sha256: string; contentType: string; url: string | null } | null
}

export interface ContestAreaFigures extends ChildLink {
  registered: number
  voters: number
  valid: number
  turnout: number
  /** The candidate with most votes here (ties: ballot order); null before any result. */
  leader: { id: string; name: string; share: number } | null
}

/** Where an area's files live: "" for the country, "departement/75/" below. */
export function areaPath(node: AreaNode): string {
  return node.parent === undefined ? '' : `${node.area.level}/${node.area.code}/`
}

/** A contest's page (elections with several contests only): "contest/circ-7501/". */
export function contestPath(contest: Pick<Contest, 'id'>): string {
  return `contest/${contest.id}/`
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]*$/
const STATION_SEGMENTS = new WeakMap<AreaNode, Map<string, string>>()

/**
 * A station's page sits under its commune: "commune/75056/bureau/0101/". The bureau number is what
 * readers know; a number that is not a safe path segment, or that two stations of the commune
 * share, falls back to the station id (always safe and unique).
 */
export function stationPath(commune: AreaNode, station: Station): string {
  let segments = STATION_SEGMENTS.get(commune)
  if (!segments) {
    segments = new Map()
    const uses = new Map<string, number>()
    for (const s of commune.stations) uses.set(s.code, (uses.get(s.code) ?? 0) + 1)
    for (const s of commune.stations) segments.set(s.id, SAFE_SEGMENT.test(s.code) && uses.get(s.code) === 1 ? s.code : s.id)
    STATION_SEGMENTS.set(commune, segments)
  }
  return `${areaPath(commune)}bureau/${segments.get(station.id) ?? station.id}/`
}

export function areaLink(node: AreaNode): AreaLink {
  return { level: node.area.level, code: node.area.code, name: node.area.name, url: `/${areaPath(node)}` }
}

/** `node` and its ancestors, from the country down: a breadcrumb. */
export function ancestorLinks(node: AreaNode | undefined): AreaLink[] {
  const links: AreaLink[] = []
  for (let p = node; p; p = p.parent) links.unshift(areaLink(p))
  return links
}

export function buildAreaDocument(tallies: TallyTree, tally: AreaTally): AreaDocument {
  const { node } = tally
  const election = tallies.definition.election
  const multi = election.contests.length > 1
  const contests = tally.contests.map((ct) => contestFigures(ct, multi))
  const ancestors = ancestorLinks(node.parent)
  const single = contests.length === 1 ? contests[0] : undefined
  const doc: AreaDocument = {
    page: 'area',
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

export function contestFigures(ct: ContestTally, withPage: boolean): ContestFigures {
  return {
    id: ct.contest.id,
    name: ct.contest.name,
    seats: ct.contest.seats,
    url: withPage ? `/${contestPath(ct.contest)}` : null,
    stations: { reported: ct.stationsReported, total: ct.stationsTotal },
    registeredCovered: sharePercent(ct.registeredReported, ct.registeredTotal),
    ...figuresOf(ct.contest, ct.counts),
  }
}

export function figuresOf(contest: Contest, counts: Counts): Figures {
  return {
    registered: counts.registered,
    voters: counts.voters,
    blank: counts.blank,
    invalid: counts.invalid,
    valid: counts.valid,
    turnout: sharePercent(counts.voters, counts.registered),
    candidates: ballotOrder(contest).map((c) => {
      const votes = counts.votes[c.id] ?? 0
      return { id: c.id, ballot: c.ballot, name: c.name, party: c.party ?? null, votes, share: sharePercent(votes, counts.valid) }
    }),
  }
}

const BALLOT_ORDER = new WeakMap<Contest, Candidate[]>()

/** A contest's candidates in ballot order, sorted once per contest rather than once per page. */
export function ballotOrder(contest: Contest): Candidate[] {
  let sorted = BALLOT_ORDER.get(contest)
  if (!sorted) BALLOT_ORDER.set(contest, (sorted = [...contest.candidates].sort((a, b) => a.ballot - b.ballot)))
  return sorted
}

export function pickFigures(c: Figures): Figures {
  const { registered, voters, blank, invalid, valid, turnout, candidates } = c
  return { registered, voters, blank, invalid, valid, turnout, candidates }
}

function stationFigures(tallies: TallyTree, commune: AreaNode): StationFigures[] {
  const tally = tallies.tallyOf(commune)
  return tallies.stationsOf(commune).map((station) => ({
    id: station.id,
    code: station.code,
    name: station.name,
    url: `/${stationPath(commune, station)}`,
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
