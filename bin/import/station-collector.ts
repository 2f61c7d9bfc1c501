// Gathers the parsed rows of a results file into stations, communes, candidates and returns, and
// reports every row it cannot use (with its line number) instead of stopping.
import { franceUpperAreas } from '../../core/area-tree.js'
import type { Area, Candidate, Counts, Station } from '../../core/schemas.js'
import type { ResultsLayout } from '../../core/results-layout.js'
import { parseRow, stationIdOf, type CandidateBlock, type StationRow } from '../../core/results-row.js'
import { candidateCode, titleCase, uniqueCode } from './display-names.js'

export interface CollectedReturn {
  stationId: string
  counts: Counts
  line: number
}

export interface Collected {
  areas: Area[]
  stations: Station[]
  candidates: Candidate[]
  returns: CollectedReturn[]
  warnings: string[]
}

export interface StationCollector {
  addRow(fields: readonly string[], line: number): void
  finish(): Collected
}

export function createStationCollector(layout: ResultsLayout): StationCollector {
  const warnings: string[] = []
  const departements = new Set<string>()
  const communes = new Map<string, Area>()
  const stations: Station[] = []
  const returns: CollectedReturn[] = []
  const lineOfStation = new Map<string, number>()
  // Wide layout: the header names the candidates. Official layout: the first good row does, and
  // every other row must carry the same blocks, since the file is one contest.
  let candidates: { candidate: Candidate; surname: string }[] | undefined =
    layout.kind === 'wide' ? wideCandidates(layout.candidates.map((c) => c.header)) : undefined
  let candidatesLine = 1

  const skip = (line: number, problem: string): void => {
    warnings.push(`line ${line}: ${problem}; row skipped`)
  }

  return {
    addRow(fields, line) {
      if (fields.length === 0 || (fields.length === 1 && fields[0]?.trim() === '')) return // a blank line
      const parsed = parseRow(layout, fields)
      if (!parsed.ok) return skip(line, parsed.problem)
      const { row, blocks } = parsed
      const stationId = stationIdOf(row)
      const firstLine = lineOfStation.get(stationId)
      if (firstLine !== undefined) return skip(line, `station ${stationId} already appears on line ${firstLine}`)
      if (layout.kind === 'official') {
        if (candidates === undefined) {
          candidates = officialCandidates(blocks)
          candidatesLine = line
        } else {
          const mismatch = candidatesMismatch(candidates, blocks)
          if (mismatch !== undefined) return skip(line, `${mismatch} (the candidates are those of line ${candidatesLine})`)
        }
      }
      const ids = (candidates ?? []).map((c) => c.candidate.id)
      lineOfStation.set(stationId, line)
      departements.add(row.departement)
      if (!communes.has(row.communeCode)) {
        communes.set(row.communeCode, { level: 'commune', code: row.communeCode, name: row.communeName, parent: row.departement })
      }
      stations.push({
        id: stationId,
        code: row.bureau,
        name: `Bureau ${row.bureau}`,
        commune: row.communeCode,
        registered: row.registered,
      })
      returns.push({ stationId, counts: countsOf(row, ids), line })
    },
    finish() {
      return {
        areas: [...franceUpperAreas(departements), ...communes.values()],
        stations,
        candidates: (candidates ?? []).map((c) => c.candidate).sort((a, b) => a.ballot - b.ballot),
        returns,
        warnings,
      }
    },
  }
}

function countsOf(row: StationRow, candidateIds: readonly string[]): Counts {
  const votes: Record<string, number> = {}
  for (const [i, id] of candidateIds.entries()) votes[id] = row.votes[i] ?? 0
  return { registered: row.registered, voters: row.voters, blank: row.blank, invalid: row.invalid, valid: row.valid, votes }
}

/** Wide layout: ballot numbers follow the column order, since the file carries no other. */
function wideCandidates(headers: readonly string[]): { candidate: Candidate; surname: string }[] {
  const taken = new Set<string>()
  return headers.map((header, i) => {
    const ballot = i + 1
    const id = uniqueCode(candidateCode(header), ballot, taken)
    taken.add(id)
    return { candidate: { id, ballot, name: titleCase(header) }, surname: header }
  })
}

function officialCandidates(blocks: readonly CandidateBlock[]): { candidate: Candidate; surname: string }[] {
  const taken = new Set<string>()
  return blocks.map((block) => {
    const id = uniqueCode(candidateCode(block.surname), block.ballot, taken)
    taken.add(id)
    const name = `${block.firstName} ${titleCase(block.surname)}`.trim()
    const candidate: Candidate = block.party === undefined ? { id, ballot: block.ballot, name } : { id, ballot: block.ballot, name, party: block.party }
    return { candidate, surname: block.surname }
  })
}

function candidatesMismatch(
  expected: readonly { candidate: Candidate; surname: string }[],
  blocks: readonly CandidateBlock[],
): string | undefined {
  if (blocks.length !== expected.length) return `${blocks.length} candidate blocks, expected ${expected.length}`
  for (const [i, block] of blocks.entries()) {
    const want = expected[i]
    if (want === undefined || block.ballot !== want.candidate.ballot || block.surname !== want.surname) {
      const wanted = want === undefined ? '(none)' : `${want.candidate.ballot} ${want.surname}`
      return `candidate block ${i + 1} is ${block.ballot} ${block.surname}, expected ${wanted}`
    }
  }
  return undefined
}
