// Writes one cycle's files through the Storage interface: a file whose bytes match the digest
// last written is skipped; a changed one is written with its compressed variants first; a bounded
// number of files are in flight so rendering (CPU) overlaps the writes (the disk or S3) without
// holding a whole France of pages in memory; and the digests of the files completely written are
// recorded when the cycle ends, never before the bytes are on storage.
import type { Storage, StoredObjectMeta } from '../infra/storage/storage.js'
import { hasVariants, isCompressible, type Compressor } from '../infra/storage/compressed-variants.js'
import { digestOf, mayHaveVariants, type FileDigest, type PageDigests } from './page-digests.js'

const VARIANT_SUFFIXES = ['.gz', '.br'] as const

/** Files (each with its variants) kept in flight. */
const MAX_FILES_IN_FLIGHT = 64

export interface SiteWriterDeps {
  storage: Storage
  digests: PageDigests
  compressor: Compressor
  /** Aborted when the publisher lost its lock mid-cycle: no further file is started. */
  signal?: AbortSignal
}

export interface SiteWriteReport {
  /** Files written (each with its variants, when compressible). */
  filesWritten: number
  variantsWritten: number
  /** Files rendered with the bytes last written: neither written nor purged. */
  filesUnchanged: number
  /** Keys of the files written, for the purge. */
  changedKeys: string[]
}

/** The first failure is thrown by the next put() or drain(). */
export class SiteWriter {
  private active = 0
  private failure: { err: unknown } | undefined
  private readonly waiting: (() => void)[] = []
  private readonly written: FileDigest[] = []
  private variantsWritten = 0
  /**
   * Variants by body: the same bytes put under two keys (a download and its content-addressed
   * copy, tens of megabytes for France) are compressed once.
   */
  private readonly variantsByBody = new WeakMap<Buffer, ReturnType<Compressor['variants']>>()
  private filesUnchanged = 0

  private constructor(
    private readonly deps: SiteWriterDeps,
    private readonly lastDigests: ReadonlyMap<string, string>,
  ) {}

  /**
   * Looks up the last digests of every key the cycle may write, in a few batched round trips.
   * `trustDigests` false writes every file (the output no longer matches the digests).
   */
  static async open(deps: SiteWriterDeps, keys: readonly string[], trustDigests = true): Promise<SiteWriter> {
    return new SiteWriter(deps, trustDigests ? await deps.digests.load(keys) : new Map())
  }

  async put(key: string, body: Buffer, meta: StoredObjectMeta): Promise<void> {
    const digest = digestOf(key, body, meta)
    const last = this.lastDigests.get(key)
    if (last === digest) {
      this.filesUnchanged++
      return
    }
    while (this.active >= MAX_FILES_IN_FLIGHT) await new Promise<void>((resolve) => this.waiting.push(resolve))
    this.throwIfFailed()
    this.deps.signal?.throwIfAborted()
    this.active++
    this.writeFile(key, body, meta, mayHaveVariants(last)).then(
      () => {
        this.written.push({ key, digest })
        this.settle()
      },
      (err: unknown) => this.settle(err),
    )
  }

  async drain(): Promise<void> {
    await this.quiesce()
    this.throwIfFailed()
  }

  /**
   * Waits for every write in flight whatever its outcome (so an old page never lands after a
   * newer one), then records the digests of the files written: call it once, on success or failure.
   */
  async finish(): Promise<SiteWriteReport> {
    await this.quiesce()
    await this.deps.digests.record(this.written)
    return {
      filesWritten: this.written.length,
      variantsWritten: this.variantsWritten,
      filesUnchanged: this.filesUnchanged,
      changedKeys: this.written.map((f) => f.key),
    }
  }

  /** `oldVariants`: the file's last version may have had variants (unknown, or known to). */
  private async writeFile(key: string, body: Buffer, meta: StoredObjectMeta, oldVariants: boolean): Promise<void> {
    const { storage, compressor } = this.deps
    // Variants before the file itself: whoever sees the new file (nginx's gzip_static and
    // brotli_static look for KEY.gz and KEY.br next to it, S3 readers list keys) can get its
    // variants too. The variants keep the file's type and cache lifetime.
    if (hasVariants(key, body)) {
      let pending = this.variantsByBody.get(body)
      if (!pending) this.variantsByBody.set(body, (pending = compressor.variants(body)))
      const variants = await pending
      await Promise.all(
        variants.map(async (v) => {
          await storage.put(`${key}${v.suffix}`, v.body, { ...meta, contentEncoding: v.encoding })
          this.variantsWritten++
        }),
      )
    } else if (oldVariants && isCompressible(key)) {
      // A file now too small for variants: older ones would be served instead of it. Removed
      // before the file is replaced, so a reader gets the old file or the new one, never a mix.
      await Promise.all(VARIANT_SUFFIXES.map((suffix) => storage.delete(`${key}${suffix}`)))
    }
    await storage.put(key, body, meta)
  }

  private async quiesce(): Promise<void> {
    while (this.active > 0) await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  private settle(err?: unknown): void {
    this.active--
    if (err !== undefined) this.failure ??= { err }
    this.waiting.shift()?.()
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.err
  }
}
