// The bytes of a results file: gzip is recognised by its magic bytes (files are often renamed),
// and the text encoding is sniffed, because the Ministry publishes Latin-1 while re-publishers
// (data.gouv.fr mirrors, open-data repositories) usually convert to UTF-8, sometimes with a BOM.
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { createGunzip } from 'node:zlib'

export type TextEncoding = 'utf8' | 'latin1'

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b])
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf])
/** Enough to hold the header line of any layout and the first few hundred rows. */
export const SNIFF_BYTES = 64 * 1024

export async function isGzipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const head = Buffer.alloc(GZIP_MAGIC.length)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    return bytesRead === GZIP_MAGIC.length && head.equals(GZIP_MAGIC)
  } finally {
    await handle.close()
  }
}

/** The file's (decompressed) bytes. Destroying the returned stream closes the file. */
export function openByteStream(path: string, gzip: boolean): Readable {
  const file = createReadStream(path)
  if (!gzip) return file
  const gunzip = createGunzip()
  file.on('error', (err) => gunzip.destroy(err))
  gunzip.on('close', () => file.destroy())
  return file.pipe(gunzip)
}

/** The first `maxBytes` (decompressed) bytes of the file, or all of it when shorter. */
export async function readPrefix(path: string, gzip: boolean, maxBytes = SNIFF_BYTES): Promise<Buffer> {
  const stream = openByteStream(path, gzip)
  const chunks: Buffer[] = []
  let length = 0
  // Leaving the loop early destroys the stream, so a large file is not read to its end.
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk)
    length += chunk.length
    if (length >= maxBytes) break
  }
  return Buffer.concat(chunks).subarray(0, maxBytes)
}

/**
 * UTF-8 when the bytes decode as UTF-8, Latin-1 otherwise. A truncated character at the end of a
 * prefix is not an error: `stream: true` keeps it pending.
 */
export function sniffEncoding(prefix: Buffer): TextEncoding {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(prefix, { stream: true })
    return 'utf8'
  } catch {
    return 'latin1'
  }
}

export function stripBom(bytes: Buffer): Buffer {
  return bytes.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes
}

/** Thrown by the guard when a file sniffed as UTF-8 turns out not to be, further down. */
export class NotUtf8Error extends Error {
  constructor(readonly offset: number) {
    super(`invalid UTF-8 after byte ${offset}`)
    this.name = 'NotUtf8Error'
  }
}

/**
 * Passes the bytes through unchanged, minus a leading UTF-8 BOM; in UTF-8 mode it also checks
 * every byte decodes, so a Latin-1 file whose first accent lies beyond the sniffed prefix is
 * caught (and re-read as Latin-1) instead of being imported with replacement characters.
 */
export function createTextGuard(encoding: TextEncoding): Transform {
  const decoder = encoding === 'utf8' ? new TextDecoder('utf-8', { fatal: true }) : undefined
  let head: Buffer | undefined = Buffer.alloc(0)
  let offset = 0
  const check = (bytes: Buffer, final: boolean): void => {
    if (decoder === undefined) return
    try {
      decoder.decode(bytes, { stream: !final })
    } catch {
      throw new NotUtf8Error(offset)
    }
    offset += bytes.length
  }
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      try {
        let bytes = chunk
        if (head !== undefined) {
          // The BOM may, in theory, straddle two chunks: hold bytes until three have arrived.
          head = Buffer.concat([head, chunk])
          if (head.length < UTF8_BOM.length) return done()
          bytes = stripBom(head)
          head = undefined
        }
        check(bytes, false)
        done(null, bytes)
      } catch (err) {
        done(err as Error)
      }
    },
    flush(done: TransformCallback) {
      try {
        const rest = head === undefined ? Buffer.alloc(0) : stripBom(head)
        check(rest, true)
        done(null, rest.length > 0 ? rest : undefined)
      } catch (err) {
        done(err as Error)
      }
    },
  })
}
