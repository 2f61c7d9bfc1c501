// Desk passwords, hashed with scrypt (memory-hard, in node:crypto) and a salt of their own. The
// stored form names its parameters, `scrypt$N$r$p$salt$hash` (base64), so they can be raised
// later without invalidating the passwords already stored. Hashing runs on libuv's thread pool,
// never on the event loop.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

export const MIN_PASSWORD_LENGTH = 12

export interface ScryptParams {
  /** CPU and memory cost, a power of two. */
  N: number
  /** Block size. */
  r: number
  /** Parallelization (runs one after the other in Node). */
  p: number
}

/** One of OWASP's equivalent scrypt settings: 32 MiB and a few tenths of a second per check. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 3 }

const SALT_BYTES = 16
const KEY_BYTES = 32
// A stored hash comes from the database: bound what it may make this process do.
const MAX_N = 2 ** 20
const MAX_R = 32
const MAX_P = 16

function derive(password: string, salt: Buffer, params: ScryptParams, keyBytes: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses above maxmem, whose default is just 32 MiB.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

/** The password's length as a person counts it (characters, not UTF-16 units). */
export function passwordLength(password: string): number {
  return [...password].length
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, params, KEY_BYTES)
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

/** True when `password` is the one `stored` was made from; compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored)
  if (!parsed) throw new Error('a stored desk password hash is not in the form scrypt$N$r$p$salt$hash, or its parameters are out of bounds')
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length)
  return timingSafeEqual(key, parsed.key)
}

let decoy: Promise<string> | undefined

/**
 * Spends the time a real check takes, for a user who does not exist, so that the answer's delay
 * does not tell which usernames do. Always false.
 */
export async function verifyDecoy(password: string): Promise<false> {
  decoy ??= hashPassword(randomBytes(18).toString('base64'))
  await verifyPassword(password, await decoy)
  return false
}
