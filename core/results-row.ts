// One data row of a results file, parsed with zod into a station's figures. A bad row is a value
// (`{ ok: false, problem }`), never an exception: one typo in 69,000 rows must not stop an import.
import { z } from 'zod'
import { findDepartement } from './france-areas.js'
import type { OfficialLayout, ResultsLayout, WideLayout } from './results-layout.js'

export interface StationRow {
  /** The Ministry's département code: "01", "2A", "ZA". */
  departement: string
  /** Département code + 3-character commune code: "75056", "ZA101", "ZZ068". */
  communeCode: string
  communeName: string
  /** The bureau number as printed on the tally sheet, 4 characters when numeric: "0101". */
  bureau: string
  registered: number
  voters: number
  blank: number
  invalid: number
  valid: number
  /** Votes in the row's candidate order (wide: the header's; official: the row's blocks). */
  votes: number[]
}

export interface CandidateBlock {
  ballot: number
  surname: string
  firstName: string
  party: string | undefined
}

export type RowParse = { ok: true; row: StationRow; blocks: CandidateBlock[] } | { ok: false; problem: string }

/** A figure of a tally sheet as a results file writes it: digits only; a sign or a decimal is refused. */
export const CountFieldSchema = z.string().transform((raw, ctx) => {
  const text = raw.trim()
  if (/^\d{1,15}$/.test(text)) return Number(text)
  ctx.addIssue({ code: 'custom', message: /^-\s*\d+$/.test(text) ? `"${raw}" is negative` : `"${raw}" is not a whole number` })
  return z.NEVER
})

const DepartementCodeSchema = z.string().transform((raw, ctx) => {
  const text = raw.trim().toUpperCase()
  // The official layout writes "1" for Ain in some years. Overseas INSEE codes ("971") are
  // accepted too, but not "99", which the Ministry never uses for the French abroad (ZZ).
  const code = /^\d$/.test(text) ? `0${text}` : text
  const fact = findDepartement(code)
  if (fact !== undefined && (fact.code === code || /^\d{3}$/.test(code))) return fact.code
  ctx.addIssue({ code: 'custom', message: `"${raw}" is not a département code` })
  return z.NEVER
})

const CommuneCodeSchema = z.string().transform((raw, ctx) => {
  const text = raw.trim().toUpperCase()
  // 1–3 characters: the Ministry's commune code, unpadded in the official layout ("56" → "056").
  if (/^[0-9A-Z]{1,3}$/.test(text)) return text.padStart(3, '0')
  // 5 characters: an INSEE code, whose last 3 characters are the Ministry's code (75056, 97101 → ZA 101).
  if (/^[0-9][0-9AB][0-9]{3}$/.test(text)) return text.slice(2)
  ctx.addIssue({ code: 'custom', message: `"${raw}" is not a commune code` })
  return z.NEVER
})

const BureauCodeSchema = z.string().transform((raw, ctx) => {
  const text = raw.trim()
  if (/^\d{1,4}$/.test(text)) return text.padStart(4, '0')
  // Caen numbers its bureaux "01.1", "02.2", …; a few communes use letters ("012A", "AB01").
  if (/^[0-9A-Za-z][0-9A-Za-z._-]{0,9}$/.test(text)) return text
  ctx.addIssue({ code: 'custom', message: `"${raw}" is not a bureau code` })
  return z.NEVER
})

const StationFieldsSchema = z.object({
  departement: DepartementCodeSchema,
  commune: CommuneCodeSchema,
  bureau: BureauCodeSchema,
  communeName: z.string().trim().max(200),
  registered: CountFieldSchema,
  voters: CountFieldSchema,
  blank: CountFieldSchema,
  invalid: CountFieldSchema.optional(),
  valid: CountFieldSchema,
  votes: z.array(CountFieldSchema),
})
type StationFields = z.infer<typeof StationFieldsSchema>

const CandidateBlockSchema = z.object({
  ballot: CountFieldSchema.refine((n) => n > 0, 'the ballot number must be positive'),
  surname: z.string().trim().min(1, 'the candidate name is empty').max(100),
  firstName: z.string().trim().max(100),
  party: z.string().trim().max(100).optional(),
})

/** "75056-0101"; ids travel in URLs, so a bureau's "01.1" (Caen) becomes "14118-01_1". */
export function stationIdOf(row: Pick<StationRow, 'communeCode' | 'bureau'>): string {
  return `${row.communeCode}-${row.bureau.replace(/[^A-Za-z0-9_-]/g, '_')}`
}

export function parseRow(layout: ResultsLayout, fields: readonly string[]): RowParse {
  switch (layout.kind) {
    case 'wide':
      return parseWideRow(layout, fields)
    case 'official':
      return parseOfficialRow(layout, fields)
    default: {
      const unreachable: never = layout
      return unreachable
    }
  }
}

