// What an API client sends: one return, or a batch of them. Strict schemas: a misspelt field is an
// error the client hears about, not a figure silently dropped from a tally sheet.
import { z } from 'zod'
import { ChannelSchema, CodeSchema, CountsSchema, ScanRefSchema } from '../core/schemas.js'
import { apiError, fieldsFromZod, type ApiError } from './api-errors.js'

export const MAX_BATCH_ITEMS = 1000

/** Printable ASCII: keys end up in return ids, logs and cache keys. */
const ClientKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x20-\x7E]+$/, 'printable ASCII characters only')

export const ReturnRequestSchema = z.strictObject({
  electionId: CodeSchema,
  contestId: CodeSchema,
  stationId: CodeSchema,
  counts: z.strictObject(CountsSchema.shape),
  /** The client's own id for this return: an idempotency key carried in the body. */
  returnId: ClientKeySchema.optional(),
  /** 'import' marks replays of a results file; the other channels have their own endpoints. */
  channel: ChannelSchema.extract(['api', 'import']).default('api'),
  /** The signed sheet's scan, uploaded first with POST /v1/scans (whose answer this is). */
  scan: ScanRefSchema.optional(),
})
export type ReturnRequest = z.infer<typeof ReturnRequestSchema>

/** The batch envelope; items are parsed one by one so a bad row rejects only itself. */
export const BatchRequestSchema = z.strictObject({
  returns: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS),
})

export const IdempotencyKeySchema = ClientKeySchema

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ApiError }

/** Zod says "expected number, received undefined"; a client understands "required" faster. */
const requiredMessage = (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : undefined)

export function parseReturnRequest(body: unknown): Parsed<ReturnRequest> {
  const parsed = ReturnRequestSchema.safeParse(body, { error: requiredMessage })
  if (parsed.success) return { ok: true, value: parsed.data }
  return {
    ok: false,
    error: apiError(400, 'invalid-body', 'The return is not valid; see the fields.', fieldsFromZod(parsed.error)),
  }
}

export function parseBatchRequest(body: unknown): Parsed<unknown[]> {
  const parsed = BatchRequestSchema.safeParse(body, { error: requiredMessage })
  if (parsed.success) return { ok: true, value: parsed.data.returns }
  return {
    ok: false,
    error: apiError(
      400,
      'invalid-body',
      `A batch is {"returns": [...]} with 1 to ${MAX_BATCH_ITEMS} returns; see the fields.`,
      fieldsFromZod(parsed.error),
    ),
  }
}

/** The optional Idempotency-Key header; undefined when absent. */
export function parseIdempotencyKey(header: string | undefined): Parsed<string | undefined> {
  if (header === undefined) return { ok: true, value: undefined }
  const parsed = IdempotencyKeySchema.safeParse(header)
  if (parsed.success) return { ok: true, value: parsed.data }
  return {
    ok: false,
    error: apiError(
      400,
      'invalid-header',
      'The Idempotency-Key header must be 1 to 200 printable characters.',
      parsed.error.issues.map((i) => ({ path: 'Idempotency-Key', message: i.message })),
    ),
  }
}
