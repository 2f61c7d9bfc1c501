// The one rule for storage keys, shared by every Storage: a key is a relative path of safe
// segments. A folder must not be climbed out of, and an S3 bucket must hold the same keys the
// folder does (nginx serves one, the CDN the other), so both refuse the same keys.

const SAFE_KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/

/** Throws on a key that is empty, absolute, has an empty, '.' or '..' segment, or unusual characters. */
export function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.split('/').some((s) => s === '.' || s === '..')) {
    throw new Error(`unsafe storage key ${JSON.stringify(key)}`)
  }
}
