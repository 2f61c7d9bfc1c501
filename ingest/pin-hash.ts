// Officials' PINs are stored as scrypt hashes (infra/crypto/scrypt-hash.ts). A 6-digit PIN has
// only a million values, so the hash alone does not make it safe if the hashes leak; it makes each
// guess cost ~10 ms of CPU and memory, and the lockout (pin-lockout.ts) does the rest.
import { randomBytes } from 'node:crypto'
import { hashSecret, verifySecret, type ScryptParams } from '../infra/crypto/scrypt-hash.js'

export type { ScryptParams }

/** ~10 ms per hash on the 2-core reference machine (2 MB of memory each). */
export const PIN_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 11, r: 8, p: 1 }

export function hashPin(pin: string, params: ScryptParams = PIN_SCRYPT_PARAMS): Promise<string> {
  return hashSecret(pin, params)
}

/** True when `pin` matches `stored`; the comparison takes the same time whatever the PIN. */
export function verifyPinHash(pin: string, stored: string): Promise<boolean> {
  return verifySecret(pin, stored, 'PIN')
}

/**
 * A hash of no PIN anyone knows, checked when a code is unknown so that an unknown code and a
 * wrong PIN take the same time and give the same answer.
 */
export function createDecoyHash(params: ScryptParams = PIN_SCRYPT_PARAMS): Promise<string> {
  return hashPin(randomBytes(16).toString('hex'), params)
}
