// One Storage over several: the publisher writes each page both to the folder nginx serves and
// to the S3 bucket behind the CDN, and a page counts as written only when every copy is.
import assert from 'node:assert/strict'
import type { Storage } from './storage.js'

export function createTeeStorage(stores: readonly Storage[]): Storage {
  assert(stores.length > 0, 'a tee storage needs at least one store')
  const [first] = stores as [Storage, ...Storage[]]

  // Every store gets the call even when one fails, so a retry finds them all in the same state
  // as far as possible; the error then names each store that failed.
  const onEvery = async (operation: string, key: string, run: (store: Storage) => Promise<void>) => {
    const results = await Promise.allSettled(stores.map(run))
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ store: stores[i]!, reason: r.reason as Error }] : []))
    if (failures.length === 0) return
    const detail = failures.map((f) => `${f.store.describe()}: ${f.reason.message}`).join('; ')
    throw new Error(`${operation} ${key} failed on ${failures.length} of ${stores.length} stores: ${detail}`, {
      cause: failures[0]!.reason,
    })
  }

  return {
    put(key, body, meta) {
      return onEvery('put', key, (store) => store.put(key, body, meta))
    },
    get(key) {
      return first.get(key)
    },
    delete(key) {
      return onEvery('delete', key, (store) => store.delete(key))
    },
    describe() {
      return stores.map((s) => s.describe()).join(' + ')
    },
  }
}
