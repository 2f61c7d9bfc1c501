// Scans of signed tally sheets, for the web form and the API: recognised by their first bytes
// (JPEG, PNG, PDF; never by a name or a declared type), stored durably under a key derived from
// their SHA-256 in a private Storage (a folder outside the published output, or a bucket
// prefix), BEFORE any return refers to them. A stored scan is remembered in the cache, so checking
// a return's reference rarely has to read the file back.
import { createHash } from 'node:crypto'
import { scanStorageKey, sniffScanType } from '../core/scans.js'
import type { ScanRef } from '../core/schemas.js'
import type { Cache } from '../infra/cache/cache.js'
import type { Logger } from '../infra/logging.js'
import type { Storage } from '../infra/storage/storage.js'
import { apiError } from './api-errors.js'
import type { Parsed } from './return-request.js'
import type { Submission } from './return-submission.js'

export const DEFAULT_SCAN_MAX_BYTES = 10_000_000
/** How long the cache remembers a stored scan (the storage keeps it for good). */
const STORED_MARK_TTL_MS = 48 * 60 * 60 * 1000
export const SCAN_RETRY_AFTER_S = 5

export type StoredScan =
  | { ok: true; scan: ScanRef }
  | { ok: false; reason: 'empty' | 'too-large' | 'not-a-scan' | 'storage-failed' }

export interface ScanStore {
  readonly maxBytes: number
  /** Checks and stores the file; the reference is given only once the storage has it durably. */
  store(bytes: Buffer): Promise<StoredScan>
  /** True when this exact scan (SHA-256, type and size) is stored: a return may then refer to it. */
  has(scan: ScanRef): Promise<boolean>
}

export function createScanStore(deps: { storage: Storage; cache: Cache; logger: Logger; maxBytes: number }): ScanStore {
  const { storage, cache, logger, maxBytes } = deps
  const markKey = (sha256: string) => `ingest:scan:${sha256}`
  const mark = (scan: ScanRef) => `${scan.contentType} ${scan.bytes}`

  const remember = async (scan: ScanRef) => {
    // Only a shortcut for has(): losing it costs one read of the file, never a wrong answer.
    await cache.set(markKey(scan.sha256), mark(scan), STORED_MARK_TTL_MS).catch((err: unknown) => {
      logger.warn({ err, sha256: scan.sha256 }, 'ingest: could not remember a stored scan in the cache')
    })
  }

  return {
    maxBytes,
    async store(bytes) {
      if (bytes.length === 0) return { ok: false, reason: 'empty' }
      if (bytes.length > maxBytes) return { ok: false, reason: 'too-large' }
      const contentType = sniffScanType(bytes)
      if (contentType === undefined) return { ok: false, reason: 'not-a-scan' }
      const scan: ScanRef = { sha256: createHash('sha256').update(bytes).digest('hex'), contentType, bytes: bytes.length }
      try {
        await storage.put(scanStorageKey(scan), bytes, { contentType, cacheControl: 'private, no-store' })
      } catch (err) {
        logger.error({ err, sha256: scan.sha256, storage: storage.describe() }, 'ingest: a scan could not be stored')
        return { ok: false, reason: 'storage-failed' }
      }
      await remember(scan)
      return { ok: true, scan }
    },
    async has(scan) {
      const marked = await cache.get(markKey(scan.sha256)).catch(() => undefined)
      if (marked === mark(scan)) return true
      const stored = await storage.get(scanStorageKey(scan))
      const same = stored !== undefined && stored.length === scan.bytes && sniffScanType(stored) === scan.contentType
      if (same) await remember(scan)
      return same
    },
  }
}

/**
 * Refuses the submissions whose scan reference names no stored scan (422 `unknown-scan`), so a
 * return never points at a missing file. Items already refused pass through untouched.
 */
export async function checkScanReferences(store: ScanStore, prepared: readonly Parsed<Submission>[]): Promise<Parsed<Submission>[]> {
  return Promise.all(
    prepared.map(async (p): Promise<Parsed<Submission>> => {
      const scan = p.ok ? p.value.message.scan : undefined
      if (scan === undefined) return p
      let stored: boolean
      try {
        stored = await store.has(scan)
      } catch {
        return { ok: false, error: { ...apiError(503, 'not-durable', 'The scan storage did not answer, so the return was not stored; retry shortly.'), retryAfterSeconds: SCAN_RETRY_AFTER_S } }
      }
      if (stored) return p
      return {
        ok: false,
        error: apiError(422, 'unknown-scan', `No scan ${scan.sha256} (${scan.contentType}, ${scan.bytes} bytes) was uploaded: upload it with POST /v1/scans first, then send its answer as "scan".`, [
          { path: 'scan', message: 'no such scan was uploaded' },
        ]),
      }
    }),
  )
}
