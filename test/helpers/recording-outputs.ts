// What the publisher hands to its outputs, kept for assertions: a Storage in memory that logs
// every put (key, headers, order) and a Purger that logs every purge and fails when told to.
import type { Purger } from '../../infra/purge/purger.js'
import type { Storage, StoredObjectMeta } from '../../infra/storage/storage.js'

export interface StoredObject {
  body: Buffer
  meta: StoredObjectMeta
}

export interface MemoryStorage extends Storage {
  readonly objects: Map<string, StoredObject>
  /** Keys put since the last take(), in the order of the calls. */
  take(): string[]
}

/** `name` is what describe() says: the publisher keys its digests by it. */
export function memoryStorage(name = 'memory'): MemoryStorage {
  const objects = new Map<string, StoredObject>()
  let puts: string[] = []
  return {
    objects,
    async put(key, body, meta) {
      puts.push(key)
      objects.set(key, { body: Buffer.from(body), meta: { ...meta } })
    },
    async get(key) {
      return objects.get(key)?.body
    },
    async delete(key) {
      objects.delete(key)
    },
    describe: () => name,
    take() {
      const keys = puts
      puts = []
      return keys
    },
  }
}

export interface RecordingPurger extends Purger {
  /** Paths of every purge call, failed ones included, since the last take(). */
  take(): string[][]
  /** The next `n` purges reject, as an unreachable Varnish would. */
  failNext(n: number): void
}

export function recordingPurger(): RecordingPurger {
  let calls: string[][] = []
  let failures = 0
  return {
    async purge(paths) {
      calls.push([...paths])
      if (failures > 0) {
        failures--
        throw new Error('varnish http://127.0.0.1:6081: connection refused')
      }
    },
    describe: () => 'recording',
    take() {
      const taken = calls
      calls = []
      return taken
    },
    failNext(n) {
      failures = n
    },
  }
}

/** `inner`, except that the first put of `key` fails (a full disk, an S3 error) and later ones succeed. */
export function failingOnce(inner: Storage, key: string): Storage {
  let failNext = true
  return {
    ...inner,
    async put(k, body, meta) {
      if (k === key && failNext) {
        failNext = false
        throw new Error('disk full')
      }
      await inner.put(k, body, meta)
    },
  }
}
