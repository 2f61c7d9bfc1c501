// The figures an official typed, read field by field: each is a whole number or a problem with a
// code the page turns into a sentence. Only what is surely a typing slip is refused here (a
// missing figure, letters, a sign, a figure far above the station's registered voters); a sheet
// that does not add up is still a real sheet, so it is shown back for checking on the
// confirmation page and goes to the desk if confirmed (consolidation's coded checks).
import type { Counts } from '../../core/schemas.js'
import type { TallySheet } from '../tally-sheet.js'

export type FigureProblem =
  | { code: 'missing' }
  | { code: 'not-a-number' }
  | { code: 'negative' }
  /** Far above the station's registered voters: an extra digit, not a count. */
  | { code: 'absurd'; registered: number }

export type SheetEntry =
  | { ok: true; counts: Map<string, Counts>; values: Map<string, string> }
  | { ok: false; problems: Map<string, FigureProblem>; values: Map<string, string> }

/** Longest entry kept for showing back: a figure has at most 7 digits. */
const MAX_KEPT_CHARS = 20

/** Above this many times the registered voters, no figure of the sheet can be right. */
const ABSURD_FACTOR = 2
/** …and never below this, so a station with very few registered voters is not over-policed. */
const ABSURD_FLOOR = 100

/** Spaces French readers put between thousands ("1 210"), including the no-break ones. */
const DIGIT_GROUPING = /[\s\u00a0\u202f]/g

export function readSheetEntry(sheet: TallySheet, field: (name: string) => string | undefined): SheetEntry {
  const values = new Map<string, string>()
  const problems = new Map<string, FigureProblem>()
  const counts = new Map<string, Counts>()
  const registered = sheet.station.registered
  const ceiling = Math.max(ABSURD_FACTOR * registered, ABSURD_FLOOR)

  for (const { contest, figures } of sheet.contests) {
    const read = new Map<string, number>()
    for (const figure of figures) {
      const raw = (field(figure.name) ?? '').slice(0, MAX_KEPT_CHARS)
      values.set(figure.name, raw)
      const parsed = parseFigure(raw, ceiling, registered)
      if (typeof parsed === 'number') read.set(figure.name, parsed)
      else problems.set(figure.name, parsed)
    }
    if (problems.size > 0) continue
    const figure = (name: string) => read.get(name) ?? 0
    const votes: Record<string, number> = {}
    for (const c of figures) if (c.candidate) votes[c.candidate.id] = figure(c.name)
    counts.set(contest.id, {
      registered,
      voters: figure(`${contest.id}.voters`),
      blank: figure(`${contest.id}.blank`),
      invalid: figure(`${contest.id}.invalid`),
      // Valid votes (exprimés) are the candidates' total by definition; whether blank + invalid +
      // valid make the voters is what the confirmation page and the desk's E103 check look at.
      valid: Object.values(votes).reduce((a, b) => a + b, 0),
      votes,
    })
  }
  return problems.size === 0 ? { ok: true, counts, values } : { ok: false, problems, values }
}

function parseFigure(raw: string, ceiling: number, registered: number): number | FigureProblem {
  const compact = raw.replace(DIGIT_GROUPING, '')
  if (compact === '') return { code: 'missing' }
  if (/^[-−–]\d+$/.test(compact)) return { code: 'negative' }
  if (!/^\d+$/.test(compact)) return { code: 'not-a-number' }
  const n = Number(compact)
  if (compact.length > 7 || n > ceiling) return { code: 'absurd', registered }
  return n
}

/** The entered values of figures already confirmed once: what the sheet shows when going back to correct. */
export function valuesOfCounts(sheet: TallySheet, counts: ReadonlyMap<string, Counts>): Map<string, string> {
  const values = new Map<string, string>()
  for (const { contest, figures } of sheet.contests) {
    const c = counts.get(contest.id)
    if (!c) continue
    for (const f of figures) {
      const n = f.kind === 'candidate' ? c.votes[f.candidate?.id ?? ''] : c[f.kind]
      if (n !== undefined) values.set(f.name, String(n))
    }
  }
  return values
}
