// Readers get pages gzip- or brotli-compressed, but compressing 100k pages per request (or per
// cache miss) is work the front ends should not do on election night: the publisher writes
// `KEY.gz` and `KEY.br` next to each text file once, and nginx (gzip_static, brotli_static) or S3
// (Content-Encoding) serve them as they are.
//
// The work runs in worker threads (variant-worker.ts): the main thread renders on one core while
// the workers compress, and, when the storage is a plain folder, write the files themselves. A
// France render is a million files: with the writes on the main thread, their system calls (open,
// write, close, rename, mkdir) kept one core busy while the workers waited for work.
import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { buildSync } from 'esbuild'
import { plainFolderOf, resolveKey } from './fs-storage.js'
import type { Storage, StoredObjectMeta } from './storage.js'
import { asBuffer, BROTLI_QUALITY, GZIP_LEVEL, type BatchAnswer, type BatchJob, type Job, type WorkerOptions } from './variant-worker-protocol.js'

/** Text formats; images, fonts and archives are already compressed. */
const COMPRESSIBLE_EXTENSIONS = ['.html', '.json', '.csv', '.svg', '.xml', '.txt', '.css', '.js']

/**
 * A worker's young generation (V8's nursery for new objects). A worker allocates few objects of
 * its own (its bodies are ArrayBuffers, outside V8's heap), but left at V8's default each worker
 * grew a nursery of tens of MB: a France rebuild peaked at 822 MB of RSS with the default and
 * 745 MB with 4 MB (2 MB: 725, 8 MB: 781), in the same time (bench/publish-rebuild.ts).
 */
const WORKER_YOUNG_GENERATION_MB = 4

/** Worker threads, one per core (two on the reference machine): compression is most of the CPU. */
const WORKERS = Math.max(1, Math.min(availableParallelism(), 4))

export const VARIANT_SUFFIXES = ['.gz', '.br'] as const

