// results.csv of an area: one row per child area and contest (per station and contest on a commune
// page), for newsrooms' spreadsheets. RFC 4180: UTF-8, a header row, "," separators, CRLF line
// ends, fields quoted when they hold a separator, a quote, a line break or edge spaces.
import type { AreaNode } from '../core/area-tree.js'
import type { Contest, Counts, Station } from '../core/schemas.js'
import { contestTallyOf, type AreaTally, type TallyTree } from './tally-tree.js'

const FIXED_COLUMNS = ['level', 'code', 'name', 'contest', 'stations_reported', 'stations_total', 'registered', 'voters', 'blank', 'invalid', 'valid']

/** The header row alone: results.csv of an area under embargo. */
export function renderAreaCsvHeader(tally: AreaTally): string {
  return csvLine([...FIXED_COLUMNS, ...candidateColumns(tally.contests.map((ct) => ct.contest))])
}

export function renderAreaCsv(tallies: TallyTree, tally: AreaTally): string {
  const candidateIds = candidateColumns(tally.contests.map((ct) => ct.contest))
  const lines = [renderAreaCsvHeader(tally)]
  const figures = (counts: Counts | undefined) => figureFields(counts, candidateIds)
  if (tally.node.area.level === 'commune') {
    for (const station of tallies.stationsOf(tally.node)) {
      for (const ct of tally.contests) {
        if (!tallies.contestsCovering(station.id).includes(ct.contest.id)) continue
        const r = tallies.resultOf(ct.contest.id, station.id)
        const counts = r?.status === 'validated' ? r.counts : undefined
        lines.push(csvLine(['station', station.code, station.name, ct.contest.id, counts ? 1 : 0, 1, ...figures(counts)]))
      }
    }
  } else {
    for (const child of tally.node.children) {
      if (child.area.level === 'station') continue
      const childTally = tallies.tallyOf(child)
      for (const ct of childTally.contests) {
        const a = child.area
        lines.push(csvLine([a.level, a.code, a.name, ct.contest.id, ct.stationsReported, ct.stationsTotal, ...figures(ct.counts)]))
      }
    }
  }
  return lines.join('')
}

function figureFields(counts: Counts | undefined, candidateIds: readonly string[]): (string | number)[] {
  return counts
    ? [counts.registered, counts.voters, counts.blank, counts.invalid, counts.valid, ...candidateIds.map((id) => counts.votes[id] ?? 0)]
    : Array<string>(5 + candidateIds.length).fill('')
}

/** Candidate ids of the area's contests, in contest then ballot order, each once. */
export function candidateColumns(contests: readonly Contest[]): string[] {
  const ids = new Set<string>()
  for (const contest of contests) {
    for (const c of [...contest.candidates].sort((a, b) => a.ballot - b.ballot)) ids.add(c.id)
  }
  return [...ids]
}

export function csvLine(fields: readonly (string | number)[]): string {
  return `${fields.map(csvField).join(',')}\r\n`
}

/**
 * One CSV field. Text that a spreadsheet would take for a formula (starting with =, +, -, @, a tab
 * or a carriage return: a name like `=HYPERLINK(…)` from a careless export) gets a leading
 * apostrophe, so opening the download never runs it; numbers are written as they are.
 */
export function csvField(value: string | number): string {
  const s = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value)
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** results.csv of a station page: one row per contest covering the station. */
export function renderStationCsv(tallies: TallyTree, station: Station): string {
  const contests = tallies.definition.election.contests.filter((c) => tallies.contestsCovering(station.id).includes(c.id))
  const candidateIds = candidateColumns(contests)
  const lines = [csvLine([...FIXED_COLUMNS, ...candidateIds])]
  for (const contest of contests) {
    const r = tallies.resultOf(contest.id, station.id)
    const counts = r?.status === 'validated' ? r.counts : undefined
    lines.push(csvLine(['station', station.code, station.name, contest.id, counts ? 1 : 0, 1, ...figureFields(counts, candidateIds)]))
  }
  return lines.join('')
}

/** results.csv of a contest page: one row per commune the contest covers, its figures for this contest. */
export function renderContestCsv(tallies: TallyTree, contest: Contest, communes: readonly AreaNode[]): string {
  const candidateIds = candidateColumns([contest])
  const lines = [csvLine([...FIXED_COLUMNS, ...candidateIds])]
  for (const commune of communes) {
    const ct = contestTallyOf(tallies.tallyOf(commune), contest.id)
    const a = commune.area
    lines.push(csvLine([a.level, a.code, a.name, contest.id, ct?.stationsReported ?? 0, ct?.stationsTotal ?? 0, ...figureFields(ct?.counts, candidateIds)]))
  }
  return lines.join('')
}
