// From a checked request to a ReturnSubmitted message: its return id, receipt and body hash. The
// id is the client's key (Idempotency-Key header or body.returnId) scoped to the client, or,
// without a key, derived from the content, so a blind retry of the same sheet is the same return.
import { hash } from 'node:crypto'
import { canonicalJson, receiptFor, returnIdFromContent, returnIdFromKey } from '../core/return-ids.js'
import type { Channel, ReturnSubmitted } from '../core/schemas.js'
import { apiError } from './api-errors.js'
import type { Parsed, ReturnRequest } from './return-request.js'

/** ReturnSubmittedSchema's limit: a longer id would be refused by every consumer. */
const RETURN_ID_MAX_CHARS = 200

export interface Submission {
  returnId: string
  receipt: string
  /** Tells a true repeat from a different body sent under the same key. */
  bodyHash: string
  message: ReturnSubmitted
}

/** A checked return as a channel hands it over: the API's request, a CSV row, a call, a form. */
export type ReturnToSubmit = Omit<ReturnRequest, 'channel'> & { channel: Channel }

export function prepareSubmission(
  client: string,
  request: ReturnToSubmit,
  headerKey: string | undefined,
  submittedAt: Date,
): Parsed<Submission> {
  if (headerKey !== undefined && request.returnId !== undefined && headerKey !== request.returnId) {
    return {
      ok: false,
      error: apiError(400, 'invalid-body', 'The body’s returnId differs from the Idempotency-Key header; send one of them, or the same value.', [
        { path: 'returnId', message: 'differs from the Idempotency-Key header' },
      ]),
    }
  }
  const key = headerKey ?? request.returnId
  const returnId = key === undefined ? returnIdFromContent(client, request) : returnIdFromKey(client, key)
  if (returnId.length > RETURN_ID_MAX_CHARS) {
    const path = headerKey === undefined ? 'returnId' : 'Idempotency-Key'
    return {
      ok: false,
      error: apiError(400, headerKey === undefined ? 'invalid-body' : 'invalid-header', `The ${path} is too long: prefixed with the client name it must stay within ${RETURN_ID_MAX_CHARS} characters.`, [
        { path, message: 'too long' },
      ]),
    }
  }
  const receipt = receiptFor(returnId)
  // The key is not part of what the sheet says: sent once as a header and once in the body, the
  // same sheet must hash the same (and get its receipt back, not a conflict).
  const { returnId: _key, ...content } = request
  return {
    ok: true,
    value: {
      returnId,
      receipt,
      bodyHash: hash('sha256', canonicalJson(content), 'hex'),
      message: {
        type: 'return',
        returnId,
        receipt,
        electionId: request.electionId,
        contestId: request.contestId,
        stationId: request.stationId,
        channel: request.channel,
        submittedBy: client,
        submittedAt: submittedAt.toISOString(),
        counts: request.counts,
        ...(request.scan === undefined ? {} : { scan: request.scan }),
      },
    },
  }
}
