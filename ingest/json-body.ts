// Reading a JSON body as a step of the handler rather than as app-wide middleware, so the body is
// read only after the client is authenticated, and every failure is a value with a code.
//
// Nearly every body on the night is the same kind: a few hundred bytes of UTF-8 JSON with a
// Content-Length and no Content-Encoding. Those are read directly (measured with
// bench/ingest-throughput.ts: body-parser's general machinery was a visible share of a request);
// anything else (gzip, a chunked body, another declared charset, a declared length over the limit)
// goes through express.json, which handles and refuses every case. Both give the same results:
// a BOM is dropped, an empty body is {}, only an object or an array is accepted.
import express, { type Request, type Response } from 'express'
import { apiError } from './api-errors.js'
import type { Parsed } from './return-request.js'

export type JsonBodyReader = (req: Request, res: Response) => Promise<Parsed<unknown>>

export function createJsonBodyReader(maxBodyBytes: number): JsonBodyReader {
  // strict: only objects and arrays, which is all this API accepts.
  const parse = express.json({ limit: maxBodyBytes, strict: true, type: 'application/json' })
  return async (req, res) => {
    if (!req.is('application/json')) {
      return { ok: false, error: apiError(415, 'unsupported-media-type', 'Send the body as JSON with "Content-Type: application/json".') }
    }
    if (isPlainUtf8(req, maxBodyBytes)) return readPlain(req)
    const err = await new Promise<unknown>((resolve) => {
      parse(req, res, resolve)
    })
    if (err === undefined) return { ok: true, value: req.body as unknown }
    return { ok: false, error: bodyReadError(err, maxBodyBytes) }
  }
}

/** Uncompressed, with a length within the limit, and UTF-8 (declared or by default). */
function isPlainUtf8(req: Request, maxBodyBytes: number): boolean {
  const encoding = req.headers['content-encoding']
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false
  const length = req.headers['content-length']
  if (length === undefined || !/^[0-9]{1,15}$/.test(length) || Number(length) > maxBodyBytes) return false
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(req.headers['content-type'] ?? '')?.[1]
  return charset === undefined || charset.toLowerCase() === 'utf-8'
}

/** Node's parser delivers exactly Content-Length bytes, or the request is aborted. */
function readPlain(req: Request): Promise<Parsed<unknown>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const incomplete = () => resolve({ ok: false, error: apiError(400, 'invalid-json', 'The body could not be read completely.') })
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('error', incomplete)
    req.on('aborted', incomplete)
    req.on('end', () => {
      let text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8')
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
      resolve(parseStrict(text))
    })
  })
}

function parseStrict(text: string): Parsed<unknown> {
  const invalid = { ok: false as const, error: apiError(400, 'invalid-json', 'The body is not a valid JSON object.') }
  if (text.length === 0) return { ok: true, value: {} }
  const first = /[^ \t\n\r]/.exec(text)?.[0]
  if (first !== '{' && first !== '[') return invalid
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch {
    return invalid
  }
}

function bodyReadError(err: unknown, maxBodyBytes: number) {
  const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : ''
  switch (type) {
    case 'entity.parse.failed':
      return apiError(400, 'invalid-json', 'The body is not a valid JSON object.')
    case 'entity.too.large':
      return apiError(413, 'body-too-large', `The body is larger than the limit of ${maxBodyBytes} bytes; send smaller batches.`)
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return apiError(415, 'unsupported-media-type', 'Send the body as UTF-8 JSON, uncompressed or gzip-encoded.')
    default:
      // Aborted or truncated uploads: the client's connection, not its content.
      return apiError(400, 'invalid-json', 'The body could not be read completely.')
  }
}
