// The durable part of accepting returns, shared by the single and the batch endpoint: idempotency
// claims, ONE produce for everything new, and only then the outcomes. Nothing is acknowledged
// before the bus has made it durable.
import { returnKey } from '../core/messages.js'
import { apiError, type ApiError } from './api-errors.js'
import type { ReturnsProducer } from './durable-produce.js'
import type { Claim, IdempotencyRecords } from './idempotency-records.js'
import type { Submission } from './return-submission.js'

export const RETRY_AFTER_NOT_DURABLE_S = 5
export const RETRY_AFTER_IN_PROGRESS_S = 1

export type Outcome =
  | { status: 'accepted'; returnId: string; receipt: string; replayed: boolean }
  | { status: 'rejected'; error: ApiError }

export type Submitted = { ok: true; outcomes: Outcome[] } | { ok: false; error: ApiError }

export type SubmitReturns = (submissions: readonly Submission[]) => Promise<Submitted>

export function createReturnSubmitter(deps: { idempotency: IdempotencyRecords; produce: ReturnsProducer }): SubmitReturns {
  const { idempotency, produce } = deps
  return async (submissions) => {
    // A batch may repeat a return id: it is claimed and produced once, and a repeat with another
    // body is a conflict, exactly as if it had come in a later request.
    const unique = new Map<string, Submission>()
    for (const s of submissions) if (!unique.has(s.returnId)) unique.set(s.returnId, s)
    const firsts = [...unique.values()]
    const claims = await Promise.all(firsts.map((s) => idempotency.claim(s.returnId, s.bodyHash, s.receipt)))
    const claimOf = new Map(firsts.map((s, i) => [s.returnId, claims[i]] as const))

    const fresh = firsts.filter((s) => claimOf.get(s.returnId)?.kind === 'claimed')
    if (fresh.length > 0) {
      const produced = await produce(fresh.map((s) => ({ key: returnKey(s.message.stationId), value: JSON.stringify(s.message) })))
      if (!produced.ok) {
        await Promise.all(fresh.map((s) => idempotency.release(s.returnId)))
        return { ok: false, error: notDurable() }
      }
      await Promise.all(fresh.map((s) => idempotency.complete(s.returnId, s.bodyHash, s.receipt)))
    }

    return {
      ok: true,
      outcomes: submissions.map((s) => {
        const first = unique.get(s.returnId)
        const claim = claimOf.get(s.returnId)
        if (first === undefined || claim === undefined) throw new Error(`no claim for ${s.returnId}`)
        if (first !== s && first.bodyHash !== s.bodyHash) return conflict()
        return outcomeOf(claim, s, first !== s)
      }),
    }
  }
}

function outcomeOf(claim: Claim, s: Submission, repeatInRequest: boolean): Outcome {
  switch (claim.kind) {
    case 'claimed':
      return { status: 'accepted', returnId: s.returnId, receipt: s.receipt, replayed: repeatInRequest }
    case 'replay':
      return { status: 'accepted', returnId: s.returnId, receipt: claim.receipt, replayed: true }
    case 'conflict':
      return conflict()
    case 'in-progress': {
      const error = apiError(409, 'request-in-progress', 'A return with this key is being stored right now; retry in a moment.')
      return { status: 'rejected', error: { ...error, retryAfterSeconds: RETRY_AFTER_IN_PROGRESS_S } }
    }
    default: {
      const never: never = claim
      throw new Error(`unexpected claim ${JSON.stringify(never)}`)
    }
  }
}

function conflict(): Outcome {
  return {
    status: 'rejected',
    error: apiError(409, 'idempotency-conflict', 'This key was already used for a different return; use a new key for a new return.'),
  }
}

function notDurable(): ApiError {
  return {
    ...apiError(503, 'not-durable', 'The return could not be confirmed as stored, so no receipt is given. Retry shortly: a retry is never counted twice.'),
    retryAfterSeconds: RETRY_AFTER_NOT_DURABLE_S,
  }
}
