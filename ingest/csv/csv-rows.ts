// One record of an uploaded CSV → the figures it states, before they are matched against the
// election: which station, which figures, and a vote count per candidate column or block. A bad
// row is a value naming the column at fault; it never stops the rows after it.
import { z } from 'zod'
import { CountFieldSchema, parseRow, stationIdOf } from '../../core/results-row.js'
import { CodeSchema } from '../../core/schemas.js'
import { apiError, type ApiError, type FieldProblem } from '../api-errors.js'
import { FIGURE_ROLES, type CsvLayout, type FigureRole, type SimpleLayout } from './csv-layout.js'

export type RowFigures = Record<FigureRole, number>

/** How a row names a candidate: by a column header, or by a Ministry block (ballot number and name). */
export type CandidateRef = { kind: 'column'; header: string } | { kind: 'block'; ballot: number; surname: string; firstName: string }

export interface VoteCell {
  /** The column (or block) as the report names it. */
  field: string
  ref: CandidateRef
  /** Undefined: the cell is empty. */
  votes: number | undefined
}

export interface ParsedRow {
  line: number
  electionId: string | undefined
  contestId: string | undefined
  stationId: string
  /** Column of the station, for the report (the simple layout's header, or the Ministry's bureau). */
  stationField: string
  figures: RowFigures
  votes: VoteCell[]
}

export type RowReading = { ok: true; row: ParsedRow } | { ok: false; line: number; stationId: string | undefined; error: ApiError }

export function readRow(layout: CsvLayout, line: number, fields: readonly string[]): RowReading {
  switch (layout.kind) {
    case 'simple':
      return readSimpleRow(layout, line, fields)
    case 'ministry-wide':
    case 'ministry-official':
      return readMinistryRow(layout, line, fields)
    default: {
      const never: never = layout
      throw new Error(`unexpected layout ${JSON.stringify(never)}`)
    }
  }
}

const FigureSchema = z.string().trim().min(1, 'empty: write the figure of the tally sheet (0 if none)').pipe(CountFieldSchema)
const VoteSchema = z.string().trim().transform((s) => (s === '' ? undefined : s)).pipe(CountFieldSchema.optional())
const OptionalCodeSchema = z.string().trim().transform((s) => (s === '' ? undefined : s)).pipe(CodeSchema.optional())

function readSimpleRow(layout: SimpleLayout, line: number, fields: readonly string[]): RowReading {
  const { columns, header } = layout
  const cell = (column: number | undefined) => (column === undefined ? '' : fields[column] ?? '')
  const name = (column: number) => (header[column] ?? '').trim()
  const problems: FieldProblem[] = []
  const read = <T>(schema: z.ZodType<T, string>, column: number | undefined, fallback: T): T => {
    if (column === undefined) return fallback
    const parsed = schema.safeParse(cell(column))
    if (parsed.success) return parsed.data
    problems.push({ path: name(column), message: parsed.error.issues.map((i) => i.message).join('; ') })
    return fallback
  }
  const extra = fields.slice(header.length).filter((f) => f.trim() !== '')
  if (extra.length > 0) problems.push({ path: '(row)', message: `${fields.length} fields, but the header names ${header.length} columns` })

  const stationCell = cell(columns.station).trim()
  const stationId = read(CodeSchema, columns.station, '')
  const electionId = read(OptionalCodeSchema, columns.election, undefined)
  const contestId = read(OptionalCodeSchema, columns.contest, undefined)
  const figures = Object.fromEntries(FIGURE_ROLES.map((role) => [role, read(FigureSchema, columns[role], 0)])) as RowFigures
  const votes = layout.candidates.map(({ column, header: written }) => ({
    field: written,
    ref: { kind: 'column', header: written } as const,
    votes: read(VoteSchema, column, undefined),
  }))
  if (problems.length > 0) {
    return { ok: false, line, stationId: stationCell === '' ? undefined : stationCell, error: invalidRow(problems) }
  }
  return { ok: true, row: { line, electionId, contestId, stationId, stationField: name(columns.station), figures, votes } }
}

function readMinistryRow(layout: Exclude<CsvLayout, SimpleLayout>, line: number, fields: readonly string[]): RowReading {
  const parsed = parseRow(layout.layout, fields)
  if (!parsed.ok) return { ok: false, line, stationId: undefined, error: apiError(422, 'invalid-row', `${capitalize(parsed.problem)}.`) }
  const { row, blocks } = parsed
  const votes: VoteCell[] =
    layout.kind === 'ministry-wide'
      ? layout.layout.candidates.map(({ header }, i) => ({ field: header, ref: { kind: 'column', header }, votes: row.votes[i] }))
      : blocks.map((b, i) => ({
          field: `N°Panneau ${b.ballot} (${b.surname})`,
          ref: { kind: 'block', ballot: b.ballot, surname: b.surname, firstName: b.firstName },
          votes: row.votes[i],
        }))
  const { registered, voters, blank, invalid, valid } = row
  return {
    ok: true,
    row: {
      line,
      electionId: undefined,
      contestId: undefined,
      stationId: stationIdOf(row),
      stationField: 'bureau',
      figures: { registered, voters, blank, invalid, valid },
      votes,
    },
  }
}

export function invalidRow(fields: FieldProblem[]): ApiError {
  const cells = fields.map((f) => `${f.path} — ${f.message}`).join('; ')
  return apiError(422, 'invalid-row', `This row cannot be read: ${cells}. Fix it and upload the file again.`, fields)
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}
