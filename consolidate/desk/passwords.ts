// Desk passwords, hashed with scrypt (infra/crypto/scrypt-hash.ts) at a cost fit for passwords.
import { randomBytes } from 'node:crypto'
import { hashSecret, verifySecret, type ScryptParams } from '../../infra/crypto/scrypt-hash.js'

export type { ScryptParams }

export const MIN_PASSWORD_LENGTH = 12

/** One of OWASP's equivalent scrypt settings: 32 MiB and a few tenths of a second per check. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 3 }

/** The password's length as a person counts it (characters, not UTF-16 units). */
export function passwordLength(password: string): number {
  return [...password].length
}

export function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  return hashSecret(password, params)
}

/** True when `password` is the one `stored` was made from; compared in constant time. */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return verifySecret(password, stored, 'desk password')
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
