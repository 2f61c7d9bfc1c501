// The bytes of an uploaded CSV as text. Town halls save from Excel in Windows-1252, vendors send
// UTF-8 (often with a BOM), the Ministry's own files are Latin-1 and some arrive gzipped. A charset
// the client declares is honoured; without one (or with UTF-8 declared, as upload tools do
// blindly) the bytes are read as UTF-8 when they are valid UTF-8, else as Windows-1252, which reads
// every Latin-1 file the same for the characters French uses, and says so in the report.
import { promisify, TextDecoder } from 'node:util'
import { gunzip } from 'node:zlib'
import { apiError, type ApiError } from '../api-errors.js'

export type DecodedText = { ok: true; text: string; encoding: string; notes: string[] } | { ok: false; error: ApiError }

const gunzipAsync = promisify(gunzip)

const GZIP = Buffer.from([0x1f, 0x8b])
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf])
const UTF16LE_BOM = Buffer.from([0xff, 0xfe])
const UTF16BE_BOM = Buffer.from([0xfe, 0xff])

const SAVE_AS_CSV = 'Open it in your spreadsheet and save it as "CSV UTF-8" or "CSV (séparateur : point-virgule)", then upload that file.'

/** What a file that is not text is likely to be, from its first bytes. */
const NOT_TEXT: { magic: Buffer; message: string }[] = [
  { magic: Buffer.from('PK\x03\x04', 'latin1'), message: `This is a spreadsheet (.xlsx or .ods), not a CSV file. ${SAVE_AS_CSV}` },
  { magic: Buffer.from([0xd0, 0xcf, 0x11, 0xe0]), message: `This is an Excel 97–2003 spreadsheet (.xls), not a CSV file. ${SAVE_AS_CSV}` },
  { magic: Buffer.from('%PDF', 'latin1'), message: 'This is a PDF, not a CSV file. Scans of tally sheets go through the officials’ web form; this endpoint reads CSV text only.' },
]

export async function decodeCsvBytes(body: Buffer, declaredCharset: string | undefined, maxBytes: number): Promise<DecodedText> {
  const unzipped = await gunzipped(body, maxBytes)
  if (!unzipped.ok) return unzipped
  const bytes = unzipped.bytes
  const notText = NOT_TEXT.find((n) => bytes.subarray(0, n.magic.length).equals(n.magic))
  if (notText) return { ok: false, error: apiError(400, 'invalid-csv', notText.message) }

  const utf16 = startsWith(bytes, UTF16LE_BOM) ? 'utf-16le' : startsWith(bytes, UTF16BE_BOM) ? 'utf-16be' : undefined
  const declared = declaredCharset?.trim().toLowerCase()
  const label = utf16 ?? declared ?? 'utf-8'
  let decoder: TextDecoder
  try {
    decoder = new TextDecoder(label, { fatal: true })
  } catch {
    return {
      ok: false,
      error: apiError(415, 'unsupported-media-type', `The charset "${declaredCharset}" is not one this endpoint reads; send UTF-8 or Windows-1252 (Latin-1).`),
    }
  }
  if (utf16 === undefined && bytes.includes(0)) {
    return {
      ok: false,
      error: apiError(400, 'invalid-csv', `The file holds NUL bytes, so it is not CSV text (a spreadsheet, an image, or "Unicode text" without its mark?). ${SAVE_AS_CSV}`),
    }
  }
  if (decoder.encoding !== 'utf-8') return decodeAs(decoder, bytes, [])
  try {
    // A UTF-8 BOM is dropped by the decoder.
    return { ok: true, text: decoder.decode(bytes), encoding: 'utf-8', notes: [] }
  } catch {
    const said = declared === undefined ? 'The file is not valid UTF-8' : `The request said charset=${declaredCharset}, but the file is not valid UTF-8`
    const withoutBom = startsWith(bytes, UTF8_BOM) ? bytes.subarray(UTF8_BOM.length) : bytes
    return decodeAs(new TextDecoder('windows-1252'), withoutBom, [
      `${said}; it was read as Windows-1252 (Latin-1). Check that accented names came out right.`,
    ])
  }
}

function decodeAs(decoder: TextDecoder, bytes: Buffer, notes: string[]): DecodedText {
  try {
    return { ok: true, text: decoder.decode(bytes), encoding: decoder.encoding, notes }
  } catch {
    return { ok: false, error: apiError(400, 'invalid-csv', `The file is not valid ${decoder.encoding} text; save it as "CSV UTF-8" and upload it again.`) }
  }
}

/** A gzipped file (recognised by its first bytes, whatever its name) is unzipped within the size limit. */
async function gunzipped(body: Buffer, maxBytes: number): Promise<{ ok: true; bytes: Buffer } | { ok: false; error: ApiError }> {
  if (!startsWith(body, GZIP)) return { ok: true, bytes: body }
  try {
    return { ok: true, bytes: await gunzipAsync(body, { maxOutputLength: maxBytes }) }
  } catch (err) {
    if (err instanceof RangeError) {
      return { ok: false, error: apiError(413, 'body-too-large', `The file unzips to more than the limit of ${maxBytes} bytes; split it (by département, for example).`) }
    }
    return { ok: false, error: apiError(400, 'invalid-csv', 'The file starts like a gzip archive but cannot be unzipped; upload the CSV itself or an intact .gz.') }
  }
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.subarray(0, prefix.length).equals(prefix)
}
