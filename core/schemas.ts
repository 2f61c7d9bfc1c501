// The election domain as zod schemas. Every input crossing a boundary (HTTP body, CSV row, bus
// message, file) is parsed with one of these; the TypeScript types are derived from them.
import { z } from 'zod'

/** Area and station codes end up in URLs and file names, so they are restricted to a safe alphabet. */
export const CodeSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, "-" and "_" only')

export const AreaLevelSchema = z.enum(['country', 'region', 'departement', 'commune', 'station'])
export type AreaLevel = z.infer<typeof AreaLevelSchema>

export const AreaSchema = z.object({
  level: AreaLevelSchema,
  code: CodeSchema,
  name: z.string().min(1).max(200),
  /** Code of the parent area; absent only for the country. */
  parent: CodeSchema.optional(),
})
export type Area = z.infer<typeof AreaSchema>

export const CandidateSchema = z.object({
  id: CodeSchema,
  ballot: z.number().int().positive(),
  name: z.string().min(1).max(200),
  party: z.string().max(200).optional(),
})
export type Candidate = z.infer<typeof CandidateSchema>

export const ContestSchema = z.object({
  id: CodeSchema,
  name: z.string().min(1).max(200),
  seats: z.number().int().positive(),
  candidates: z.array(CandidateSchema).min(1),
  /** Station ids this contest covers; absent means every station of the election. */
  stationIds: z.array(CodeSchema).optional(),
})
export type Contest = z.infer<typeof ContestSchema>

/** Who the desk calls when a station has not reported: optional, a definition may carry none. */
export const StationContactSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  phone: z.string().min(1).max(40).optional(),
})
export type StationContact = z.infer<typeof StationContactSchema>

export const StationSchema = z.object({
  id: CodeSchema,
  /** The bureau number printed on the tally sheet, e.g. "0101". */
  code: z.string().min(1).max(20),
  name: z.string().min(1).max(200),
  commune: CodeSchema,
  registered: z.number().int().nonnegative(),
  address: z.string().max(300).optional(),
  contact: StationContactSchema.optional(),
})
export type Station = z.infer<typeof StationSchema>

export const ValidationPolicySchema = z.object({
  /** auto: one clean return validates; double: two independent returns must agree; manual: the desk validates all. */
  mode: z.enum(['auto', 'double', 'manual']),
  /**
   * Warnings normally hold a return for the desk. A certified results file (a rehearsal replay of
   * proclaimed results) may acknowledge them automatically; the findings are still stored.
   */
  autoAcknowledgeWarnings: z.boolean(),
})
export type ValidationPolicy = z.infer<typeof ValidationPolicySchema>

export const ElectionSchema = z.object({
  id: CodeSchema,
  name: z.string().min(1).max(200),
  round: z.number().int().positive(),
  /** ISO instant when the last polls close: the embargo. */
  pollsCloseAt: z.iso.datetime({ offset: true }),
  policy: ValidationPolicySchema,
  contests: z.array(ContestSchema).min(1),
})
export type Election = z.infer<typeof ElectionSchema>

/**
 * Everything needed to consolidate and publish: the election, its area tree down to communes,
 * and its stations. A France-sized definition is several megabytes; see definition-parts.ts for
 * how it travels on the bus.
 */
export const ElectionDefinitionSchema = z.object({
  election: ElectionSchema,
  areas: z.array(AreaSchema),
  stations: z.array(StationSchema),
})
export type ElectionDefinition = z.infer<typeof ElectionDefinitionSchema>

const count = z.number().int().nonnegative()

export const CountsSchema = z.object({
  registered: count,
  voters: count,
  blank: count,
  invalid: count,
  valid: count,
  /** Votes per candidate id. */
  votes: z.record(CodeSchema, count),
})
export type Counts = z.infer<typeof CountsSchema>

export const ChannelSchema = z.enum(['api', 'csv', 'form', 'phone', 'import', 'desk'])
export type Channel = z.infer<typeof ChannelSchema>

/** The file types a scan of a signed tally sheet may be (recognised by their first bytes). */
export const ScanContentTypeSchema = z.enum(['image/jpeg', 'image/png', 'application/pdf'])
export type ScanContentType = z.infer<typeof ScanContentTypeSchema>

/**
 * A scan of the signed tally sheet, stored before the return that refers to it (so a return never
 * points at a missing file), under a key derived from its SHA-256 (core/scans.ts).
 */
export const ScanRefSchema = z.strictObject({
  /** SHA-256 of the file's bytes, lower-case hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hexadecimal digits'),
  contentType: ScanContentTypeSchema,
  bytes: z.number().int().positive(),
})
export type ScanRef = z.infer<typeof ScanRefSchema>

/** A station's tally sheet for one contest, as sent by an official or an integrator. */
export const ReturnSubmittedSchema = z.object({
  type: z.literal('return'),
  returnId: z.string().min(1).max(200),
  receipt: z.string(),
  electionId: CodeSchema,
  contestId: CodeSchema,
  stationId: CodeSchema,
  channel: ChannelSchema,
  /** Who sent it: an official's station login, an API client, a desk user. */
  submittedBy: z.string().min(1).max(200),
  submittedAt: z.iso.datetime({ offset: true }),
  counts: CountsSchema,
  /** The signed sheet's scan, when one was uploaded; absent in older messages. */
  scan: ScanRefSchema.optional(),
})
export type ReturnSubmitted = z.infer<typeof ReturnSubmittedSchema>

export const StationResultStateSchema = z.enum([
  'awaiting',
  'received',
  'validated',
  'needs-review',
  'conflict',
  'published',
])
export type StationResultState = z.infer<typeof StationResultStateSchema>

/** One earlier published version of a station result, as a later message carries it (`history`). */
export const PublishedVersionSchema = z.object({
  version: z.number().int().positive(),
  status: z.enum(['validated', 'withdrawn']),
  counts: CountsSchema,
  validatedAt: z.iso.datetime({ offset: true }),
  reason: z.string().max(500).optional(),
})
export type PublishedVersion = z.infer<typeof PublishedVersionSchema>

/** A validated (or withdrawn) station result as it flows to the publisher on `[results]`. */
export const StationResultSchema = z.object({
  type: z.literal('station-result'),
  electionId: CodeSchema,
  contestId: CodeSchema,
  stationId: CodeSchema,
  /** Increases with every correction of this station's result. */
  version: z.number().int().positive(),
  status: z.enum(['validated', 'withdrawn']),
  counts: CountsSchema,
  validatedAt: z.iso.datetime({ offset: true }),
  /** Why a published figure changed or was withdrawn; absent for a first publication. */
  reason: z.string().max(500).optional(),
  /**
   * The signed tally sheet's scan behind these figures, when one was uploaded: the station page
   * shows its SHA-256 (and links to it where scans are published). Absent in older messages.
   */
  scan: ScanRefSchema.optional(),
  /**
   * Every version published before this one, oldest first: `[results]` is compacted, so a
   * correction carries the figures it replaced, and the public corrections log can list every
   * change after any restart. Absent for a first version (and in older messages).
   */
  history: z.array(PublishedVersionSchema).max(1000).optional(),
})
export type StationResult = z.infer<typeof StationResultSchema>
