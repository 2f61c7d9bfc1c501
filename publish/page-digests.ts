// The SHA-256 of every file last written, kept in the cache (Redis in distributed mode, so it
// outlives the publisher's process): a file whose rendered bytes match is neither written nor
// purged, and a restarted or standby publisher taking over does not rewrite 100k identical files.
// Keys carry the output's description: two outputs never share digests.
import { createHash } from 'node:crypto'
import type { Cache } from '../infra/cache/cache.js'
import { hasVariants } from '../infra/storage/compressed-variants.js'
import type { Storage, StoredObjectMeta } from '../infra/storage/storage.js'

/** Keys per round trip: one MGET of 100k keys would hold Redis (and its other clients) too long. */
const DIGEST_KEYS_PER_CALL = 5_000
/**
 * Long enough for a night and its corrections days later; short enough that an output left
 * behind does not keep 100k keys in Redis forever. An expired digest costs one rewrite.
 */
const DIGEST_TTL_MS = 7 * 24 * 3_600_000

/** Ends the digest of a file written without `.gz` and `.br` variants (too small, or not text). */
const NO_VARIANTS = '~'

/**
 * Headers are part of what was written: a new Cache-Control must reach S3 even for the same bytes.
 * Whether the file has variants is too: a file that shrank below the variants' threshold must have
 * its old variants removed, and the mark says whether there can be any.
 */
export function digestOf(key: string, body: Buffer, meta: StoredObjectMeta): string {
  const sha = createHash('sha256').update(`${meta.contentType}\n${meta.cacheControl}\n`).update(body).digest('base64')
  return hasVariants(key, body) ? sha : `${sha}${NO_VARIANTS}`
}

/** False only when the file last written under this digest is known to have had no variants. */
export function mayHaveVariants(lastDigest: string | undefined): boolean {
  return lastDigest === undefined || !lastDigest.endsWith(NO_VARIANTS)
}

export interface FileDigest {
  key: string
  digest: string
}

export class PageDigests {
  private readonly prefix: string

  constructor(
    private readonly cache: Cache,
    private readonly output: string,
    private readonly recording = true,
  ) {
    this.prefix = `publish:digest:${output}:`
  }

  /** The same digests, looked up but never recorded: record() does nothing. */
  withoutRecording(): PageDigests {
    return new PageDigests(this.cache, this.output, false)
  }

  /** The last digest of each key that has one. */
  async load(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>()
    for (let i = 0; i < keys.length; i += DIGEST_KEYS_PER_CALL) {
      const batch = keys.slice(i, i + DIGEST_KEYS_PER_CALL)
      const values = await this.cache.getMany(batch.map((k) => this.prefix + k))
      batch.forEach((key, j) => {
        const digest = values[j]
        if (digest !== undefined) found.set(key, digest)
      })
    }
    return found
  }

  /** Call only once the files and their variants are on storage. */
  async record(files: readonly FileDigest[]): Promise<void> {
    if (!this.recording) return
    for (let i = 0; i < files.length; i += DIGEST_KEYS_PER_CALL) {
      const batch = files.slice(i, i + DIGEST_KEYS_PER_CALL).map((f) => ({ key: this.prefix + f.key, value: f.digest }))
      await this.cache.setMany(batch, DIGEST_TTL_MS)
    }
  }

  /**
   * False when the cache has a digest for `key` but the storage does not hold those bytes: the
   * output was emptied or replaced behind the cache's back, and the digests cannot be trusted.
   */
  async storageMatches(storage: Storage, key: string, meta: StoredObjectMeta): Promise<boolean> {
    const last = (await this.load([key])).get(key)
    if (last === undefined) return true
    const stored = await storage.get(key)
    return stored !== undefined && digestOf(key, stored, meta) === last
  }
}
