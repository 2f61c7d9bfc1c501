// Reads the finder's delimited input files (La Poste's table, the Paris places, the Val-de-Marne
// addresses, the simple layouts): gzip or not, UTF-8 only, one header row, ';' or ',' as the
// header shows, RFC 4180 quotes on one line. A line that cannot be split is reported by number,
// never guessed at.
import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'

/** A file the finder cannot read at all (missing header, unknown layout, not UTF-8). */
export class FinderInputError extends Error {
  override name = 'FinderInputError'
}

export interface TableLine {
  /** 1-based line number in the file; the header is line 1. */
  line: number
  fields: string[]
}

export interface Table {
  file: string
  header: string[]
  separator: ';' | ','
  lines: TableLine[]
  /** Lines that could not be split (an unterminated quote), with their numbers. */
  problems: string[]
}

/** What a parser made of one input file: the rows it kept and every line it could not use. */
export interface ParsedInput<T> {
  file: string
  rows: T[]
  /** "line N: why", one per line set aside. */
  problems: string[]
}

export async function readTextFile(file: string): Promise<string> {
  let bytes = await readFile(file)
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    throw new FinderInputError(`${file}: not UTF-8 text (convert it first, e.g. iconv -f latin1 -t utf-8)`)
  }
}

export async function readTable(file: string): Promise<Table> {
  return parseTable(file, await readTextFile(file))
}

export function parseTable(file: string, text: string): Table {
  const rawLines = text.split('\n')
  const headerLine = rawLines[0]?.replace(/\r$/, '') ?? ''
  if (headerLine.trim() === '') throw new FinderInputError(`${file}: empty file, or no header on line 1`)
  const separator = headerLine.split(';').length >= headerLine.split(',').length ? ';' : ','
  const header = splitLine(headerLine, separator)
  if (header === undefined) throw new FinderInputError(`${file}: line 1 (header) has an unterminated quote`)
  const lines: TableLine[] = []
  const problems: string[] = []
  for (let i = 1; i < rawLines.length; i++) {
    const raw = rawLines[i]?.replace(/\r$/, '') ?? ''
    if (raw.trim() === '') continue
    const fields = splitLine(raw, separator)
    if (fields === undefined) problems.push(`line ${i + 1}: unterminated quote`)
    else lines.push({ line: i + 1, fields })
  }
  return { file, header: header.map((h) => h.trim()), separator, lines, problems }
}

/** The index of each named column, or an error naming the missing ones and the header found. */
export function columnIndexes<K extends string>(table: Table, names: readonly K[], layout: string): Record<K, number> {
  const out = {} as Record<K, number>
  const missing: string[] = []
  for (const name of names) {
    const i = table.header.indexOf(name)
    if (i < 0) missing.push(name)
    else out[name] = i
  }
  if (missing.length > 0) {
    throw new FinderInputError(`${table.file}: not the ${layout} layout: missing column(s) ${missing.join(', ')} (header: ${table.header.join(table.separator)})`)
  }
  return out
}

/** Field access that names the line when a row is too short. */
export function fieldOf(line: TableLine, index: number): string {
  return (line.fields[index] ?? '').trim()
}

export function checkWidth(line: TableLine, table: Table): string | undefined {
  return line.fields.length === table.header.length ? undefined : `${line.fields.length} fields where the header has ${table.header.length}`
}

function splitLine(line: string, separator: string): string[] | undefined {
  if (!line.includes('"')) return line.split(separator)
  const fields: string[] = []
  let i = 0
  for (;;) {
    if (line[i] === '"') {
      let value = ''
      i++
      for (;;) {
        const close = line.indexOf('"', i)
        if (close < 0) return undefined
        value += line.slice(i, close)
        if (line[close + 1] === '"') {
          value += '"'
          i = close + 2
        } else {
          i = close + 1
          break
        }
      }
      const next = line.indexOf(separator, i)
      fields.push(next < 0 ? value + line.slice(i) : value + line.slice(i, next))
      if (next < 0) return fields
      i = next + 1
    } else {
      const next = line.indexOf(separator, i)
      if (next < 0) {
        fields.push(line.slice(i))
        return fields
      }
      fields.push(line.slice(i, next))
      i = next + 1
    }
  }
}

/** "48.86, 2.33" or "48.86,2.33" → [lat, lon], when both are numbers in range. */
export function parseLatLon(text: string): [number, number] | undefined {
  const [a, b] = text.split(',').map((s) => Number(s.trim()))
  return a !== undefined && b !== undefined && validLatLon(a, b) ? [a, b] : undefined
}

export function validLatLon(lat: number, lon: number): boolean {
  return Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && !(lat === 0 && lon === 0)
}

/** Bureau numbers as the Ministry writes them: four digits, zero-padded ("7" → "0007"). */
export function bureauCode(text: string): string | undefined {
  const t = text.trim()
  if (/^\d{1,4}$/.test(t)) return t.padStart(4, '0')
  return /^[A-Za-z0-9_-]{1,20}$/.test(t) ? t : undefined
}

/** INSEE commune codes: five characters, digits or 2A/2B for Corsica. */
export function isCommuneCode(text: string): boolean {
  return /^(\d{5}|2[AB]\d{3})$/.test(text)
}
