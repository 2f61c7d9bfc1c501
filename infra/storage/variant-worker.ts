// A worker thread of compressed-variants.ts: compresses bodies into their .gz and .br, and, for a
// folder storage, writes each file itself (variants first, each through a temporary file and a
// rename, as fs-storage.ts does), with synchronous calls: one thread per core does nothing else.
import { mkdirSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { join } from 'node:path'
import { replaceFileSync, temporaryNames, unlinkIfPresentSync } from './fs-storage.js'
import { asBuffer, type BatchAnswer, type BatchJob, type FolderFile, type WorkerOptions } from './variant-worker-protocol.js'

const options = workerData as WorkerOptions
const brotli = { params: { [constants.BROTLI_PARAM_QUALITY]: options.brotliQuality, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }
const tmpName = temporaryNames()
/** Folders known to exist; a France render writes into 105,000 of them. */
const knownFolders = new Set<string>()
const MAX_KNOWN_FOLDERS = 500_000

/**
 * The last body compressed in the batch running, and its variants: the publisher writes a download
 * under its live and its content-addressed key in the same batch (tens of megabytes for France),
 * compressed once. Forgotten at the end of the batch, so a worker does not hold them until its next.
 */
let last: { body: Uint8Array; gz: Uint8Array; br: Uint8Array } | undefined

function compress(body: Uint8Array): { gz: Uint8Array; br: Uint8Array } {
  if (last && (last.body === body || (last.body.byteLength === body.byteLength && asBuffer(last.body).equals(body)))) return last
  const gz = own(gzipSync(body, { level: options.gzipLevel }))
  const br = own(brotliCompressSync(body, brotli))
  last = { body, gz, br }
  return last
}

/**
 * Gives back the memory of a body made by releasableBuffer() (compressed-variants.ts) now, not at
 * this thread's next garbage collection. The body is this thread's alone: moved here, or a copy.
 */
function release(body: Uint8Array): void {
  const memory = body.buffer
  if (memory instanceof ArrayBuffer && memory.resizable) memory.resize(0)
}

/** A copy in a buffer of its own: zlib's results may be views of a larger pool, which cannot be transferred alone. */
function own(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.byteLength)
  out.set(b)
  return out
}

function writeFile(file: FolderFile): number | null {
  if (!knownFolders.has(file.folder)) {
    mkdirSync(file.folder, { recursive: true })
    if (knownFolders.size >= MAX_KNOWN_FOLDERS) knownFolders.clear()
    knownFolders.add(file.folder)
  }
  const put = (path: string, body: Uint8Array) => {
    try {
      replaceFileSync(file.folder, join(file.folder, tmpName()), path, body)
    } catch (err) {
      // The folder was removed behind our back (an operator cleaning the output): recreate it.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      mkdirSync(file.folder, { recursive: true })
      replaceFileSync(file.folder, join(file.folder, tmpName()), path, body)
    }
  }
  let gzipBytes: number | null = null
  if (file.variants) {
    const { gz, br } = compress(file.body)
    put(`${file.path}.gz`, gz)
    put(`${file.path}.br`, br)
    gzipBytes = gz.byteLength
  } else if (file.removeStaleVariants) {
    unlinkIfPresentSync(`${file.path}.gz`)
    unlinkIfPresentSync(`${file.path}.br`)
  }
  put(file.path, file.body)
  return gzipBytes
}

function run(job: BatchJob): { answer: BatchAnswer; transfer: ArrayBuffer[] } {
  const answer: BatchAnswer = { id: job.id, done: 0, variants: [] }
  const transfer: ArrayBuffer[] = []
  try {
    switch (job.op) {
      case 'compress':
        for (const body of job.bodies) {
          // Copies: the same pair may be answered twice, and a transferred buffer is gone.
          const { gz, br } = compress(body)
          const pair = { gz: own(gz), br: own(br) }
          answer.variants.push(pair)
          transfer.push(pair.gz.buffer as ArrayBuffer, pair.br.buffer as ArrayBuffer)
          answer.done++
        }
        break
      case 'write':
        answer.gzipBytes = []
        try {
          for (const file of job.files) {
            answer.gzipBytes.push(writeFile(file))
            answer.done++
          }
        } finally {
          // After the whole batch: a download's live and content-addressed copies share one body.
          for (const file of job.files) release(file.body)
        }
        break
      default: {
        const never: never = job
        throw new Error(`unknown job ${JSON.stringify(never)}`)
      }
    }
  } catch (err) {
    answer.error = err instanceof Error ? err.message : String(err)
  } finally {
    last = undefined
  }
  return { answer, transfer }
}

parentPort?.on('message', (job: BatchJob) => {
  const { answer, transfer } = run(job)
  parentPort?.postMessage(answer, transfer)
})
