// La Poste's "base officielle des codes postaux" (laposte_hexasmal): which communes a postcode
// serves. Paris, Lyon and Marseille appear by arrondissement (75115, 69383, 13208): those rows are
// mapped to the commune of the results (75056, 69123, 13055) and the arrondissement kept, since
// a postcode there covers the bureaux of one arrondissement only.
import { checkWidth, columnIndexes, fieldOf, isCommuneCode, parseLatLon, readTable, type ParsedInput } from './text-table.js'

export interface PostcodeRow {
  postcode: string
  /** The commune of the election's stations (75056 for any Paris arrondissement). */
  commune: string
  /** Paris, Lyon, Marseille: the arrondissement's two-digit prefix of bureau codes ("15"). */
  arrondissement?: string
  name: string
  lat?: number
  lon?: number
}

const COLUMNS = ['Code_commune_INSEE', 'Nom_commune', 'Code_postal', 'coordonnees_gps'] as const

/** Arrondissement INSEE codes of the three cities, and how to get their bureau-code prefix. */
const MUNICIPAL_ARRONDISSEMENTS: readonly { commune: string; first: number; last: number; base: number }[] = [
  { commune: '75056', first: 75101, last: 75120, base: 75100 },
  { commune: '69123', first: 69381, last: 69389, base: 69380 },
  { commune: '13055', first: 13201, last: 13216, base: 13200 },
]

export function communeOfInsee(insee: string): { commune: string; arrondissement?: string } {
  const n = Number(insee)
  const city = MUNICIPAL_ARRONDISSEMENTS.find((c) => n >= c.first && n <= c.last)
  return city === undefined ? { commune: insee } : { commune: city.commune, arrondissement: String(n - city.base).padStart(2, '0') }
}

export async function readPostcodes(file: string): Promise<ParsedInput<PostcodeRow>> {
  const table = await readTable(file)
  const col = columnIndexes(table, COLUMNS, "La Poste's postcode (laposte_hexasmal)")
  const rows: PostcodeRow[] = []
  const problems = [...table.problems]
  const seen = new Set<string>()
  for (const line of table.lines) {
    const width = checkWidth(line, table)
    if (width !== undefined) {
      problems.push(`line ${line.line}: ${width}`)
      continue
    }
    const insee = fieldOf(line, col.Code_commune_INSEE)
    const postcode = fieldOf(line, col.Code_postal)
    if (!isCommuneCode(insee)) {
      problems.push(`line ${line.line}: commune code "${insee}" is not an INSEE code (5 characters)`)
      continue
    }
    if (!/^\d{5}$/.test(postcode)) {
      problems.push(`line ${line.line}: postcode "${postcode}" is not 5 digits`)
      continue
    }
    // The table repeats a pair once per lieu-dit (Ligne_5): one row per pair is enough.
    const pair = `${insee} ${postcode}`
    if (seen.has(pair)) continue
    seen.add(pair)
    const point = parseLatLon(fieldOf(line, col.coordonnees_gps))
    rows.push({
      postcode,
      ...communeOfInsee(insee),
      name: fieldOf(line, col.Nom_commune),
      ...(point === undefined ? {} : { lat: point[0], lon: point[1] }),
    })
  }
  return { file, rows, problems }
}
