// POST /v1/returns and /v1/returns/batch. Each handler is the same checklist: authenticate →
// rate limit → parse → check against the election → idempotency and durable produce → answer.
import type { Request, Response, Router } from 'express'
import { clientAddress, sendJson } from '../infra/http/http.js'
import { apiError, errorBody, sendApiError, type ApiError } from './api-errors.js'
import type { Authentication, Authenticator, ClientScope } from './api-auth.js'
import type { IngestMetrics } from './ingest-metrics.js'
import type { JsonBodyReader } from './json-body.js'
import type { RateLimits } from './rate-limit.js'
import { parseBatchRequest, parseIdempotencyKey, parseReturnRequest, type Parsed } from './return-request.js'
import { prepareSubmission, type ReturnToSubmit, type Submission } from './return-submission.js'
import { checkScanReferences, type ScanStore } from './scan-store.js'
import type { Outcome, SubmitReturns } from './submit-returns.js'
import type { ScopedElections } from './token-scope.js'

export const RETRY_AFTER_NOT_LOADED_S = 10

export interface ReturnsRoutesDeps {
  authenticate: Authenticator
  limits: Pick<RateLimits, 'admit'>
  readJson: JsonBodyReader
  elections: ScopedElections
  /** A return's scan reference must name a stored scan. */
  scans: ScanStore
  submit: SubmitReturns
  metrics: IngestMetrics
  clock: () => Date
  /** False until the `[elections]` topic has been read to its end. */
  ready: () => boolean
}

/**
 * Adds the routes to `router`: pass the app itself, so the busiest route of the night is not behind
 * a nested router's prefix matching (measured with bench/ingest-throughput.ts).
 */
export function returnsRoutes<R extends Pick<Router, 'post'>>(deps: ReturnsRoutesDeps, router: R): R {
  const { readJson, elections, scans, submit, metrics, clock, ready } = deps

  // Before the topic is read to its end, an election half-read would look unknown: 503, not 422.
  const canCheck = () => ready() && !elections.isEmpty()

  const refuse = (res: Response, error: ApiError, returns = 1): void => {
    metrics.rejected(error.code, returns)
    sendApiError(res, error)
  }

  /** One return of a request or batch: parsed, checked against the election, given its id. */
  const prepare = (
    client: { client: string; scope: ClientScope },
    body: unknown,
    headerKey: string | undefined,
    now: Date,
  ): Parsed<Submission> => {
    const request = parseReturnRequest(body)
    if (!request.ok) return request
    return checkAndPrepare(elections, client, request.value, headerKey, now)
  }

  router.post('/v1/returns', async (req: Request, res: Response) => {
    const auth = await admitClient(deps, req)
    if (!auth.ok) return refuse(res, auth.error)
    const key = parseIdempotencyKey(req.get('Idempotency-Key'))
    if (!key.ok) return refuse(res, key.error)
    if (!canCheck()) return refuse(res, electionNotLoaded())
    const body = await readJson(req, res)
    if (!body.ok) return refuse(res, body.error)
    const [submission] = await checkScanReferences(scans, [prepare(auth, body.value, key.value, clock())])
    if (!submission) throw new Error('one return, no submission')
    if (!submission.ok) return refuse(res, submission.error)
    const submitted = await submit([submission.value])
    if (!submitted.ok) return refuse(res, submitted.error)
    const [outcome] = submitted.outcomes
    if (outcome === undefined) throw new Error('one submission, no outcome')
    if (outcome.status === 'rejected') return refuse(res, outcome.error)
    metrics.accepted('single', outcome.replayed)
    if (outcome.replayed) res.setHeader('Idempotent-Replayed', 'true')
    sendJson(res, 202, { receipt: outcome.receipt, returnId: outcome.returnId, status: 'accepted' })
  })

  router.post('/v1/returns/batch', async (req: Request, res: Response) => {
    const auth = await admitClient(deps, req)
    if (!auth.ok) return refuse(res, auth.error)
    if (req.get('Idempotency-Key') !== undefined) return refuse(res, batchKeyNotSupported())
    if (!canCheck()) return refuse(res, electionNotLoaded())
    const body = await readJson(req, res)
    if (!body.ok) return refuse(res, body.error)
    const items = parseBatchRequest(body.value)
    if (!items.ok) return refuse(res, items.error)
    const now = clock()
    const prepared = await checkScanReferences(scans, items.value.map((item) => prepare(auth, item, undefined, now)))
    const submitted = await submit(prepared.flatMap((p) => (p.ok ? [p.value] : [])))
    if (!submitted.ok) return refuse(res, submitted.error, items.value.length)
    const outcomes = mergeOutcomes(prepared, submitted.outcomes)
    for (const o of outcomes) {
      if (o.status === 'accepted') metrics.accepted('batch', o.replayed)
      else metrics.rejected(o.error.code)
    }
    sendJson(res, 200, batchAnswer(outcomes))
  })

  return router
}

/**
 * The first steps of every API write: who is calling, and whether they may call now. A refused
 * token still counts against its address, so guessing tokens from one address ends in 429s.
 */
export async function admitClient(deps: Pick<ReturnsRoutesDeps, 'authenticate' | 'limits'>, req: Request): Promise<Authentication> {
  const auth = deps.authenticate(req.get('Authorization'))
  const limited = await deps.limits.admit(clientAddress(req), auth.ok ? auth.client : undefined)
  return limited ? { ok: false, error: limited } : auth
}

/** A parsed return, from any channel, checked against the election and the client's scope, then given its id. */
export function checkAndPrepare(
  elections: ScopedElections,
  client: { client: string; scope: ClientScope },
  request: ReturnToSubmit,
  key: string | undefined,
  now: Date,
): Parsed<Submission> {
  const unknown = elections.check(request)
  if (unknown) return { ok: false, error: unknown }
  const outOfScope = elections.checkScope(client.scope, request.electionId, request.stationId)
  if (outOfScope) return { ok: false, error: outOfScope }
  return prepareSubmission(client.client, request, key, now)
}

/** Puts the produce outcomes back in request order, between the items rejected before it. */
export function mergeOutcomes(prepared: readonly Parsed<Submission>[], produced: readonly Outcome[]): Outcome[] {
  let next = 0
  return prepared.map((p) => {
    if (!p.ok) return { status: 'rejected', error: p.error }
    const outcome = produced[next++]
    if (outcome === undefined) throw new Error('fewer outcomes than submissions')
    return outcome
  })
}

function batchAnswer(outcomes: readonly Outcome[]) {
  const results = outcomes.map((o, index) =>
    o.status === 'accepted'
      ? { index, status: o.status, receipt: o.receipt, returnId: o.returnId, ...(o.replayed ? { replayed: true } : {}) }
      : { index, status: o.status, error: errorBody(o.error) },
  )
  const accepted = results.filter((r) => r.status === 'accepted').length
  return { accepted, rejected: results.length - accepted, results }
}

export function electionNotLoaded(): ApiError {
  return {
    ...apiError(503, 'election-not-loaded', 'No election definition is loaded yet, so returns cannot be checked; retry shortly.'),
    retryAfterSeconds: RETRY_AFTER_NOT_LOADED_S,
  }
}

function batchKeyNotSupported(): ApiError {
  return apiError(400, 'invalid-header', 'A batch takes no Idempotency-Key header; give each return its own returnId instead.', [
    { path: 'Idempotency-Key', message: 'not supported on batches' },
  ])
}
