// Reading a session cookie and comparing a posted token with it: shared by the desk's sessions
// and the officials' web form, the two server-rendered apps that keep a session in a cookie.
import { timingSafeEqual } from 'node:crypto'

/** The named cookie's value from a Cookie header when it has the expected shape, else undefined. */
export function readCookie(header: string | undefined, name: string, shape: RegExp): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue
    const value = part.slice(eq + 1).trim()
    if (shape.test(value)) return value
  }
  return undefined
}

/** True when `given` is exactly `expected`, in time that does not depend on where they differ. */
export function sameSecret(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}
