// Secrets stored as scrypt hashes (memory-hard, node:crypto) with a salt of their own, in a form
// that names its parameters, `scrypt$N$r$p$salt$hash` (base64), so they can be raised later without
// invalidating what is stored. Used for desk passwords and officials' PINs. Hashing runs on libuv's
// thread pool (async scrypt), never on the event loop.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

export interface ScryptParams {
  /** CPU and memory cost, a power of two. */
  N: number
  /** Block size. */
  r: number
  /** Parallelization (runs one after the other in Node). */
  p: number
}

const SALT_BYTES = 16
const KEY_BYTES = 32
// A stored hash comes from a database or a topic: bound what it may make this process do.
const MAX_N = 2 ** 20
const MAX_R = 32
const MAX_P = 16

function derive(secret: string, salt: Buffer, params: ScryptParams, keyBytes: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses above maxmem, whose default is just 32 MiB.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r }
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

export async function hashSecret(secret: string, params: ScryptParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(secret, salt, params, KEY_BYTES)
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

interface ParsedHash {
  params: ScryptParams
  salt: Buffer
  key: Buffer
}

function parseHash(stored: string): ParsedHash | undefined {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+=*)\$([A-Za-z0-9+/]+=*)$/.exec(stored)
  if (!m) return undefined
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0
  if (!powerOfTwo || N > MAX_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return undefined
  const salt = Buffer.from(m[4] ?? '', 'base64')
  const key = Buffer.from(m[5] ?? '', 'base64')
  if (salt.length < 8 || key.length < 16) return undefined
  return { params: { N, r, p }, salt, key }
}

/**
 * True when `secret` is the one `stored` was made from; compared in constant time. Throws, naming
 * `what`, when `stored` is not a hash of this form with parameters in bounds.
 */
export async function verifySecret(secret: string, stored: string, what: string): Promise<boolean> {
  const parsed = parseHash(stored)
  if (!parsed) throw new Error(`a stored ${what} hash is not in the form scrypt$N$r$p$salt$hash, or its parameters are out of bounds`)
  const key = await derive(secret, parsed.salt, parsed.params, parsed.key.length)
  return timingSafeEqual(key, parsed.key)
}