export interface CompressedVariant {
  /** Appended to the key of the original: `index.html.gz`. */
  suffix: (typeof VARIANT_SUFFIXES)[number]
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

/** One file for a VariantWriter. */
export interface FileToWrite {
  key: string
  body: Buffer
  meta: StoredObjectMeta
  /** Written with its `.gz` and `.br`, before the file itself. */
  variants: boolean
  /** Without variants now, but an older version may have had them: removed before the file is replaced. */
  removeStaleVariants: boolean
  /**
   * The caller is done with `body`: a writer thread that writes the file itself takes its memory
   * over (moved, not copied: France's NIST report is 75 MB) and `body` is left empty. A body
   * made by releasableBuffer() is also given back to the system as soon as its batch is written.
   */
  handOver?: boolean
}

/**
 * A Buffer of `size` bytes for a large file handed over to a writer thread, which gives its memory
 * back as soon as the file is written (an ArrayBuffer resized to nothing). Any other Buffer lives
 * on in the thread until the thread's next garbage collection, and a writer thread allocates so
 * little of its own that France's 75 MB NIST report was still held when the next one was rendered.
 */
export function releasableBuffer(size: number): Buffer {
  return Buffer.from(new ArrayBuffer(size, { maxByteLength: size }), 0, size)
}

export interface FileWritten {
  key: string
  variantsWritten: number
  /** Size of the `.gz` variant, when there is one. */
  gzipBytes: number | undefined
}

/** What a batch did: the files completely written (variants included), then the first failure if any. */
export interface BatchOutcome {
  written: FileWritten[]
  error?: Error
}

export interface VariantWriter {
  /**
   * Writes each file with its variants first (whoever sees the new file, as nginx's gzip_static
   * and brotli_static look for KEY.gz and KEY.br next to it, can get its variants too), or alone
   * after removing stale variants. Never rejects: a failure is reported with what was written.
   */
  write(files: readonly FileToWrite[]): Promise<BatchOutcome>
}

/**
 * Same bytes in, same bytes out: node's gzip header carries no file name and a zero mtime, and
 * brotli has no header fields at all, so unchanged pages give unchanged variants.
 */
export function createVariantWriter(storage: Storage): VariantWriter {
  const pool = sharedPool()
  const folder = plainFolderOf(storage)
  if (folder !== undefined) {
    return {
      async write(files) {
        // Keys are checked here, in the thread that owns the Storage's rules: the worker gets paths.
        let paths: string[]
        try {
          paths = files.map((f) => resolveKey(folder, f.key))
        } catch (err) {
          return { written: [], error: err as Error }
        }
        const job = files.map((f, i) => ({ path: paths[i] as string, folder: dirname(paths[i] as string), body: f.body, variants: f.variants, removeStaleVariants: f.removeStaleVariants }))
        // A worker that died took its batch with it: which of its files were written is unknown, so none count.
        const handedOver = new Set(files.filter((f) => f.handOver && ownsItsMemory(f.body)).map((f) => f.body.buffer as ArrayBuffer))
        return pool.run({ op: 'write', files: job }, [...handedOver]).then((answer) => outcomeOf(files, answer), (err: Error) => ({ written: [], error: err }))
      },
    }
  }
  return {
    async write(files) {
      const withVariants = files.filter((f) => f.variants)
      const compressed = withVariants.length > 0 ? await pool.run({ op: 'compress', bodies: withVariants.map((f) => f.body) }).catch((err: Error) => ({ error: err.message, variants: [] })) : { variants: [] }
      if ('error' in compressed && compressed.error !== undefined) return { written: [], error: new Error(`compression failed: ${compressed.error}`) }
      const variantsOf = new Map(withVariants.map((f, i) => [f, compressed.variants[i]]))
      const settled = await Promise.allSettled(files.map((f) => putWithVariants(storage, f, variantsOf.get(f))))
      const written: FileWritten[] = []
      let error: Error | undefined
      settled.forEach((s, i) => {
        const file = files[i] as FileToWrite
        if (s.status === 'fulfilled') written.push({ key: file.key, variantsWritten: s.value.length, gzipBytes: s.value[0]?.body.length })
        else error ??= s.reason instanceof Error ? s.reason : new Error(String(s.reason))
      })
      return error ? { written, error } : { written }
    },
  }
}

/** One file through Storage.put: its variants first, or its stale variants removed first. */
async function putWithVariants(storage: Storage, file: FileToWrite, compressed: { gz: Uint8Array; br: Uint8Array } | undefined): Promise<CompressedVariant[]> {
  const variants: CompressedVariant[] = compressed
    ? [
        { suffix: '.gz', encoding: 'gzip', body: asBuffer(compressed.gz) },
        { suffix: '.br', encoding: 'br', body: asBuffer(compressed.br) },
      ]
    : []
  if (variants.length > 0) await Promise.all(variants.map((v) => storage.put(`${file.key}${v.suffix}`, v.body, { ...file.meta, contentEncoding: v.encoding })))
  // Removed before the file is replaced, so a reader gets the old file or the new one, never a mix.
  else if (file.removeStaleVariants) await Promise.all(VARIANT_SUFFIXES.map((suffix) => storage.delete(`${file.key}${suffix}`)))
  await storage.put(file.key, file.body, file.meta)
  return variants
}

function outcomeOf(files: readonly FileToWrite[], answer: BatchAnswer): BatchOutcome {
  const written = files.slice(0, answer.done).map((f, i) => ({ key: f.key, variantsWritten: f.variants ? 2 : 0, gzipBytes: answer.gzipBytes?.[i] ?? undefined }))
  return answer.error === undefined ? { written } : { written, error: new Error(answer.error) }
}

/** Small Buffers share a pool with others: only one alone in its memory can be moved to a thread. */
function ownsItsMemory(body: Buffer): boolean {
  return body.buffer instanceof ArrayBuffer && body.byteOffset === 0 && body.byteLength === body.buffer.byteLength
}


export type Compressor = ReturnType<typeof createCompressor>

/** The variants of one body, for callers that store them themselves. */
export function createCompressor() {
  const pool = sharedPool()
  return {
    async variants(body: Buffer): Promise<CompressedVariant[]> {
      const answer = await pool.run({ op: 'compress', bodies: [body] })
      const pair = answer.variants[0]
      if (answer.error !== undefined || !pair) throw new Error(`compression failed: ${answer.error ?? 'no output'}`)
      return [
        { suffix: '.gz', encoding: 'gzip', body: asBuffer(pair.gz) },
        { suffix: '.br', encoding: 'br', body: asBuffer(pair.br) },
      ]
    },
  }
}

let pool: WorkerPool | undefined

/**
 * A worker thread does not inherit the TypeScript loader the main thread registered (bin/elections.js,
 * or tap's). Registering tsx in each worker cost 35 MB per worker (measured: two workers took a
 * process from 51 to 120 MB, against 80 MB this way), because the loader runs its hooks on a thread
 * of its own: instead, variant-worker.ts and the few modules it imports are bundled once per
 * process into one CommonJS script (about 4 KB, 0.1 s, with esbuild, which tsx itself runs on), and
 * each worker evaluates that script.
 */
let workerScript: string | undefined

function variantWorkerScript(): string {
  workerScript ??= buildSync({
    entryPoints: [fileURLToPath(new URL('./variant-worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node}`,
    write: false,
    logLevel: 'silent',
  }).outputFiles[0]?.text
  assert(workerScript, 'esbuild produced no script for variant-worker.ts')
  return workerScript
}

/**
 * One pool per process, its workers started on first use: each costs a few hundred ms to start.
 * Their script is bundled now, when the writer is created (a service's start), not by the first
 * job: the bundling blocks the event loop (120–450 ms measured here), and the first job runs in
 * the publisher's first cycle, while the lock it holds must be renewed on time.
 */
function sharedPool(): WorkerPool {
  variantWorkerScript()
  pool ??= new WorkerPool(WORKERS, { gzipLevel: GZIP_LEVEL, brotliQuality: BROTLI_QUALITY })
  return pool
}

interface Pending {
  resolve: (answer: BatchAnswer) => void
  reject: (err: Error) => void
}

interface Slot {
  worker: Worker
  /** Jobs sent to this worker and not answered yet. */
  jobs: Map<number, Pending>
}

/**
 * Jobs go to the worker with the fewest pending. Workers keep the process alive only while they
 * have jobs, so a publisher or a finder build exits without closing them. A worker that dies
 * fails its jobs in flight (their cycle fails and is retried) and is replaced on the next job.
 */
class WorkerPool {
  private readonly workers: Slot[] = []
  private nextId = 0

  constructor(
    private readonly size: number,
    private readonly options: WorkerOptions,
  ) {}

  /** `transfer`: memory moved to the worker rather than copied (the sender no longer uses it). */
  run(job: Job, transfer: ArrayBuffer[] = []): Promise<BatchAnswer> {
    const slot = this.pick()
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      if (slot.jobs.size === 0) slot.worker.ref()
      slot.jobs.set(id, { resolve, reject })
      slot.worker.postMessage({ ...job, id } satisfies BatchJob, transfer)
    })
  }

  private pick(): Slot {
    if (this.workers.length < this.size) return this.start()
    let best = this.workers[0]
    assert(best)
    for (const w of this.workers) if (w.jobs.size < best.jobs.size) best = w
    return best
  }

  private start(): Slot {
    const worker = new Worker(variantWorkerScript(), { eval: true, workerData: this.options, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } })
    const slot: Slot = { worker, jobs: new Map() }
    worker.unref()
    worker.on('message', (answer: BatchAnswer) => {
      const job = slot.jobs.get(answer.id)
      slot.jobs.delete(answer.id)
      if (slot.jobs.size === 0) worker.unref()
      job?.resolve(answer)
    })
    worker.on('error', (err) => this.fail(slot, err))
    worker.on('exit', (code) => this.fail(slot, new Error(`compression worker exited (${code})`)))
    this.workers.push(slot)
    return slot
  }

  private fail(slot: Slot, err: Error): void {
    const i = this.workers.indexOf(slot)
    if (i < 0) return
    this.workers.splice(i, 1)
    for (const job of slot.jobs.values()) job.reject(err)
    slot.jobs.clear()
  }
}
