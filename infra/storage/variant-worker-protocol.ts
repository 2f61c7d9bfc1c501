// The messages between compressed-variants.ts and its worker threads (variant-worker.ts), and the
// compression settings both sides agree on.

// Level 6, not 9: on the 2017 pages it gives the same size (29.7 % vs 29.6 % of the plain bytes)
// for about 40 % of the CPU, measured while choosing it.
export const GZIP_LEVEL = 6
// Measured on the 107,542 real pages of the 2017 first round (356 MB, min of 3 runs, CPU time for
// all of France): quality 4 → 102 MB in 7.2 s, 5 → 97 MB in 7.7 s, 6 → 97 MB in 8.1 s,
// 7 → 97 MB in 10.4 s, 11 → 85 MB in ~400 s. 5 is the knee: 5 % smaller than 4 for about the same
// CPU, while higher qualities cost more CPU for nothing until 11, which no cycle can afford.
export const BROTLI_QUALITY = 5

export interface WorkerOptions {
  gzipLevel: number
  brotliQuality: number
}

/** A file the worker writes itself, into a folder the main thread has checked the key against. */
export interface FolderFile {
  path: string
  folder: string
  body: Uint8Array
  variants: boolean
  removeStaleVariants: boolean
}

/** 'compress': the variants of each body, sent back. 'write': each file written into its folder. */
export type Job = { op: 'compress'; bodies: Uint8Array[] } | { op: 'write'; files: FolderFile[] }

export type BatchJob = Job & { id: number }

export interface BatchAnswer {
  id: number
  /** Files done, in order ('write'); bodies compressed ('compress'). */
  done: number
  /** 'compress': both variants of each body done (transferred, not copied). */
  variants: { gz: Uint8Array; br: Uint8Array }[]
  /** 'write': size of each file's .gz, null for a file without variants. */
  gzipBytes?: (number | null)[]
  /** The first failure; the files after it were not attempted. */
  error?: string
}

/**
 * A Buffer over the same memory as `bytes`, for Buffer's methods. Buffer.from(aUint8Array) copies
 * instead: the worker comparing France's NIST report with it took 75 MB more at the cycle's peak.
 */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
