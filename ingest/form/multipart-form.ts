// Reads the tally-sheet form (multipart/form-data: the figures and an optional scan) with busboy.
// A file over the size limit is not an error of the request: the rest of the body is still read,
// so the figures arrive and the page can say "file too large" while keeping them. Only a body far
// beyond any scan is cut off, since reading it would cost more than the answer is worth.
import busboy from 'busboy'
import type { Request } from 'express'

export interface UploadedFile {
  /** The name the browser gave, for showing back only (never used as a path). */
  filename: string
  /** Undefined when the file went over the limit (its bytes were discarded). */
  bytes: Buffer | undefined
}

export interface MultipartForm {
  fields: Map<string, string>
  /** Undefined when no file was chosen (browsers send an empty part then). */
  file: UploadedFile | undefined
}

export type ReadMultipart = { ok: true; form: MultipartForm } | { ok: false; reason: 'not-multipart' | 'malformed' | 'too-large' }

export interface MultipartLimits {
  /** The one file field read; other file fields are discarded. */
  fileField: string
  maxFileBytes: number
  maxFields: number
  /** A figure or a token is short; anything longer is cut to this and then refused by its reader. */
  maxFieldBytes: number
}

/** Beyond the file limit, this much more is still read so the figures are not lost. */
const DRAIN_ALLOWANCE_BYTES = 64 * 1024 * 1024

export function readMultipartForm(req: Request, limits: MultipartLimits): Promise<ReadMultipart> {
  if (!req.is('multipart/form-data')) return Promise.resolve({ ok: false, reason: 'not-multipart' })
  return new Promise((resolve) => {
    const fields = new Map<string, string>()
    let file: UploadedFile | undefined
    let settled = false
    const settle = (outcome: ReadMultipart) => {
      if (settled) return
      settled = true
      resolve(outcome)
    }

    let parser: busboy.Busboy
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: {
          fileSize: limits.maxFileBytes,
          files: 1,
          fields: limits.maxFields,
          fieldSize: limits.maxFieldBytes,
          parts: limits.maxFields + 1,
        },
      })
    } catch {
      // No boundary, or an unknown Content-Type parameter.
      settle({ ok: false, reason: 'malformed' })
      req.resume()
      return
    }

    parser.on('field', (name, value) => {
      if (!fields.has(name)) fields.set(name, value)
    })
    parser.on('file', (name, stream, info) => {
      if (name !== limits.fileField) {
        stream.resume()
        return
      }
      const chunks: Buffer[] = []
      let tooLarge = false
      stream.on('data', (chunk: Buffer) => {
        if (!tooLarge) chunks.push(chunk)
      })
      stream.on('limit', () => {
        tooLarge = true
        chunks.length = 0
      })
      stream.on('end', () => {
        const bytes = Buffer.concat(chunks)
        // No file chosen: an empty part without a name.
        if (info.filename === undefined || (info.filename === '' && bytes.length === 0 && !tooLarge)) return
        file = { filename: info.filename.slice(0, 200), bytes: tooLarge ? undefined : bytes }
      })
    })
    parser.on('error', () => settle({ ok: false, reason: 'malformed' }))
    parser.on('close', () => settle({ ok: true, form: { fields, file } }))

    let received = 0
    const cutOff = limits.maxFileBytes + DRAIN_ALLOWANCE_BYTES
    req.on('data', (chunk: Buffer) => {
      received += chunk.length
      if (received > cutOff) {
        req.unpipe(parser)
        settle({ ok: false, reason: 'too-large' })
        req.destroy()
      }
    })
    req.on('error', () => settle({ ok: false, reason: 'malformed' }))
    req.on('aborted', () => settle({ ok: false, reason: 'malformed' }))
    req.pipe(parser)
  })
}
