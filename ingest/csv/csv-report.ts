// The answer to a CSV upload: one result per line of the file, accepted with its receipt or
// rejected with why, and the totals. JSON by default; a CSV a clerk opens in a spreadsheet when
// the client asks for `Accept: text/csv`.
import { writeToString } from 'fast-csv'
import { z } from 'zod'
import { ErrorAnswerSchema, errorBody } from '../api-errors.js'
import type { Outcome } from '../submit-returns.js'
import type { CsvLayoutKind } from './csv-layout.js'
import type { Delimiter } from './csv-records.js'
import type { CsvReturn, LineRejection } from './csv-returns.js'

const LineSchema = z.number().int().min(1).describe('Line of the file (the header is line 1; a line break inside quotes counts).')

export const AcceptedLineSchema = z.strictObject({
  line: LineSchema,
  status: z.literal('accepted'),
  electionId: z.string(),
  contestId: z.string(),
  stationId: z.string(),
  receipt: z.string(),
  returnId: z.string(),
  replayed: z.literal(true).optional().describe('Stored by an earlier upload (or an earlier line of this one): nothing was stored again.'),
})

export const RejectedLineSchema = z.strictObject({
  line: LineSchema,
  status: z.literal('rejected'),
  electionId: z.string().optional(),
  contestId: z.string().optional(),
  stationId: z.string().optional(),
  error: ErrorAnswerSchema.shape.error,
})

export const CsvReportSchema = z.strictObject({
  layout: z.enum(['simple', 'ministry-wide', 'ministry-official'] satisfies CsvLayoutKind[]),
  encoding: z.string().describe('How the bytes were read: "utf-8", "windows-1252" (Latin-1), …'),
  delimiter: z.enum([';', ',', '\t'] satisfies Delimiter[]),
  notes: z.array(z.string()).describe('What the reader assumed and a person should check (an encoding guessed, for one).'),
  lines: z.number().int().nonnegative().describe('Data lines read; blank lines are not counted.'),
  accepted: z.number().int().nonnegative(),
  rejected: z.number().int().nonnegative(),
  returns: z.number().int().nonnegative().describe('Returns acknowledged: one per station and contest, whatever the number of lines it took.'),
  results: z.array(z.union([AcceptedLineSchema, RejectedLineSchema])).describe('One per data line, in file order.'),
})

export type CsvReport = z.infer<typeof CsvReportSchema>
export type LineResult = CsvReport['results'][number]

export interface ReportInput {
  layout: CsvLayoutKind
  encoding: string
  delimiter: Delimiter
  notes: string[]
  returns: readonly CsvReturn[]
  /** One outcome per return, in the same order. */
  outcomes: readonly Outcome[]
  rejections: readonly LineRejection[]
}

export function buildReport(input: ReportInput): CsvReport {
  const results: LineResult[] = []
  let acknowledged = 0
  for (const [i, r] of input.returns.entries()) {
    const outcome = input.outcomes[i]
    if (outcome === undefined) throw new Error('bug: a return without an outcome')
    const { electionId, contestId, stationId } = r.request
    if (outcome.status === 'accepted') acknowledged++
    for (const line of r.lines) {
      results.push(
        outcome.status === 'accepted'
          ? {
              line,
              status: 'accepted',
              electionId,
              contestId,
              stationId,
              receipt: outcome.receipt,
              returnId: outcome.returnId,
              ...(outcome.replayed ? { replayed: true as const } : {}),
            }
          : { line, status: 'rejected', electionId, contestId, stationId, error: errorBody(outcome.error) },
      )
    }
  }
  for (const r of input.rejections) {
    results.push({
      line: r.line,
      status: 'rejected',
      ...(r.electionId === undefined ? {} : { electionId: r.electionId }),
      ...(r.contestId === undefined ? {} : { contestId: r.contestId }),
      ...(r.stationId === undefined ? {} : { stationId: r.stationId }),
      error: errorBody(r.error),
    })
  }
  results.sort((a, b) => a.line - b.line)
  const accepted = results.filter((r) => r.status === 'accepted').length
  return {
    layout: input.layout,
    encoding: input.encoding,
    delimiter: input.delimiter,
    notes: input.notes,
    lines: results.length,
    accepted,
    rejected: results.length - accepted,
    returns: acknowledged,
    results,
  }
}

export const CSV_REPORT_COLUMNS = ['line', 'status', 'election', 'contest', 'station', 'receipt', 'return_id', 'replayed', 'code', 'message', 'fields'] as const

/** `;`-separated with a BOM and CRLF, as a French Excel opens without an import dialog. */
export async function reportAsCsv(report: CsvReport): Promise<string> {
  const rows = report.results.map((r) =>
    r.status === 'accepted'
      ? [r.line, r.status, r.electionId, r.contestId, r.stationId, r.receipt, r.returnId, r.replayed ? 'yes' : '', '', '', '']
      : [
          r.line,
          r.status,
          r.electionId ?? '',
          r.contestId ?? '',
          r.stationId ?? '',
          '',
          '',
          '',
          r.error.code,
          r.error.message,
          (r.error.fields ?? []).map((f) => `${f.path}: ${f.message}`).join(' | '),
        ],
  )
  const body = await writeToString([[...CSV_REPORT_COLUMNS], ...rows.map((row) => row.map((v) => defused(String(v))))], {
    delimiter: ';',
    rowDelimiter: '\r\n',
    writeBOM: true,
    includeEndRowDelimiter: true,
  })
  return body
}

/** Text echoed from the upload must not become a formula when the report is opened in a spreadsheet. */
function defused(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}
