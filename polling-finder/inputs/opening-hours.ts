// Per-commune opening hours, when they differ from the default (08:00–20:00): a table
// `commune;ouverture;fermeture` ("94041;08:00;19:00"). A commune absent from it keeps the default.
import { checkWidth, columnIndexes, fieldOf, isCommuneCode, readTable, type ParsedInput } from './text-table.js'

export interface OpeningHours {
  open: string
  close: string
}

export const DEFAULT_HOURS: OpeningHours = { open: '08:00', close: '20:00' }

export interface HoursRow {
  commune: string
  hours: OpeningHours
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/

export async function readOpeningHours(file: string): Promise<ParsedInput<HoursRow>> {
  const table = await readTable(file)
  const col = columnIndexes(table, ['commune', 'ouverture', 'fermeture'] as const, 'opening hours (commune;ouverture;fermeture)')
  const rows: HoursRow[] = []
  const problems = [...table.problems]
  const seen = new Map<string, number>()
  for (const line of table.lines) {
    const width = checkWidth(line, table)
    const commune = fieldOf(line, col.commune)
    const open = fieldOf(line, col.ouverture)
    const close = fieldOf(line, col.fermeture)
    const problem =
      width ??
      (!isCommuneCode(commune) ? `commune "${commune}" is not an INSEE code` : undefined) ??
      (!TIME.test(open) || !TIME.test(close) ? `hours "${open}"–"${close}" are not HH:MM` : undefined) ??
      (open >= close ? `opening ${open} is not before closing ${close}` : undefined) ??
      (seen.has(commune) ? `commune ${commune} already has hours on line ${seen.get(commune)}` : undefined)
    if (problem !== undefined) {
      problems.push(`line ${line.line}: ${problem}`)
      continue
    }
    seen.set(commune, line.line)
    rows.push({ commune, hours: { open, close } })
  }
  return { file, rows, problems }
}
