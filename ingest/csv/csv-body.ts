// Reading an uploaded CSV's bytes as a step of the handler, after authentication, within the CSV
// size limit (INGEST_CSV_MAX_BYTES, larger than the JSON limit: a département's file). The text is
// decoded later, so a charset express does not know still reaches csv-text.ts and its clear answer.
import express, { type Request, type Response } from 'express'
import { apiError } from '../api-errors.js'
import type { Parsed } from '../return-request.js'

/** What spreadsheets, browsers and upload tools label a CSV file with (Windows says "ms-excel"). */
export const CSV_MEDIA_TYPES = [
  'text/csv',
  'text/plain',
  'text/tab-separated-values',
  'application/csv',
  'application/vnd.ms-excel',
  'application/gzip',
  'application/octet-stream',
]

export interface CsvBody {
  bytes: Buffer
  /** The charset parameter of Content-Type, when the client gave one. */
  charset: string | undefined
}

export type CsvBodyReader = (req: Request, res: Response) => Promise<Parsed<CsvBody>>

export function createCsvBodyReader(maxBytes: number): CsvBodyReader {
  // `Content-Encoding: gzip` is undone here, and the limit holds for the unzipped size.
  const read = express.raw({ limit: maxBytes, type: () => true, inflate: true })
  return async (req, res) => {
    if (req.is(CSV_MEDIA_TYPES) === false) {
      return {
        ok: false,
        error: apiError(415, 'unsupported-media-type', `Send the file as the request body with "Content-Type: text/csv" (one of ${CSV_MEDIA_TYPES.join(', ')}).`),
      }
    }
    const err = await new Promise<unknown>((resolve) => {
      read(req, res, resolve)
    })
    if (err !== undefined) return { ok: false, error: readError(err, maxBytes) }
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    return { ok: true, value: { bytes, charset: charsetOf(req.get('Content-Type')) } }
  }
}

function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1]
}

function readError(err: unknown, maxBytes: number) {
  const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : ''
  switch (type) {
    case 'entity.too.large':
      return apiError(413, 'body-too-large', `The file is larger than the limit of ${maxBytes} bytes; split it (by département or commune) or gzip it.`)
    case 'encoding.unsupported':
      return apiError(415, 'unsupported-media-type', 'Send the file uncompressed or with "Content-Encoding: gzip".')
    default:
      // Aborted or truncated uploads: the client's connection, not its content.
      return apiError(400, 'invalid-csv', 'The file could not be received completely; upload it again.')
  }
}
