// Parsed rows → returns. Each row is matched against the loaded election (which election, station,
// contest, and which candidate each column or block names); rows of one station and contest are
// one return: a repeated identical row is the same return, the Ministry's long layout (one row per
// candidate) adds up to one, and rows that disagree are all refused, since nobody can tell which
// one the signed sheet says. A return must give a figure for every candidate of its contest.
import type { Contest, ElectionDefinition } from '../../core/schemas.js'
import { apiError, type ApiError, type FieldProblem } from '../api-errors.js'
import type { ReturnToSubmit } from '../return-submission.js'
import { mapInSlices } from './cooperative.js'
import { indexElection, type ElectionIndex } from './csv-election-index.js'
import { FIGURE_ROLES, type FigureRole } from './csv-layout.js'
import { invalidRow, type ParsedRow, type RowFigures } from './csv-rows.js'

/** Where rows without an election or contest column belong (query, token, the only election loaded). */
export interface CsvDefaults {
  electionId: string | undefined
  contestId: string | undefined
}

export interface CsvReturn {
  /** Lines of the file this return comes from, in file order. */
  lines: number[]
  request: ReturnToSubmit
}

export interface LineRejection {
  line: number
  electionId?: string | undefined
  contestId?: string | undefined
  stationId?: string | undefined
  error: ApiError
}

export interface AssembledReturns {
  returns: CsvReturn[]
  rejections: LineRejection[]
}

interface ResolvedRow {
  line: number
  electionId: string
  contestId: string
  stationId: string
  contest: Contest
  figures: RowFigures
  votes: Map<string, { votes: number; field: string }>
}

type Resolution = { ok: true; row: ResolvedRow } | { ok: false; rejection: LineRejection }

export interface AssembleContext {
  defaults: CsvDefaults
  definitionOf: (electionId: string) => ElectionDefinition | undefined
  /** The figures' columns as the file names them. */
  figureNames: Record<FigureRole, string>
}

export async function assembleReturns(rows: readonly ParsedRow[], ctx: AssembleContext): Promise<AssembledReturns> {
  const rejections: LineRejection[] = []
  const groups = new Map<string, ResolvedRow[]>()
  for (const resolved of await mapInSlices(rows, (row) => resolveRow(row, ctx))) {
    if (!resolved.ok) {
      rejections.push(resolved.rejection)
      continue
    }
    const { electionId, contestId, stationId } = resolved.row
    const key = `${electionId}\u0000${contestId}\u0000${stationId}`
    const group = groups.get(key)
    if (group) group.push(resolved.row)
    else groups.set(key, [resolved.row])
  }
  const returns: CsvReturn[] = []
  const outcomes = await mapInSlices([...groups.values()], (group) => ({ group, merged: mergeGroup(group, ctx.figureNames) }))
  for (const { group, merged } of outcomes) {
    if ('error' in merged) {
      for (const r of group) rejections.push({ line: r.line, electionId: r.electionId, contestId: r.contestId, stationId: r.stationId, error: merged.error })
    } else {
      returns.push(merged)
    }
  }
  return { returns, rejections }
}

function resolveRow(row: ParsedRow, ctx: AssembleContext): Resolution {
  const { line, stationId } = row
  const reject = (error: ApiError, electionId?: string, contestId?: string): Resolution => ({
    ok: false,
    rejection: { line, electionId, contestId, stationId, error },
  })
  const electionId = row.electionId ?? ctx.defaults.electionId
  if (electionId === undefined) {
    return reject(
      apiError(422, 'unknown-election', 'This row names no election: fill the election column, or name the election with ?electionId= on the upload.', [
        { path: 'election', message: 'empty' },
      ]),
    )
  }
  const definition = ctx.definitionOf(electionId)
  if (definition === undefined) {
    return reject(apiError(422, 'unknown-election', `No election "${electionId}" is loaded.`, [{ path: 'election', message: 'unknown election' }]), electionId)
  }
  const index = indexElection(definition)
  if (index.station(stationId) === undefined) {
    return reject(
      apiError(422, 'unknown-station', `Election "${electionId}" has no polling station "${stationId}".`, [{ path: row.stationField, message: 'unknown station' }]),
      electionId,
    )
  }
  const contest = contestOf(index, stationId, row.contestId ?? ctx.defaults.contestId)
  if (!contest.ok) return reject(contest.error, electionId, row.contestId ?? ctx.defaults.contestId)
  const votes = candidateVotes(index, contest.contest, row)
  if (!votes.ok) return reject(votes.error, electionId, contest.contest.id)
  return {
    ok: true,
    row: { line, electionId, contestId: contest.contest.id, stationId, contest: contest.contest, figures: row.figures, votes: votes.votes },
  }
}

