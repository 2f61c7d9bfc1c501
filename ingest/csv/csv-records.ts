// CSV text → records, each with the line of the file it starts on, parsed by fast-csv. The
// separator is the one the header line uses most (";" from a French Excel, "," elsewhere, or a tab).
// Lines are fed to the parser one at a time so that, when the quoting is broken, the answer names
// the line where the broken record starts instead of "somewhere in the file".
import { parse } from 'fast-csv'
import { apiError, type ApiError } from '../api-errors.js'
import { yieldEvery } from './cooperative.js'

export interface CsvRecord {
  /** Line of the file the record starts on (the first line is 1). */
  line: number
  fields: string[]
}

export type Delimiter = ';' | ',' | '\t'

export type CsvRecords =
  | { ok: true; delimiter: Delimiter; header: CsvRecord; rows: CsvRecord[] }
  | { ok: false; error: ApiError }

const DELIMITERS: readonly Delimiter[] = [';', ',', '\t']
const LINE = /[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g
const LINE_BREAK = /\r\n|\r|\n/g

/** Far above a national file (69,242 stations), or a département's in the long layout. */
export const MAX_CSV_LINES = 250_000
/** Far above the Ministry's official layout with 30 candidates (7 columns each). */
export const MAX_CSV_COLUMNS = 2_000

export async function readCsvRecords(text: string): Promise<CsvRecords> {
  // Counted before anything is split: a file of nothing but line breaks must not cost millions of objects.
  const lineCount = occurrences(text, '\n') + occurrences(text, '\r') - occurrences(text, '\r\n')
  if (lineCount > MAX_CSV_LINES) {
    return { ok: false, error: apiError(413, 'body-too-large', `The file has ${lineCount} lines; one upload takes at most ${MAX_CSV_LINES}. Split it.`) }
  }
  const lines = text.match(LINE) ?? []
  const headerLine = lines.find((l) => /[^\s;,"]/.test(l))
  const parsed = headerLine === undefined ? undefined : await parseLines(lines, delimiterOf(headerLine))
  if (parsed && !parsed.ok) return parsed
  const [header, ...rows] = parsed?.records ?? []
  if (parsed === undefined || header === undefined) {
    return { ok: false, error: apiError(400, 'invalid-csv', 'The file is empty. Its first line must name the columns; see docs/csv-upload.md.') }
  }
  return { ok: true, delimiter: parsed.delimiter, header, rows }
}

/** Blank lines, and lines of separators only (spreadsheets write those below the data). */
export function isBlank(fields: readonly string[]): boolean {
  return fields.every((f) => f.trim() === '')
}

function delimiterOf(headerLine: string): Delimiter {
  return DELIMITERS.reduce((best, d) => (occurrences(headerLine, d) > occurrences(headerLine, best) ? d : best), DELIMITERS[0] ?? ';')
}

async function parseLines(
  lines: readonly string[],
  delimiter: Delimiter,
): Promise<{ ok: true; delimiter: Delimiter; records: CsvRecord[] } | { ok: false; error: ApiError }> {
  return new Promise((resolve, reject) => {
    const records: CsvRecord[] = []
    let nextLine = 1
    const parser = parse<string[], string[]>({ delimiter, headers: false, quote: '"', ignoreEmpty: false })
    parser.on('data', (fields: string[]) => {
      if (!isBlank(fields)) records.push({ line: nextLine, fields })
      // A quoted field may hold line breaks: the next record starts that many lines further.
      nextLine += 1 + fields.reduce((n, f) => (f.includes('\n') || f.includes('\r') ? n + (f.match(LINE_BREAK)?.length ?? 0) : n), 0)
    })
    parser.on('error', (err: Error) => {
      const detail = err.message.replace(/^Parse Error: /, '').replace(/ at '.*$/s, '').replace(/ in line:$/, '')
      resolve({
        ok: false,
        error: apiError(
          400,
          'invalid-csv',
          `Line ${nextLine}: the quoting is broken (${detail}). A field that starts with " must end with " before the next ${describe(delimiter)}; ` +
            'write a " inside a quoted field as "". Nothing in the file was submitted.',
        ),
      })
    })
    parser.on('end', () => resolve({ ok: true, delimiter, records }))
    const feed = async () => {
      for (const [i, line] of lines.entries()) {
        await yieldEvery(i)
        if (parser.destroyed) return
        if (occurrences(line, delimiter) >= MAX_CSV_COLUMNS) {
          parser.destroy()
          const error = apiError(400, 'invalid-csv', `Line ${i + 1} has more than ${MAX_CSV_COLUMNS} columns: this is not a file of tally sheets.`)
          return resolve({ ok: false, error })
        }
        parser.write(line)
      }
      if (!parser.destroyed) parser.end()
    }
    feed().catch(reject)
  })
}

function occurrences(text: string, needle: string): number {
  let n = 0
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++
  return n
}

export function describe(delimiter: Delimiter): string {
  return delimiter === '\t' ? 'tab' : `"${delimiter}"`
}
