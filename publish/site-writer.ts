// Writes one cycle's files through the Storage interface: a file whose bytes match the digest
// last written is skipped; a changed one is written with its compressed variants first; a bounded
// number of files are in flight so rendering (CPU) overlaps the writes (the disk or S3) without
// holding a whole France of pages in memory; and the digests of the files completely written are
// recorded as the cycle goes, never before the bytes are on storage.
import type { StoredObjectMeta } from '../infra/storage/storage.js'
import { hasVariants, isCompressible, type FileToWrite, type VariantWriter } from '../infra/storage/compressed-variants.js'
import { digestOf, mayHaveVariants, type FileDigest, type PageDigests } from './page-digests.js'

/** Files (each with its variants) kept in flight. */
const MAX_FILES_IN_FLIGHT = 64
/**
 * Files handed to the writer threads in one message: a page's four files and then some. One
 * message per file cost more main-thread time than rendering the file (France: 420,000 files).
 */
const FILES_PER_BATCH = 8
/**
 * Digests are recorded every this many files written, not all at the cycle's end: a France rebuild
 * writes 420,000 files, whose digests held until the end cost the publisher about 60 MB, then as
 * much again in the one call that recorded them.
 */
const DIGESTS_PER_RECORD = 5_000

export interface SiteWriterDeps {
  digests: PageDigests
  files: VariantWriter
  /** Aborted when the publisher lost its lock mid-cycle: no further file is started. */
  signal?: AbortSignal
  /**
   * Told the keys of the files written, once they and their variants are on storage, in shares
   * as the cycle goes (the purge queue): the writer does not hold a whole cycle's keys. A France
   * rebuild writes 420,000 files, whose keys held to the end cost about 30 MB at the publisher's peak.
   */
  onWritten?: (keys: readonly string[]) => void
}

export interface SiteWriteReport {
  /** Files written (each with its variants, when compressible). */
  filesWritten: number
  variantsWritten: number
  /** Files rendered with the bytes last written: neither written nor purged. */
  filesUnchanged: number
}

interface PendingFile extends FileToWrite {
  digest: string
}

/** The first failure is thrown by the next put() or drain(). */
export class SiteWriter {
  private active = 0
  private failure: { err: unknown } | undefined
  private readonly waiting: (() => void)[] = []
  /** Written since the last record of digests. */
  private unrecorded: FileDigest[] = []
  private filesWritten = 0
  /** The digests recorded so far, in order; a failure is kept and thrown by finish(). */
  private recording: Promise<void> = Promise.resolve()
  private recordFailure: { err: unknown } | undefined
  private batch: PendingFile[] = []
  private variantsWritten = 0
  private filesUnchanged = 0

  private constructor(
    private readonly deps: SiteWriterDeps,
    private readonly lastDigests: Map<string, string>,
    private readonly trustDigests: boolean,
  ) {}

  /**
   * Looks up the last digests of every key the cycle may write, in a few batched round trips.
   * `trustDigests` false writes every file (the output no longer matches the digests).
   */
  static async open(deps: SiteWriterDeps, keys: readonly string[], trustDigests = true): Promise<SiteWriter> {
    return new SiteWriter(deps, trustDigests ? await deps.digests.load(keys) : new Map(), trustDigests)
  }

  /** Looks up more digests once open: the downloads are rendered after the pages, when the pages' memory is free. */
  async lookUp(keys: readonly string[]): Promise<void> {
    if (!this.trustDigests) return
    for (const [key, digest] of await this.deps.digests.load(keys)) this.lastDigests.set(key, digest)
  }

  /**
   * Queues a file; it is written with the next batch, by the next drain() at the latest. With
   * `handOver`, the caller no longer reads `body` once this resolves: a writer thread may take its
   * memory (FileToWrite.handOver).
   */
  async put(key: string, body: Buffer, meta: StoredObjectMeta, handOver = false): Promise<void> {
    const digest = digestOf(key, body, meta)
    const last = this.lastDigests.get(key)
    if (last === digest) {
      this.filesUnchanged++
      return
    }
    this.throwIfFailed()
    // A full batch leaves at the next put, unless that put is the same body under another key (a
    // download and its content-addressed copy): one batch, one worker, one compression of it.
    if (this.batch.length >= FILES_PER_BATCH && this.batch.at(-1)?.body !== body) await this.dispatch()
    const variants = hasVariants(key, body)
    // A file now too small for variants: older ones would be served instead of it.
    const removeStaleVariants = !variants && mayHaveVariants(last) && isCompressible(key)
    this.batch.push({ key, body, meta, digest, variants, removeStaleVariants, handOver })
  }

  async drain(): Promise<void> {
    await this.dispatch()
    await this.quiesce()
    this.throwIfFailed()
  }

  /**
   * Waits for every write in flight whatever its outcome (so an old page never lands after a
   * newer one), then records the digests of the files written and tells `onWritten` the last of
   * their keys: call it once, on success or failure.
   * Files still queued are written first, unless the cycle already failed or lost its lock.
   */
  async finish(): Promise<SiteWriteReport> {
    await this.dispatch().catch(() => undefined)
    this.batch = []
    await this.quiesce()
    this.recordWritten()
    await this.recording
    if (this.recordFailure) throw this.recordFailure.err
    return { filesWritten: this.filesWritten, variantsWritten: this.variantsWritten, filesUnchanged: this.filesUnchanged }
  }

  /**
   * Records the digests of the files written since the last call, after those before them. A
   * failure (the cache unreachable) fails the cycle at finish(): the files whose digests were not
   * recorded are rewritten by the next cycle, never skipped.
   */
  private recordWritten(): void {
    if (this.unrecorded.length === 0) return
    const files = this.unrecorded
    this.unrecorded = []
    // Told even when their digests are never recorded: the files are on storage, a failed cycle's too.
    this.deps.onWritten?.(files.map((f) => f.key))
    this.recording = this.recording.then(async () => {
      if (this.recordFailure) return
      await this.deps.digests.record(files).catch((err: unknown) => {
        this.recordFailure = { err }
      })
    })
  }

  private async dispatch(): Promise<void> {
    if (this.batch.length === 0) return
    const batch = this.batch
    this.batch = []
    while (this.active > 0 && this.active + batch.length > MAX_FILES_IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.throwIfFailed()
    this.deps.signal?.throwIfAborted()
    this.active += batch.length
    const digests = new Map(batch.map((f) => [f.key, f.digest]))
    void this.deps.files.write(batch).then((outcome) => {
      for (const f of outcome.written) {
        this.unrecorded.push({ key: f.key, digest: digests.get(f.key) as string })
        this.filesWritten++
        this.variantsWritten += f.variantsWritten
      }
      if (this.unrecorded.length >= DIGESTS_PER_RECORD) this.recordWritten()
      if (outcome.error) this.failure ??= { err: outcome.error }
      this.active -= batch.length
      for (const wake of this.waiting.splice(0)) wake()
    })
  }

  private async quiesce(): Promise<void> {
    while (this.active > 0) await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.err
  }
}
