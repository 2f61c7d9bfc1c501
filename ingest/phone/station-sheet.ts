// The tally sheet of one station as the IVR walks it, built from the sheet the web form shows
// (`../tally-sheet.ts`): for each contest the station votes in, voters, blank, invalid, then each
// candidate in ballot order; and the counts a finished walk gives. Registered voters come from the
// station's reference (they are printed on the roll, not counted on the night) and valid votes are
// the sum of the candidates' votes: the IVR asks for nothing twice. Whether the figures add up is
// for consolidation's checks, not for the keypad.
import { z } from 'zod'
import { CodeSchema, type Counts, type ElectionDefinition } from '../../core/schemas.js'
import { tallySheetOf } from '../tally-sheet.js'

const FieldLineSchema = z.object({
  contest: z.number().int().nonnegative(),
  field: z.enum(['voters', 'blank', 'invalid']),
})
const VotesLineSchema = z.object({
  contest: z.number().int().nonnegative(),
  field: z.literal('votes'),
  candidateId: CodeSchema,
  ballot: z.number().int().positive(),
  name: z.string().min(1).max(200),
})
export const SheetLineSchema = z.union([FieldLineSchema, VotesLineSchema])
export type SheetLine = z.infer<typeof SheetLineSchema>

export const StationSheetSchema = z.object({
  electionId: CodeSchema,
  electionName: z.string().min(1).max(200),
  stationId: CodeSchema,
  stationName: z.string().min(1).max(200),
  registered: z.number().int().nonnegative(),
  contests: z.array(z.object({ id: CodeSchema, name: z.string().min(1).max(200) })).min(1),
  lines: z.array(SheetLineSchema).min(1),
})
export type StationSheet = z.infer<typeof StationSheetSchema>

/** The sheet of `stationId`, or undefined when the definition lacks the station or any contest for it. */
export function stationSheet(definition: ElectionDefinition, stationId: string): StationSheet | undefined {
  const sheet = tallySheetOf(definition, stationId)
  if (!sheet || sheet.contests.length === 0) return undefined
  const lines: SheetLine[] = sheet.contests.flatMap(({ figures }, contest) =>
    figures.map((f): SheetLine => {
      if (f.kind !== 'candidate') return { contest, field: f.kind }
      if (!f.candidate) throw new Error(`sheet figure ${f.name} has no candidate`)
      return { contest, field: 'votes', candidateId: f.candidate.id, ballot: f.candidate.ballot, name: f.candidate.name }
    }),
  )
  return {
    electionId: sheet.electionId,
    electionName: sheet.electionName,
    stationId: sheet.station.id,
    stationName: sheet.station.name,
    registered: sheet.station.registered,
    contests: sheet.contests.map(({ contest }) => ({ id: contest.id, name: contest.name })),
    lines,
  }
}

/** The counts of each contest once every line has its value (values[i] is lines[i]'s). */
export function sheetCounts(sheet: StationSheet, values: readonly number[]): { contestId: string; counts: Counts }[] {
  if (values.length !== sheet.lines.length) throw new Error(`a sheet of ${sheet.lines.length} lines has ${values.length} values`)
  return sheet.contests.map((contest, index) => {
    const counts: Counts = { registered: sheet.registered, voters: 0, blank: 0, invalid: 0, valid: 0, votes: {} }
    sheet.lines.forEach((line, i) => {
      if (line.contest !== index) return
      const value = values[i] ?? 0
      if (line.field === 'votes') {
        counts.votes[line.candidateId] = value
        counts.valid += value
      } else {
        counts[line.field] = value
      }
    })
    return { contestId: contest.id, counts }
  })
}
