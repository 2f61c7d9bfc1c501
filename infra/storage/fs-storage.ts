// Published files in a folder (the one nginx or the built-in site server serves). Each write goes
// to a temporary file in the same folder and is renamed over the old one: a reader gets the old
// page or the new one, never half of one.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
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

export function createFsStorage(dir: string, options: FsStorageOptions = {}): Storage {
  const root = resolve(dir)
  // A France render writes 100k files into 36k folders: creating each folder once, and naming
  // temporary files with a counter instead of random bytes, saves a system call or two per file.
  const knownDirs = new Set<string>()
  let tmpCounter = 0
  const tmpPrefix = `.tmp-${process.pid}-${Date.now().toString(36)}`
  return {
    async put(key: string, body: Buffer, _meta: StoredObjectMeta) {
      // Content-Type and Cache-Control are the web server's business for a folder (by extension).
      const path = resolveKey(root, key)
      const folder = dirname(path)
      if (!knownDirs.has(folder)) {
        await mkdir(folder, { recursive: true })
        knownDirs.add(folder)
      }
      const tmp = join(folder, `${tmpPrefix}-${tmpCounter++}`)
      if (!options.durable && body.length <= SYNC_WRITE_MAX_BYTES) {
        writeSmallFile(folder, tmp, path, body)
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
      await rm(resolveKey(root, key), { force: true })
    },
    describe() {
      return root
    },
  }
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

function writeSmallFile(folder: string, tmp: string, path: string, body: Buffer): void {
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
