// POST /v1/scans: an API client uploads the scan of a signed tally sheet (the raw file as the
// body), gets back its reference {sha256, contentType, bytes}, and sends that reference as the
// `scan` of its return. The same checklist as the returns: authenticate → rate limit → read →
// check the bytes → store durably → answer. Uploading the same file again is harmless: it has
// the same key and gets the same answer.
import express, { Router, type Request, type Response } from 'express'
import { sniffScanType } from '../core/scans.js'
import { apiError, sendApiError, type ApiError } from './api-errors.js'
import type { Authenticator } from './api-auth.js'
import type { IngestMetrics } from './ingest-metrics.js'
import type { RateLimits } from './rate-limit.js'
import { admitClient } from './returns-routes.js'
import { SCAN_RETRY_AFTER_S, type ScanStore } from './scan-store.js'

export const SCANS_PATH = '/v1/scans'

/** The declared types accepted; the bytes decide in the end, and must agree with a specific one. */
export const SCAN_UPLOAD_TYPES = ['image/jpeg', 'image/png', 'application/pdf', 'application/octet-stream'] as const

export interface ScansRoutesDeps {
  authenticate: Authenticator
  limits: Pick<RateLimits, 'admit'>
  scans: ScanStore
  metrics: IngestMetrics
}

export function scansRoutes(deps: ScansRoutesDeps): Router {
  const { scans, metrics } = deps
  const router = Router()
  const readRaw = express.raw({ limit: scans.maxBytes, type: () => true })
  const refuse = (res: Response, error: ApiError) => {
    metrics.rejected(error.code)
    sendApiError(res, error)
  }

  router.post(SCANS_PATH, async (req: Request, res: Response) => {
    const auth = await admitClient(deps, req)
    if (!auth.ok) return refuse(res, auth.error)
    const declared = (req.get('Content-Type') ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
    if (!(SCAN_UPLOAD_TYPES as readonly string[]).includes(declared)) return refuse(res, unsupportedType(`"${declared || 'none'}" is declared`))
    const body = await new Promise<Buffer | ApiError>((resolve) => {
      readRaw(req, res, (err: unknown) => (err === undefined ? resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)) : resolve(readError(err, scans.maxBytes))))
    })
    if (!Buffer.isBuffer(body)) return refuse(res, body)
    const actual = sniffScanType(body)
    if (body.length > 0 && actual !== undefined && declared !== 'application/octet-stream' && actual !== declared) {
      return refuse(res, unsupportedType(`the body is declared ${declared} but its bytes are ${actual}`))
    }
    const stored = await scans.store(body)
    if (!stored.ok) return refuse(res, storeError(stored.reason, scans.maxBytes))
    res.status(201).json(stored.scan)
  })

  return router
}

function unsupportedType(why: string): ApiError {
  return apiError(415, 'unsupported-media-type', `A scan is a JPEG or PNG image or a PDF, recognised by its first bytes; ${why}. Send it with Content-Type image/jpeg, image/png or application/pdf.`)
}

function tooLarge(maxBytes: number): ApiError {
  return apiError(413, 'body-too-large', `The scan is larger than the limit of ${maxBytes} bytes; send a lighter image or PDF.`)
}

function readError(err: unknown, maxBytes: number): ApiError {
  const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : ''
  if (type === 'entity.too.large') return tooLarge(maxBytes)
  return apiError(400, 'invalid-body', 'The scan could not be read completely; send it again.')
}

function storeError(reason: 'empty' | 'too-large' | 'not-a-scan' | 'storage-failed', maxBytes: number): ApiError {
  switch (reason) {
    case 'empty':
      return apiError(400, 'invalid-body', 'The body is empty: send the scan’s bytes as the body.')
    case 'too-large':
      return tooLarge(maxBytes)
    case 'not-a-scan':
      return unsupportedType('these bytes are none of them')
    case 'storage-failed':
      return {
        ...apiError(503, 'not-durable', 'The scan could not be stored, so no reference is given; retry shortly.'),
        retryAfterSeconds: SCAN_RETRY_AFTER_S,
      }
  }
}
