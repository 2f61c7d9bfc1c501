// POST /v1/returns/csv: a file of tally sheets from a town hall or a digital-pen / OCR vendor. The
// same checklist as the JSON batch: authenticate → rate limit → read → check each return against
// the election and the token's scope → idempotency and ONE durable produce → a report per line.
import { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import { CodeSchema } from '../../core/schemas.js'
import type { ClientScope } from '../api-auth.js'
import { apiError, fieldsFromZod, sendApiError, type ApiError } from '../api-errors.js'
import { parseIdempotencyKey, type Parsed } from '../return-request.js'
import type { Submission } from '../return-submission.js'
import { admitClient, checkAndPrepare, electionNotLoaded, mergeOutcomes, type ReturnsRoutesDeps } from '../returns-routes.js'
import type { ScopedElections } from '../token-scope.js'
import type { CsvBodyReader } from './csv-body.js'
import { mapInSlices } from './cooperative.js'
import { readCsvFile } from './csv-file.js'
import { figureNames, type CsvLayout } from './csv-layout.js'
import { buildReport, reportAsCsv } from './csv-report.js'
import { assembleReturns, type CsvDefaults, type CsvReturn } from './csv-returns.js'

export const CSV_UPLOAD_PATH = '/v1/returns/csv'

/** 10 MiB: a département's file in the Ministry's official layout with room to spare (INGEST_CSV_MAX_BYTES). */
export const DEFAULT_CSV_MAX_BYTES = 10 * 1024 * 1024

export const CsvQuerySchema = z.strictObject({
  electionId: CodeSchema.optional().describe('The election of rows without an election column; default: the token’s election, or the only one loaded.'),
  contestId: CodeSchema.optional().describe('The contest of rows without a contest column; default: the only contest the row’s station votes in.'),
})
export type CsvQuery = z.infer<typeof CsvQuerySchema>

/** What the JSON routes take, with the CSV body reader instead of the JSON one. */
/** A CSV row names no scan: scans come with JSON returns or the web form. */
export interface CsvRoutesDeps extends Omit<ReturnsRoutesDeps, 'readJson' | 'scans'> {
  readCsv: CsvBodyReader
  /** The reader's limit, also held to when a gzipped file is unzipped. */
  maxBytes: number
}

export function csvRoutes(deps: CsvRoutesDeps): Router {
  const { readCsv, elections, submit, metrics, clock, ready } = deps
  const router = Router()

  const refuse = (res: Response, error: ApiError, returns = 1): void => {
    metrics.rejected(error.code, returns)
    sendApiError(res, error)
  }

  /** One return of the file, through the same checks as a JSON return. */
  const prepare = (client: { client: string; scope: ClientScope }, { request }: CsvReturn, key: string | undefined, now: Date): Parsed<Submission> => {
    // A key names the upload; each of its returns gets its own, so a retry of the file replays
    // every return, and a different sheet for a station under the same key is a conflict.
    const returnKey = key === undefined ? undefined : `${key}/${request.electionId}/${request.contestId}/${request.stationId}`
    return checkAndPrepare(elections, client, request, returnKey, now)
  }

  router.post(CSV_UPLOAD_PATH, async (req: Request, res: Response) => {
    const auth = await admitClient(deps, req)
    if (!auth.ok) return refuse(res, auth.error)
    const key = parseIdempotencyKey(req.get('Idempotency-Key'))
    if (!key.ok) return refuse(res, key.error)
    const query = parseCsvQuery(req.query)
    if (!query.ok) return refuse(res, query.error)
    if (!ready() || elections.isEmpty()) return refuse(res, electionNotLoaded())
    const body = await readCsv(req, res)
    if (!body.ok) return refuse(res, body.error)
    const file = await readCsvFile(body.value, deps.maxBytes)
    if (!file.ok) return refuse(res, file.error)
    const { layout, rows } = file.value
    const defaults = defaultsFor(elections, query.value, auth.scope, layout)
    if (!defaults.ok) return refuse(res, defaults.error)

    const { returns, rejections } = await assembleReturns(
      rows.flatMap((r) => (r.ok ? [r.row] : [])),
      { defaults: defaults.value, definitionOf: (id) => elections.definition(id), figureNames: figureNames(layout) },
    )
    for (const r of rows) if (!r.ok) rejections.push({ line: r.line, stationId: r.stationId, error: r.error })
    const now = clock()
    const prepared = await mapInSlices(returns, (r) => prepare(auth, r, key.value, now))
    const keyTooLong = prepared.find((p) => !p.ok && p.error.code === 'invalid-header')
    if (keyTooLong && !keyTooLong.ok) return refuse(res, keyTooLong.error)
    const submitted = await submit(prepared.flatMap((p) => (p.ok ? [p.value] : [])))
    if (!submitted.ok) return refuse(res, submitted.error, returns.length)
    const outcomes = mergeOutcomes(prepared, submitted.outcomes)

    const report = buildReport({ ...file.value, layout: layout.kind, returns, outcomes, rejections })
    for (const o of outcomes) if (o.status === 'accepted') metrics.accepted('csv', o.replayed)
    for (const r of report.results) if (r.status === 'rejected') metrics.rejected(r.error.code)
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      res.status(200).type('text/csv; charset=utf-8').send(await reportAsCsv(report))
    } else {
      res.status(200).json(report)
    }
  })

  return router
}

function parseCsvQuery(query: unknown): Parsed<CsvQuery> {
  const parsed = CsvQuerySchema.safeParse(query)
  if (parsed.success) return { ok: true, value: parsed.data }
  return {
    ok: false,
    error: apiError(400, 'invalid-query', 'The query takes only electionId and contestId, once each; see the fields.', fieldsFromZod(parsed.error)),
  }
}

/**
 * Where rows without an election or contest column belong: the query says, else the token's
 * election, else the only election loaded. A question nobody answered is refused for the whole file,
 * rather than once per row.
 */
function defaultsFor(elections: ScopedElections, query: CsvQuery, scope: ClientScope, layout: CsvLayout): Parsed<CsvDefaults> {
  const loaded = elections.summaries().map((s) => s.id)
  const electionId = query.electionId ?? (scope === 'all' ? undefined : scope.electionId) ?? (loaded.length === 1 ? loaded[0] : undefined)
  const hasElectionColumn = layout.kind === 'simple' && layout.columns.election !== undefined
  if (electionId === undefined) {
    if (hasElectionColumn) return { ok: true, value: { electionId, contestId: query.contestId } }
    return {
      ok: false,
      error: apiError(422, 'unknown-election', `Several elections are loaded (${loaded.join(', ')}): name the file's with ?electionId= or an election column.`, [
        { path: 'electionId', message: 'which election?' },
      ]),
    }
  }
  const definition = elections.definition(electionId)
  if (definition === undefined) {
    if (query.electionId === undefined && hasElectionColumn) return { ok: true, value: { electionId, contestId: query.contestId } }
    return { ok: false, error: apiError(422, 'unknown-election', `No election "${electionId}" is loaded.`, [{ path: 'electionId', message: 'unknown election' }]) }
  }
  if (query.contestId !== undefined && !definition.election.contests.some((c) => c.id === query.contestId)) {
    return {
      ok: false,
      error: apiError(422, 'unknown-contest', `Election "${electionId}" has no contest "${query.contestId}".`, [{ path: 'contestId', message: 'unknown contest' }]),
    }
  }
  return { ok: true, value: { electionId, contestId: query.contestId } }
}
