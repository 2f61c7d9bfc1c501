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

export async function readCsvRecords(text: string): Promise<CsvRecords> {
  const lines = text.match(LINE) ?? []
  const headerLine = lines.find((l) => /[^\s;,"]/.test(l))
  const parsed = headerLine === undefined ? undefined : await parseLines(lines, delimiterOf(headerLine))
  if (parsed && !parsed.ok) return parsed
  const [header, ...rows] = parsed?.records.filter((r) => !isBlank(r.fields)) ?? []
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
  const count = (d: Delimiter) => headerLine.split(d).length - 1
  return DELIMITERS.reduce((best, d) => (count(d) > count(best) ? d : best), DELIMITERS[0] ?? ';')
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
      records.push({ line: nextLine, fields })
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
        parser.write(line)
      }
      if (!parser.destroyed) parser.end()
    }
    feed().catch(reject)
  })
}

export function describe(delimiter: Delimiter): string {
  return delimiter === '\t' ? 'tab' : `"${delimiter}"`
}
