// Officials' PINs are stored as scrypt hashes (`scrypt$N$r$p$salt$hash`, base64). A 6-digit PIN
// has only a million values, so the hash alone does not make it safe if the hashes leak; it makes
// each guess cost ~10 ms of CPU and memory, and the lockout (pin-lockout.ts) does the rest.
// Hashing runs on libuv's thread pool (async crypto.scrypt), never on the event loop.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

export interface ScryptParams {
  N: number
  r: number
  p: number
}

/** ~10 ms per hash on the 2-core reference machine (2 MB of memory each). */
export const PIN_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 11, r: 8, p: 1 }

const SALT_BYTES = 16
const HASH_BYTES = 32

function derive(pin: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r }
  return new Promise((resolve, reject) => {
    scrypt(pin, salt, HASH_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)))
  })
}

export async function hashPin(pin: string, params: ScryptParams = PIN_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const hash = await derive(pin, salt, params)
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$')
}

interface ParsedHash {
  params: ScryptParams
  salt: Buffer
  hash: Buffer
}

function parseHash(stored: string): ParsedHash {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || salt === undefined || hash === undefined) {
    throw new Error('a PIN hash is not in the form scrypt$N$r$p$salt$hash')
  }
  return { params: { N: Number(n), r: Number(r), p: Number(p) }, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') }
}

/** True when `pin` matches `stored`; the comparison takes the same time whatever the PIN. */
export async function verifyPinHash(pin: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored)
  const derived = await derive(pin, parsed.salt, parsed.params)
  return derived.length === parsed.hash.length && timingSafeEqual(derived, parsed.hash)
}

/**
 * A hash of no PIN anyone knows, checked when a code is unknown so that an unknown code and a
 * wrong PIN take the same time and give the same answer.
 */
export function createDecoyHash(params: ScryptParams = PIN_SCRYPT_PARAMS): Promise<string> {
  return hashPin(randomBytes(16).toString('hex'), params)
}
