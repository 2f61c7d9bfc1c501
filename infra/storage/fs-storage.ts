// Published files in a folder (the one nginx or the built-in site server serves). Each write goes
// to a temporary file in the same folder and is renamed over the old one: a reader gets the old
// page or the new one, never half of one.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { dirname, join, resolve, sep } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Storage, StoredObjectMeta } from './storage.js'

/** Keys are relative paths of safe segments; anything that could climb out of the folder is refused. */
export function resolveKey(root: string, key: string): string {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((s) => s === '.' || s === '..')) {
    throw new Error(`unsafe storage key ${JSON.stringify(key)}`)
  }
  const full = resolve(root, key)
  if (!full.startsWith(resolve(root) + sep)) throw new Error(`storage key escapes the output folder: ${key}`)
  return full
}

export function createFsStorage(dir: string): Storage {
  const root = resolve(dir)
  return {
    async put(key: string, body: Buffer, _meta: StoredObjectMeta) {
      // Content-Type and Cache-Control are the web server's business for a folder (by extension).
      const path = resolveKey(root, key)
      await mkdir(dirname(path), { recursive: true })
      const tmp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`)
      const fh = await open(tmp, 'w')
      try {
        await fh.writeFile(body)
      } finally {
        await fh.close()
      }
      await rename(tmp, path)
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
