// The one error shape of the ingest API: `{"error":{"code","message","fields"?}}`. Codes are a public
// contract (integrators and the replay tool branch on them); messages are sentences for people.
import type { Response } from 'express'
import { z } from 'zod'
import { sendError, type FieldProblem } from '../infra/http/http.js'

/** Paths are dotted paths into the body, e.g. "counts.votes.MACRON"; "(body)" for the body as a whole. */
export type { FieldProblem }

export type ApiErrorCode =
  | 'unauthorized'
  | 'out-of-scope'
  | 'invalid-json'
  | 'invalid-body'
  | 'invalid-header'
  | 'body-too-large'
  | 'unsupported-media-type'
  | 'election-not-loaded'
  | 'unknown-election'
  | 'unknown-contest'
  | 'unknown-station'
  | 'unknown-candidate'
  | 'unknown-scan'
  | 'idempotency-conflict'
  | 'request-in-progress'
  | 'not-durable'
  | 'rate-limited'
  | 'internal-error'
  // CSV batches (ingest/csv/): the file as a whole, then one row of it.
  | 'invalid-csv'
  | 'unknown-layout'
  | 'invalid-query'
  | 'invalid-row'
  | 'duplicate-station'
  | 'missing-candidate'

export interface ApiError {
  status: number
  code: ApiErrorCode
  message: string
  fields?: FieldProblem[]
  /** Seconds; sent as Retry-After on 503s, 429s and 409 in-progress so clients back off, then retry. */
  retryAfterSeconds?: number
}

const FieldProblemSchema = z.strictObject({ path: z.string(), message: z.string() })

/** The answer's shape, for the OpenAPI document and the answers that embed an error (batch items, CSV lines). */
export const ErrorAnswerSchema = z.strictObject({
  error: z.strictObject({
    code: z.string().describe('Machine-readable, stable: integrators branch on it.'),
    message: z.string().describe('A sentence a person can act on.'),
    fields: z
      .array(FieldProblemSchema)
      .min(1)
      .optional()
      .describe('Dotted paths into the body ("counts.votes.X"), "(body)", a header or query parameter, or a CSV file\'s column as its header names it.'),
  }),
})

export function apiError(status: number, code: ApiErrorCode, message: string, fields?: FieldProblem[]): ApiError {
  return fields === undefined ? { status, code, message } : { status, code, message, fields }
}

/** The `error` member of a response: also used for the rejected items of a batch. */
export function errorBody(err: ApiError): { code: ApiErrorCode; message: string; fields?: FieldProblem[] } {
  return err.fields === undefined
    ? { code: err.code, message: err.message }
    : { code: err.code, message: err.message, fields: err.fields }
}

export function sendApiError(res: Response, err: ApiError): void {
  if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(err.retryAfterSeconds))
  sendError(res, err.status, err.code, err.message, err.fields)
}

/** One field problem per zod issue; unknown keys are listed one by one so each can be fixed. */
export function fieldsFromZod(error: z.ZodError): FieldProblem[] {
  const fields: FieldProblem[] = []
  for (const issue of error.issues) {
    const base = issue.path
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields.push({ path: joinPath([...base, key]), message: 'unknown field' })
    } else {
      fields.push({ path: joinPath(base), message: issue.message })
    }
  }
  return fields
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(body)' : path.map(String).join('.')
}