function parseWideRow(layout: WideLayout, rawFields: readonly string[]): RowParse {
  const fields = withoutTrailingEmptyField(rawFields, (n) => n === layout.fieldCount)
  if (fields.length !== layout.fieldCount) {
    return { ok: false, problem: `${fields.length} fields, expected ${layout.fieldCount}` }
  }
  const parsed = StationFieldsSchema.safeParse({
    ...stationFields(layout, fields),
    invalid: layout.invalid === undefined ? undefined : fields[layout.invalid],
    votes: layout.candidates.map(({ column }) => fields[column] ?? ''),
  })
  if (!parsed.success) {
    return { ok: false, problem: describeIssues(parsed.error, (i) => layout.candidates[i]?.header ?? `candidate ${i + 1}`) }
  }
  return stationRow(parsed.data, [])
}

function parseOfficialRow(layout: OfficialLayout, rawFields: readonly string[]): RowParse {
  const { blockStart, blockSize, block } = layout
  const fits = (n: number): boolean => n >= blockStart + blockSize && (n - blockStart) % blockSize === 0
  const fields = withoutTrailingEmptyField(rawFields, fits)
  if (!fits(fields.length)) {
    return { ok: false, problem: `${fields.length} fields, expected ${blockStart} + a multiple of ${blockSize}` }
  }
  const blockFields: string[][] = []
  for (let start = blockStart; start < fields.length; start += blockSize) blockFields.push(fields.slice(start, start + blockSize))
  const parsed = StationFieldsSchema.safeParse({
    ...stationFields(layout, fields),
    invalid: fields[layout.invalid],
    votes: blockFields.map((b) => b[block.votes] ?? ''),
  })
  if (!parsed.success) return { ok: false, problem: describeIssues(parsed.error, (i) => `candidate block ${i + 1}`) }
  const blocks: CandidateBlock[] = []
  for (const [i, b] of blockFields.entries()) {
    const candidate = CandidateBlockSchema.safeParse({
      ballot: b[block.ballot],
      surname: b[block.surname],
      firstName: block.firstName === undefined ? '' : b[block.firstName],
      party: block.party === undefined ? undefined : b[block.party],
    })
    if (!candidate.success) return { ok: false, problem: describeIssues(candidate.error, () => '', `candidate block ${i + 1} `) }
    const { party, ...rest } = candidate.data
    blocks.push({ ...rest, party: party === '' ? undefined : party })
  }
  return stationRow(parsed.data, blocks)
}

function stationFields(layout: ResultsLayout, fields: readonly string[]): Record<string, string | undefined> {
  return {
    departement: fields[layout.departement],
    commune: fields[layout.commune],
    bureau: fields[layout.bureau],
    communeName: layout.communeName === undefined ? '' : fields[layout.communeName],
    registered: fields[layout.registered],
    voters: fields[layout.voters],
    blank: fields[layout.blank],
    valid: fields[layout.valid],
  }
}

function stationRow(data: StationFields, blocks: CandidateBlock[]): RowParse {
  const communeCode = `${data.departement}${data.commune}`
  // The wide layout leaves nuls out; the ballots that are neither blank nor valid are the invalid ones.
  const invalid = data.invalid ?? data.voters - data.blank - data.valid
  if (invalid < 0) {
    return {
      ok: false,
      problem: `nuls = votants − blancs − exprimés = ${data.voters} − ${data.blank} − ${data.valid} is negative`,
    }
  }
  return {
    ok: true,
    blocks,
    row: {
      departement: data.departement,
      communeCode,
      communeName: data.communeName === '' ? communeCode : data.communeName,
      bureau: data.bureau,
      registered: data.registered,
      voters: data.voters,
      blank: data.blank,
      invalid,
      valid: data.valid,
      votes: data.votes,
    },
  }
}

/** Some exports end every line with the separator; that empty last field is not a column. */
function withoutTrailingEmptyField(fields: readonly string[], fits: (n: number) => boolean): readonly string[] {
  const last = fields[fields.length - 1]
  return !fits(fields.length) && last !== undefined && last.trim() === '' && fits(fields.length - 1)
    ? fields.slice(0, -1)
    : fields
}

const FIELD_LABELS: Record<string, string> = {
  departement: 'département',
  commune: 'commune',
  bureau: 'bureau',
  communeName: 'commune name',
  registered: 'inscrits',
  voters: 'votants',
  blank: 'blancs',
  invalid: 'nuls',
  valid: 'exprimés',
  ballot: 'N°Panneau',
  surname: 'Nom',
  firstName: 'Prénom',
  party: 'Nuance',
}

function describeIssues(error: z.ZodError, candidateLabel: (index: number) => string, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const [field, index] = issue.path
      const label =
        field === 'votes' && typeof index === 'number' ? `votes of ${candidateLabel(index)}` : FIELD_LABELS[String(field)] ?? String(field)
      return `${prefix}${label}: ${issue.message}`
    })
    .join('; ')
}
