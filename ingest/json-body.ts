// Reading a JSON body as a step of the handler rather than as app-wide middleware, so the body is
// read only after the client is authenticated, and every failure is a value with a code.
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
    const err = await new Promise<unknown>((resolve) => {
      parse(req, res, resolve)
    })
    if (err === undefined) return { ok: true, value: req.body as unknown }
    return { ok: false, error: bodyReadError(err, maxBodyBytes) }
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
