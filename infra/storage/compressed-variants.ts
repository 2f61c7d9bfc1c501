// Readers get pages gzip- or brotli-compressed, but compressing 100k pages per request (or per
// cache miss) is work the front ends should not do on election night: the publisher writes
// `KEY.gz` and `KEY.br` next to each text file once, and nginx (gzip_static, brotli_static) or S3
// (Content-Encoding) serve them as they are.
//
// Compression runs on libuv's thread pool (node:zlib's async functions), at most a few jobs at a
// time: the main thread renders on one core while the pool compresses on the other, the event
// loop never blocks, and memory holds only the files in flight.
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'

/** Text formats; images, fonts and archives are already compressed. */
const COMPRESSIBLE_EXTENSIONS = ['.html', '.json', '.csv', '.svg', '.xml', '.txt', '.css', '.js']

// Level 6, not 9: on the 2017 pages it gives the same size (29.7 % vs 29.6 % of the plain bytes)
// for about 40 % of the CPU, measured while choosing it.
const GZIP_LEVEL = 6
// Measured on the 107,542 real pages of the 2017 first round (356 MB, min of 3 runs, CPU time for
// all of France): quality 4 → 102 MB in 7.2 s, 5 → 97 MB in 7.7 s, 6 → 97 MB in 8.1 s,
// 7 → 97 MB in 10.4 s, 11 → 85 MB in ~400 s. 5 is the knee: 5 % smaller than 4 for about the same
// CPU, while higher qualities cost more CPU for nothing until 11, which no cycle can afford.
const BROTLI_QUALITY = 5

/**
 * Compression jobs on the thread pool at once (4 threads by default). Each async call costs the
 * main thread a dispatch and a completion, so the pool must always have the next job queued
 * while the main thread renders. Measured on a France render into memory (2 cores): 1 → 75 s,
 * 2 → 48 s, 4 → 37 s, 16 → 35 s. Four gets nearly all of it, and file-system calls, which share
 * the pool's queue, wait behind at most four jobs of a fraction of a millisecond each.
 */
const COMPRESSIONS_IN_FLIGHT = 4

const gzipAsync = promisify(gzip)
const brotliAsync = promisify(brotliCompress)

export interface CompressedVariant {
  /** Appended to the key of the original: `index.html.gz`. */
  suffix: '.gz' | '.br'
  encoding: 'gzip' | 'br'
  body: Buffer
}

export function isCompressible(key: string): boolean {
  return COMPRESSIBLE_EXTENSIONS.some((ext) => key.endsWith(ext))
}

/**
 * Below this size a file gets no variants. A polling station's results.csv is about 270 bytes and
 * its brotli about 200: one TCP segment either way, while each variant is a compression and a
 * file (open, write, rename) more, 140,000 of them for France. nginx serves such a file plain, or
 * gzips it on the fly from its `gzip_min_length` (512) up (ops/nginx/nginx.conf).
 */
export const MIN_VARIANT_BYTES = 1024

/** Whether `body` under `key` is written with its `.gz` and `.br` variants. */
export function hasVariants(key: string, body: Buffer): boolean {
  return body.length >= MIN_VARIANT_BYTES && isCompressible(key)
}

export type Compressor = ReturnType<typeof createCompressor>

/**
 * Same bytes in, same bytes out: node's gzip header carries no file name and a zero mtime, and
 * brotli has no header fields at all, so unchanged pages give unchanged variants.
 */
export function createCompressor(maxInFlight = COMPRESSIONS_IN_FLIGHT) {
  const run = limitConcurrency(maxInFlight)
  return {
    async variants(body: Buffer): Promise<CompressedVariant[]> {
      const [gz, br] = await Promise.all([
        run(() => gzipAsync(body, { level: GZIP_LEVEL })),
        run(() =>
          brotliAsync(body, {
            params: { [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT },
          }),
        ),
      ])
      return [
        { suffix: '.gz', encoding: 'gzip', body: gz },
        { suffix: '.br', encoding: 'br', body: br },
      ]
    },
  }
}

/** Runs at most `limit` tasks at once, the others in the order they came. */
function limitConcurrency(limit: number) {
  let active = 0
  const waiting: (() => void)[] = []
  return async <T>(task: () => Promise<T>): Promise<T> => {
    while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve))
    active++
    try {
      return await task()
    } finally {
      active--
      waiting.shift()?.()
    }
  }
}
