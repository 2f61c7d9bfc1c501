// Published files in a folder (the one nginx or the built-in site server serves). Each write goes
// to a temporary file in the same folder and is renamed over the old one: a reader gets the old
// page or the new one, never half of one.
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises'
import { mkdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { threadId } from 'node:worker_threads'
import type { Storage, StoredObjectMeta } from './storage.js'
import { assertSafeKey } from './storage-key.js'

/** Keys are relative paths of safe segments; anything that could climb out of the folder is refused. */
export function resolveKey(root: string, key: string): string {
  assertSafeKey(key)
  const full = resolve(root, key)
  if (!full.startsWith(resolve(root) + sep)) throw new Error(`storage key escapes the output folder: ${key}`)
  return full
}

export interface FsStorageOptions {
  /**
   * fsync each file and its folder before `put` resolves, so what was written survives a power
   * cut. Scans need it (a durable return points at them); pages do not (they are rebuilt from
   * `[results]`), and a France render would pay 100k fsyncs.
   */
  durable?: boolean
}

/**
 * The folder of each storage made here that needs no fsync (the folder nginx serves): worker
 * threads may write its files themselves, exactly as put() would (compressed-variants.ts). Kept
 * apart from the object, so a wrapper made by spreading it (a test's failing storage, a tee)
 * is not taken for it and keeps every write going through its own put().
 */
const plainFolders = new WeakMap<Storage, string>()

/** The absolute folder of a storage made by createFsStorage without `durable`; undefined for any other. */
export function plainFolderOf(storage: Storage): string | undefined {
  return plainFolders.get(storage)
}

export function createFsStorage(dir: string, options: FsStorageOptions = {}): Storage {
  const root = resolve(dir)
  // A France render writes 100k files into 36k folders: creating each folder once, and naming
  // temporary files with a counter instead of random bytes, saves a system call or two per file.
  const knownDirs = new Set<string>()
  const tmpName = temporaryNames()
  const storage: Storage = {
    async put(key: string, body: Buffer, _meta: StoredObjectMeta) {
      // Content-Type and Cache-Control are the web server's business for a folder (by extension).
      const path = resolveKey(root, key)
      const folder = dirname(path)
      if (!knownDirs.has(folder)) {
        await mkdir(folder, { recursive: true })
        knownDirs.add(folder)
      }
      const tmp = join(folder, tmpName())
      if (!options.durable && body.length <= SYNC_WRITE_MAX_BYTES) {
        replaceFileSync(folder, tmp, path, body)
        return
      }
      const fh = await open(tmp, 'w').catch(async (err: NodeJS.ErrnoException) => {
        // The folder was removed behind our back (an operator cleaning the output): recreate it.
        if (err.code !== 'ENOENT') throw err
        await mkdir(folder, { recursive: true })
        return open(tmp, 'w')
      })
      try {
        await fh.writeFile(body)
        if (options.durable) await fh.datasync()
      } finally {
        await fh.close()
      }
      await rename(tmp, path)
      if (options.durable) await syncFolder(folder)
    },
    async get(key) {
      try {
        return await readFile(resolveKey(root, key))
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw err
      }
    },
    async delete(key) {
      // One unlink: rm() would lstat first, and a rebuild deletes 200,000 variants that do not exist.
      await unlink(resolveKey(root, key)).catch(ignoreMissing)
    },
    describe() {
      return root
    },
  }
  // Pages need no fsync (they are rebuilt from [results]): other threads may write them straight in.
  if (!options.durable) plainFolders.set(storage, root)
  return storage
}

/**
 * Names for temporary files, unique per process and thread: a counter instead of random bytes
 * saves a system call per file, and the worker threads of compressed-variants.ts write into the
 * same folders as the main thread.
 */
export function temporaryNames(): () => string {
  const prefix = `.tmp-${process.pid}-${threadId}-${Date.now().toString(36)}`
  let counter = 0
  return () => `${prefix}-${counter++}`
}

/** Removes a file if it is there. */
export function unlinkIfPresentSync(path: string): void {
  try {
    unlinkSync(path)
  } catch (err) {
    ignoreMissing(err)
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
}

/**
 * Pages, their variants and shards (nearly all under 100 KB) are written with synchronous calls:
 * each asynchronous call is a round trip through libuv's thread pool, and a file is four of them
 * (open, write, close, rename). On the finder's 129,331 files in a tmpfs folder the synchronous
 * writes took 5.0–5.2 s of system and 13.3–14.1 s of user CPU, against 8.2–8.4 s and 16.0–17.3 s
 * asynchronously. A page blocks the event loop for tens of microseconds; files above this size
 * (the France-wide downloads, tens of megabytes) stay asynchronous so they never block it for long.
 */
const SYNC_WRITE_MAX_BYTES = 1024 * 1024

/** Writes `body` to `tmp` in `folder`, then renames it over `path`: readers never see half a file. */
export function replaceFileSync(folder: string, tmp: string, path: string, body: Uint8Array): void {
  try {
    writeFileSync(tmp, body)
  } catch (err) {
    // The folder was removed behind our back (an operator cleaning the output): recreate it.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    mkdirSync(folder, { recursive: true })
    writeFileSync(tmp, body)
  }
  renameSync(tmp, path)
}

/** Makes a rename in `folder` durable (the folder's entry, not only the file's bytes). */
async function syncFolder(folder: string): Promise<void> {
  const fh = await open(folder, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}
