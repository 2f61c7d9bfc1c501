// The real 2017 data beside the repository (../shared/data). A user's machine does not have it:
// there, tests that need it are skipped. In CI (CI set) its absence is a failure, never a skip.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Test } from 'tap'

export const SHARED_DATA_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data')

export const ROUND1_FILE = '2017-presidentielle-1_par_bureau_large.csv.gz'

/** The file's path, or undefined after marking the test skipped (outside CI only). */
export function sharedDataFile(t: Test, name: string): string | undefined {
  const path = join(SHARED_DATA_DIR, name)
  if (existsSync(path)) return path
  if (process.env.CI) {
    t.fail(`${path} is missing: CI must run with ../shared/data beside the repository`)
    return undefined
  }
  t.plan(0, `${name} not present (../shared/data is absent on this machine)`)
  return undefined
}
