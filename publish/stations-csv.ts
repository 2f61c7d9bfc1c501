// data/results.csv: one row per station and contest for the whole election, the download
// newsrooms load into a spreadsheet or a database. Same conventions as the areas' results.csv
// (RFC 4180, see area-csv.ts). Stations come in area order (régions, départements, communes by
// code, then bureau code), so the same results give the same bytes. Under embargo only the header
// row is written.
import type { AreaNode } from '../core/area-tree.js'
import { candidateColumns, csvLine } from './area-csv.js'
import { ReleasableText } from './releasable-text.js'
import type { TallyTree } from './tally-tree.js'

const FIXED_COLUMNS = [
  'departement',
  'commune_code',
  'commune_name',
  'station_id',
  'station_code',
  'station_name',
  'contest',
  'status',
  'version',
  'validated_at',
  'registered',
  'voters',
  'blank',
  'invalid',
  'valid',
]

/** The file's bytes, to hand over to a writer thread (ReleasableText). */
export function renderStationsCsv(tallies: TallyTree, embargoed: boolean): Buffer {
  const contests = tallies.definition.election.contests
  const candidateIds = candidateColumns(contests)
  const out = new ReleasableText()
  out.write(csvLine([...FIXED_COLUMNS, ...candidateIds]))
  if (embargoed) return out.finish()
  // Per contest, its candidates' columns (a blank for another contest's candidate), looked up once.
  const ownColumns = new Map(contests.map((contest) => [contest.id, candidateIds.map((id) => contest.candidates.some((k) => k.id === id))]))
  for (const commune of communesInOrder(tallies.tree.root)) {
    const departement = commune.parent?.area.level === 'departement' ? commune.parent.area.code : ''
    for (const station of tallies.stationsOf(commune)) {
      const covering = tallies.contestsCovering(station.id)
      for (const contest of contests) {
        if (!covering.includes(contest.id)) continue
        const r = tallies.resultOf(contest.id, station.id)
        const head = [departement, commune.area.code, commune.area.name, station.id, station.code, station.name, contest.id]
        if (!r) {
          out.write(csvLine([...head, 'awaiting', '', '', ...blank(5 + candidateIds.length)]))
        } else if (r.status === 'withdrawn') {
          out.write(csvLine([...head, 'withdrawn', r.version, r.validatedAt, ...blank(5 + candidateIds.length)]))
        } else {
          const c = r.counts
          const own = ownColumns.get(contest.id) ?? []
          const votes = candidateIds.map((id, k) => (own[k] ? (c.votes[id] ?? 0) : ''))
          out.write(csvLine([...head, 'validated', r.version, r.validatedAt, c.registered, c.voters, c.blank, c.invalid, c.valid, ...votes]))
        }
      }
    }
  }
  return out.finish()
}

/** Every commune below `node`, depth first in code order (the tree's children are sorted). */
export function* communesInOrder(node: AreaNode): Generator<AreaNode> {
  if (node.area.level === 'commune') {
    yield node
    return
  }
  for (const child of node.children) yield* communesInOrder(child)
}

function blank(n: number): string[] {
  return Array<string>(n).fill('')
}