function contestOf(index: ElectionIndex, stationId: string, contestId: string | undefined): { ok: true; contest: Contest } | { ok: false; error: ApiError } {
  const electionId = index.definition.election.id
  const covering = index.contestsOf(stationId)
  if (contestId === undefined) {
    const [only, ...others] = covering
    if (only !== undefined && others.length === 0) return { ok: true, contest: only }
    return {
      ok: false,
      error: apiError(
        422,
        'unknown-contest',
        `Polling station "${stationId}" votes in ${covering.length} contests (${covering.map((c) => c.id).join(', ')}): say which with a contest column or ?contestId= on the upload.`,
        [{ path: 'contest', message: 'which contest?' }],
      ),
    }
  }
  const contest = index.contest(contestId)
  if (contest === undefined) {
    return { ok: false, error: apiError(422, 'unknown-contest', `Election "${electionId}" has no contest "${contestId}".`, [{ path: 'contest', message: 'unknown contest' }]) }
  }
  if (!covering.includes(contest)) {
    return {
      ok: false,
      error: apiError(422, 'unknown-station', `Polling station "${stationId}" does not vote in contest "${contestId}".`, [
        { path: 'contest', message: 'station not in this contest' },
      ]),
    }
  }
  return { ok: true, contest }
}

/** Each column or block → the candidate it names in this contest, with its figure. */
function candidateVotes(
  index: ElectionIndex,
  contest: Contest,
  row: ParsedRow,
): { ok: true; votes: ResolvedRow['votes'] } | { ok: false; error: ApiError } {
  const votes: ResolvedRow['votes'] = new Map()
  const unreadable: FieldProblem[] = []
  const unknown: FieldProblem[] = []
  for (const cell of row.votes) {
    const { ref, field } = cell
    const candidate = ref.kind === 'column' ? index.candidateNamed(contest, ref.header) : index.candidateByBallot(contest, ref.ballot)
    if (candidate === undefined) {
      // A column of another contest's candidate is left empty on this contest's rows.
      if (cell.votes !== undefined || ref.kind === 'block') unknown.push({ path: field, message: `not a candidate of contest ${contest.id}` })
      continue
    }
    if (ref.kind === 'block') {
      const named = [ref.surname, `${ref.firstName} ${ref.surname}`].some((n) => index.candidateNamed(contest, n) === candidate)
      if (!named) {
        unknown.push({ path: field, message: `ballot number ${ref.ballot} is ${candidate.name} in contest ${contest.id}, not ${ref.surname}` })
        continue
      }
    }
    const earlier = votes.get(candidate.id)
    if (earlier !== undefined) {
      unreadable.push({ path: field, message: `names ${candidate.name} (${candidate.id}) again, like ${earlier.field}` })
    } else if (cell.votes === undefined) {
      unreadable.push({ path: field, message: 'empty: write the candidate’s votes (0 if none)' })
    } else {
      votes.set(candidate.id, { votes: cell.votes, field })
    }
  }
  if (unreadable.length > 0) return { ok: false, error: invalidRow(unreadable) }
  if (unknown.length > 0) {
    const named = unknown.map((u) => `"${u.path}"`).join(', ')
    return { ok: false, error: apiError(422, 'unknown-candidate', `Contest "${contest.id}" has no candidate ${named}.`, unknown) }
  }
  return { ok: true, votes }
}

function mergeGroup(group: readonly ResolvedRow[], figureNames: Record<FigureRole, string>): CsvReturn | { error: ApiError } {
  const [first] = group
  if (first === undefined) throw new Error('bug: an empty group of rows')
  const lines = group.map((r) => r.line)
  const differences: FieldProblem[] = []
  for (const role of FIGURE_ROLES) {
    if (group.some((r) => r.figures[role] !== first.figures[role])) {
      differences.push({ path: figureNames[role], message: group.map((r) => `${r.figures[role]} on line ${r.line}`).join(', ') })
    }
  }
  // Most stations are one row: its votes are the return's as they are.
  const votes = new Map(first.votes)
  const lineOf = new Map<string, number>()
  for (const r of group.slice(1)) {
    for (const [id, cell] of r.votes) {
      const earlier = votes.get(id)
      if (earlier === undefined) {
        votes.set(id, cell)
        lineOf.set(id, r.line)
      } else if (earlier.votes !== cell.votes) {
        differences.push({ path: cell.field, message: `${earlier.votes} on line ${lineOf.get(id) ?? first.line}, ${cell.votes} on line ${r.line}` })
      }
    }
  }
  if (differences.length > 0) {
    return {
      error: apiError(
        422,
        'duplicate-station',
        `Polling station "${first.stationId}" (contest ${first.contestId}) is on lines ${lines.join(', ')} with different figures; ` +
          'none of them was submitted. Keep one row per station, with the figures of the signed tally sheet.',
        differences,
      ),
    }
  }
  const missing = first.contest.candidates.filter((c) => !votes.has(c.id))
  if (missing.length > 0) {
    return {
      error: apiError(
        422,
        'missing-candidate',
        `No figure for ${missing.map((c) => `${c.name} (${c.id})`).join(', ')}: every candidate of contest ${first.contestId} needs one (0 if none). ` +
          'Add a column (or, in the Ministry layouts, a block or row) for each.',
        missing.map((c) => ({ path: c.id, message: 'no figure for this candidate' })),
      ),
    }
  }
  return {
    lines,
    request: {
      electionId: first.electionId,
      contestId: first.contestId,
      stationId: first.stationId,
      channel: 'csv',
      counts: { ...first.figures, votes: Object.fromEntries([...votes].map(([id, v]) => [id, v.votes])) },
    },
  }
}
