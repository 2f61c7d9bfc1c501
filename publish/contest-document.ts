// The public JSON of one contest's page ("contest/{id}/"), for elections with several contests
// (legislative: one per constituency). A constituency crosses no département line but may cut a
// commune in pieces, so the page lists the communes it covers with their figures for this contest
// only. Same rules as area-document.ts: a function of the results held, no clock.
import type { AreaNode } from '../core/area-tree.js'
import { sharePercent } from '../core/counts.js'
import type { Contest } from '../core/schemas.js'
import { ancestorLinks, areaLink, contestFigures, pickFigures, type AreaDocument, type ContestAreaFigures } from './area-document.js'
import { rankCandidates } from './candidate-ranking.js'
import { compareCodes, contestTallyOf, type TallyTree } from './tally-tree.js'

export interface ContestReach {
  stationIds: string[]
  communes: AreaNode[]
}

const REACH = new WeakMap<Contest, ContestReach>()

/** The stations and communes a contest covers, found once per definition. */
export function contestReach(tallies: TallyTree, contest: Contest): ContestReach {
  let reach = REACH.get(contest)
  if (!reach) {
    const stationIds = [...new Set(contest.stationIds ?? [...tallies.tree.stations.keys()])].filter((id) => tallies.tree.stations.has(id))
    const communes = new Set<AreaNode>()
    for (const id of stationIds) {
      const commune = tallies.tree.ancestorsOfStation(id)[0]
      if (commune) communes.add(commune)
    }
    reach = { stationIds, communes: [...communes].sort((a, b) => compareCodes(a.area.code, b.area.code)) }
    REACH.set(contest, reach)
  }
  return reach
}

export function buildContestDocument(tallies: TallyTree, contest: Contest): AreaDocument {
  const election = tallies.definition.election
  const root = tallies.root
  const ct = contestTallyOf(root, contest.id)
  if (!ct) throw new Error(`contest ${contest.id} covers no station of the election`)
  const reach = contestReach(tallies, contest)
  // Σ versions and latest validation over this contest's results only: the contest's own snapshot.
  let snapshot = 0
  let latest: string | null = null
  for (const id of reach.stationIds) {
    const r = tallies.resultOf(contest.id, id)
    if (!r) continue
    snapshot += r.version
    if (latest === null || r.validatedAt > latest) latest = r.validatedAt
  }
  const figures = contestFigures(ct, true)
  return {
    page: 'contest',
    area: { level: root.node.area.level, code: root.node.area.code, name: root.node.area.name },
    election: { id: election.id, name: election.name, round: election.round },
    snapshot,
    updatedAt: latest === null ? null : new Date(latest).toISOString(),
    stations: figures.stations,
    registeredCovered: figures.registeredCovered,
    ...pickFigures(figures),
    contests: [figures],
    parent: areaLink(root.node),
    ancestors: ancestorLinks(root.node),
    children: [],
    contestAreas: reach.communes.map((commune) => communeFigures(tallies, commune, contest)),
  }
}

function communeFigures(tallies: TallyTree, commune: AreaNode, contest: Contest): ContestAreaFigures {
  const ct = contestTallyOf(tallies.tallyOf(commune), contest.id)
  const counts = ct?.counts
  const figures = ct ? contestFigures(ct, true) : undefined
  const top = figures && counts && counts.valid > 0 ? rankCandidates(figures.candidates)[0] : undefined
  return {
    ...areaLink(commune),
    stations: { reported: ct?.stationsReported ?? 0, total: ct?.stationsTotal ?? 0 },
    registered: counts?.registered ?? 0,
    voters: counts?.voters ?? 0,
    valid: counts?.valid ?? 0,
    turnout: counts ? sharePercent(counts.voters, counts.registered) : 0,
    leader: top ? { id: top.id, name: top.name, share: top.share } : null,
  }
}
