// Readers get pages gzip- or brotli-compressed, but compressing 100k pages per request (or per
// cache miss) is work the front ends should not do on election night: the publisher writes
// `KEY.gz` and `KEY.br` next to each text file once, and nginx (gzip_static, brotli_static) or S3
// (Content-Encoding) serve them as they are.
//
// Compression runs in worker threads (see WORKERS): the main thread renders on one core while the
// workers compress on the other, the event loop never blocks, and memory holds only the files in
// flight (the site writer bounds them).
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'

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
 * Compression runs in worker threads, one per core (two on the reference machine), each
 * compressing a file's two variants with zlib's synchronous calls. It was on libuv's pool through
 * zlib's async functions, where each call builds a stream: on a France rebuild (840,000 variants)
 * the main thread spent more time driving those streams than rendering the pages. A job is now one
 * message each way; the main thread renders while the workers compress.
 */
const WORKERS = Math.max(1, Math.min(availableParallelism(), 4))

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
export function createCompressor(workers = WORKERS) {
  const pool = new CompressionPool(workers)
  return {
    async variants(body: Buffer): Promise<CompressedVariant[]> {
      const { gz, br } = await pool.run(body)
      return [
        { suffix: '.gz', encoding: 'gzip', body: gz },
        { suffix: '.br', encoding: 'br', body: br },
      ]
    },
  }
}

/** Runs in each worker: both variants of a body, sent back in buffers of their own (transferred). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { brotliCompressSync, constants, gzipSync } = require('node:zlib')
const own = (b) => { const out = new Uint8Array(b.length); out.set(b); return out }
const brotli = { params: { [constants.BROTLI_PARAM_QUALITY]: workerData.brotliQuality, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }
parentPort.on('message', ({ id, body }) => {
  try {
    const gz = own(gzipSync(body, { level: workerData.gzipLevel }))
    const br = own(brotliCompressSync(body, brotli))
    parentPort.postMessage({ id, gz, br }, [gz.buffer, br.buffer])
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.stack || err) })
  }
})
`

interface Job {
  resolve: (v: { gz: Buffer; br: Buffer }) => void
  reject: (err: Error) => void
}

interface Slot {
  worker: Worker
  /** Jobs sent to this worker and not answered yet. */
  jobs: Map<number, Job>
}

/**
 * Jobs go to the worker with the fewest pending. Workers start on first use and keep the process
 * alive only while they have jobs, so a publisher or a finder build exits without closing them.
 */
class CompressionPool {
  private readonly workers: Slot[] = []
  private nextId = 0

  constructor(private readonly size: number) {}

  run(body: Buffer): Promise<{ gz: Buffer; br: Buffer }> {
    const slot = this.pick()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      if (slot.jobs.size === 0) slot.worker.ref()
      slot.jobs.set(id, { resolve, reject })
      // A view of a larger buffer (Node's pool) would be cloned whole: send only the file's bytes.
      slot.worker.postMessage({ id, body: body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body) })
    })
  }

  private pick(): Slot {
    if (this.workers.length < this.size) {
      const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData: { gzipLevel: GZIP_LEVEL, brotliQuality: BROTLI_QUALITY } }), jobs: new Map() }
      slot.worker.unref()
      slot.worker.on('message', (m: { id: number; gz?: Uint8Array; br?: Uint8Array; error?: string }) => {
        const job = slot.jobs.get(m.id)
        slot.jobs.delete(m.id)
        if (slot.jobs.size === 0) slot.worker.unref()
        if (!job) return
        if (m.gz && m.br) job.resolve({ gz: Buffer.from(m.gz.buffer, m.gz.byteOffset, m.gz.byteLength), br: Buffer.from(m.br.buffer, m.br.byteOffset, m.br.byteLength) })
        else job.reject(new Error(`compression failed: ${m.error ?? 'no output'}`))
      })
      slot.worker.on('error', (err) => this.fail(slot, err))
      slot.worker.on('exit', (code) => this.fail(slot, new Error(`compression worker exited (${code})`)))
      this.workers.push(slot)
      return slot
    }
    let best = this.workers[0] as Slot
    for (const w of this.workers) if (w.jobs.size < best.jobs.size) best = w
    return best
  }

  /** A worker that died fails its jobs in flight (their cycle fails and is retried); a new one replaces it. */
  private fail(slot: Slot, err: Error): void {
    const i = this.workers.indexOf(slot)
    if (i < 0) return
    this.workers.splice(i, 1)
    for (const job of slot.jobs.values()) job.reject(err)
    slot.jobs.clear()
  }
}
