// The tally sheet of one station as the IVR walks it: for each contest the station votes in,
// voters, blank, invalid, then each candidate in ballot order; and the counts a finished walk
// gives. Registered voters come from the station's reference (they are printed on the roll, not
// counted on the night) and valid votes are the sum of the candidates' votes: the IVR asks for
// nothing twice. Whether the figures add up is for consolidation's checks, not for the keypad.
import { z } from 'zod'
import { CodeSchema, type Counts, type ElectionDefinition } from '../../core/schemas.js'

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
  const station = definition.stations.find((s) => s.id === stationId)
  if (!station) return undefined
  const contests = definition.election.contests.filter((c) => c.stationIds === undefined || c.stationIds.includes(stationId))
  if (contests.length === 0) return undefined
  const lines: SheetLine[] = []
  contests.forEach((contest, index) => {
    for (const field of ['voters', 'blank', 'invalid'] as const) lines.push({ contest: index, field })
    const candidates = [...contest.candidates].sort((a, b) => a.ballot - b.ballot)
    for (const c of candidates) lines.push({ contest: index, field: 'votes', candidateId: c.id, ballot: c.ballot, name: c.name })
  })
  return {
    electionId: definition.election.id,
    electionName: definition.election.name,
    stationId: station.id,
    stationName: station.name,
    registered: station.registered,
    contests: contests.map((c) => ({ id: c.id, name: c.name })),
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
