// Where a scan of a signed tally sheet is kept: a key derived from its SHA-256, so the same file
// uploaded twice is stored once, and a return's scan reference names exactly one file. Ingest
// writes scans under this key; the desk reads them back with the same rule.
import type { ScanContentType, ScanRef } from './schemas.js'

const EXTENSIONS: Record<ScanContentType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'application/pdf': 'pdf',
}

/** `ab/ab12…ef.pdf`: a two-hex-digit folder keeps any one folder to a few hundred files on the night. */
export function scanStorageKey(scan: Pick<ScanRef, 'sha256' | 'contentType'>): string {
  return `${scan.sha256.slice(0, 2)}/${scan.sha256}.${EXTENSIONS[scan.contentType]}`
}

/** The type the file's first bytes say it is, whatever its name or declared type; undefined for anything else. */
export function sniffScanType(head: Uint8Array): ScanContentType | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => head[i] === b)
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png'
  // "%PDF-": the header a PDF reader looks for.
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return 'application/pdf'
  return undefined
}
