// Reads the wide results layout with nothing but string splitting, to compute expected totals
// independently of the importer and of the pipeline's own aggregation.
import { gunzipSync } from 'node:zlib'
import { readFileSync, writeFileSync } from 'node:fs'

export interface WideTotals {
  stations: number
  registered: number
  voters: number
  blank: number
  invalid: number
  valid: number
  /** By the file's own column names ("MACRON", "LE PEN", …). */
  candidates: Record<string, number>
}

export function readWideLines(path: string): { header: string[]; rows: string[][] } {
  const raw = readFileSync(path)
  const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8')
  const lines = text.split('\n').filter((l) => l.length > 0)
  const header = (lines[0] ?? '').split(',')
  return { header, rows: lines.slice(1).map((l) => l.split(',')) }
}

export function wideTotals(header: string[], rows: string[][]): WideTotals {
  const at = (name: string) => header.indexOf(name)
  const [ins, vot, bla, exp] = [at('inscrits'), at('votants'), at('blancs'), at('exprimes')]
  const candidateCols = header.map((h, i) => [h, i] as const).filter(([, i]) => i > exp)
  const totals: WideTotals = { stations: 0, registered: 0, voters: 0, blank: 0, invalid: 0, valid: 0, candidates: {} }
  for (const [name] of candidateCols) totals.candidates[name] = 0
  for (const r of rows) {
    const n = (i: number) => Number(r[i])
    totals.stations++
    totals.registered += n(ins)
    totals.voters += n(vot)
    totals.blank += n(bla)
    totals.valid += n(exp)
    totals.invalid += n(vot) - n(bla) - n(exp)
    for (const [name, i] of candidateCols) totals.candidates[name] = (totals.candidates[name] ?? 0) + n(i)
  }
  return totals
}

/** Writes the rows of some départements to a plain CSV file (a smaller real election). */
export function writeSubset(source: string, departements: readonly string[], target: string): { header: string[]; rows: string[][] } {
  const { header, rows } = readWideLines(source)
  const keep = rows.filter((r) => departements.includes(r[0] ?? ''))
  writeFileSync(target, [header, ...keep].map((r) => r.join(',')).join('\n') + '\n')
  return { header, rows: keep }
}
