// Which layout an uploaded CSV uses, from its header: the simple layout of docs/csv-upload.md (a
// `station` column, the tally sheet's figures, one column per candidate), or one of the Ministry
// of the Interior's per-bureau layouts, whose columns core/results-layout.ts knows (the same
// knowledge `elections replay` reads results files with).
import { detectLayout, normalizeColumnName, type OfficialLayout, type WideLayout } from '../../core/results-layout.js'

export type SimpleColumnRole = 'election' | 'contest' | 'station' | 'registered' | 'voters' | 'blank' | 'invalid' | 'valid'

export interface SimpleLayout {
  kind: 'simple'
  /** Column of each role; election and contest may instead come from the query or the token. */
  columns: Partial<Record<SimpleColumnRole, number>> & Record<'station' | FigureRole, number>
  /** The header as written, so a report names a column the way the clerk sees it. */
  header: readonly string[]
  candidates: { column: number; header: string }[]
}

export type FigureRole = 'registered' | 'voters' | 'blank' | 'invalid' | 'valid'
export const FIGURE_ROLES: readonly FigureRole[] = ['registered', 'voters', 'blank', 'invalid', 'valid']

export type CsvLayout =
  | SimpleLayout
  | { kind: 'ministry-wide'; layout: WideLayout; header: readonly string[] }
  | { kind: 'ministry-official'; layout: OfficialLayout; header: readonly string[] }

export type CsvLayoutKind = CsvLayout['kind']

export type LayoutDetection = { ok: true; layout: CsvLayout } | { ok: false; message: string }

/** Header names of the simple layout, compared after normalizeColumnName (case, accents, "_"). */
const SIMPLE_NAMES: Record<SimpleColumnRole, readonly string[]> = {
  election: ['election', 'election id'],
  contest: ['contest', 'contest id'],
  station: ['station', 'station id'],
  registered: ['registered', 'inscrits'],
  voters: ['voters', 'votants'],
  blank: ['blank', 'blancs'],
  invalid: ['invalid', 'nuls'],
  valid: ['valid', 'exprimes'],
}

/** Columns a clerk may keep for reading the sheet; their content is not submitted. */
const INFORMATION_NAMES = new Set(['station name', 'name', 'commune', 'commune name', 'commune libelle', 'bureau', 'comment', 'commentaire', 'note'])

const ROLE_OF_NAME = new Map<string, SimpleColumnRole>(
  Object.entries(SIMPLE_NAMES).flatMap(([role, names]) => names.map((n) => [n, role as SimpleColumnRole] as const)),
)

const SIMPLE_EXPECTED =
  'the simple layout (station;registered;voters;blank;invalid;valid;<one column per candidate>, or in French ' +
  'station;inscrits;votants;blancs;nuls;exprimes;…, optionally election and contest columns; see docs/csv-upload.md)'

export function detectCsvLayout(header: readonly string[]): LayoutDetection {
  const names = header.map(normalizeColumnName)
  if (names.some((n) => ROLE_OF_NAME.get(n) === 'station')) return detectSimple(header, names)
  const ministry = detectLayout(header)
  if (ministry.ok) {
    return ministry.layout.kind === 'wide'
      ? { ok: true, layout: { kind: 'ministry-wide', layout: ministry.layout, header } }
      : { ok: true, layout: { kind: 'ministry-official', layout: ministry.layout, header } }
  }
  return {
    ok: false,
    message: `The first line does not name the columns of a layout this endpoint reads: neither ${SIMPLE_EXPECTED}, nor a Ministry layout. ${ministry.message}`,
  }
}

function detectSimple(header: readonly string[], names: readonly string[]): LayoutDetection {
  const columns: Partial<Record<SimpleColumnRole, number>> = {}
  const candidates: { column: number; header: string }[] = []
  const seen = new Map<string, number>()
  for (const [column, name] of names.entries()) {
    if (name === '' || INFORMATION_NAMES.has(name)) continue
    const written = (header[column] ?? '').trim()
    const earlier = seen.get(name)
    if (earlier !== undefined) {
      return { ok: false, message: `Columns ${earlier + 1} and ${column + 1} both say "${written}": keep one. Expected ${SIMPLE_EXPECTED}.` }
    }
    seen.set(name, column)
    const role = ROLE_OF_NAME.get(name)
    if (role === undefined) candidates.push({ column, header: written })
    else columns[role] = column
  }
  const { station, registered, voters, blank, invalid, valid } = columns
  if (station === undefined || registered === undefined || voters === undefined || blank === undefined || invalid === undefined || valid === undefined) {
    const missing = FIGURE_ROLES.filter((r) => columns[r] === undefined).map((r) => `${r} (${SIMPLE_NAMES[r][1] ?? r})`)
    return { ok: false, message: `The header has a station column but lacks ${missing.join(', ')}. Expected ${SIMPLE_EXPECTED}.` }
  }
  if (candidates.length === 0) {
    return { ok: false, message: `The header names no candidate column: add one column per candidate, headed by the candidate's id or name. Expected ${SIMPLE_EXPECTED}.` }
  }
  return { ok: true, layout: { kind: 'simple', columns: { ...columns, station, registered, voters, blank, invalid, valid }, header, candidates } }
}

/** The figures' columns as the file names them ("votants", "voters"), for the report. */
export function figureNames(layout: CsvLayout): Record<FigureRole, string> {
  const columns: Partial<Record<FigureRole, number>> = layout.kind === 'simple' ? layout.columns : layout.layout
  const name = (role: FigureRole) => {
    const column = columns[role]
    return column === undefined ? role : (layout.header[column] ?? role).trim()
  }
  return { registered: name('registered'), voters: name('voters'), blank: name('blank'), invalid: name('invalid'), valid: name('valid') }
}
