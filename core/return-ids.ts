// Identities of returns. A return's id is the client's idempotency key (scoped to the client) or,
// without one, derived from its content, so a retried submission is the same return. The receipt
// is derived from the id: a retry gets the same receipt, and a receipt names exactly one return.
// crypto.hash: the one-shot digest (Node ≥ 20.12), cheaper than a Hash object per call.
import { hash } from 'node:crypto'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** 12 characters of Crockford base32 (60 bits) from the id's SHA-256, grouped for reading aloud. */
export function receiptFor(returnId: string): string {
  const digest = hash('sha256', returnId, 'buffer')
  let out = ''
  for (let i = 0; i < 12; i++) {
    // Character i is bits 5i to 5i+4 of the digest, read from the two bytes that hold them.
    const bit = 5 * i
    const pair = ((digest[bit >> 3] ?? 0) << 8) | (digest[(bit >> 3) + 1] ?? 0)
    out += CROCKFORD[(pair >> (11 - (bit & 7))) & 31] ?? '0'
  }
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8)}`
}

/** The return id when the client supplied an idempotency key. */
export function returnIdFromKey(submittedBy: string, key: string): string {
  return `${submittedBy}:${key}`
}

/** The return id when it did not: the same sheet sent twice by the same sender is one return. */
export function returnIdFromContent(submittedBy: string, canonicalBody: unknown): string {
  const digest = hash('sha256', canonicalJson(canonicalBody), 'hex')
  return `${submittedBy}:sha256:${digest.slice(0, 32)}`
}

/**
 * JSON with object keys in a canonical order, so equal content always hashes the same: keys that
 * are array indices ("0", "7", "12") first in numeric order, then the others sorted by UTF-16 code
 * units. (That odd first rule is how JavaScript orders an object's keys; the first version of this
 * function rebuilt objects with sorted keys and let JSON.stringify list them, and ids and hashes
 * already stored depend on its exact bytes.) Otherwise exactly what JSON.stringify writes of data
 * parsed from JSON: no spaces, a key whose value is undefined left out, undefined in an array
 * written null, toJSON honoured. Written directly rather than with a replacer, which sends
 * JSON.stringify down its slow path and copies every object: ingest runs this on every return.
 */
export function canonicalJson(value: unknown): string {
  const json = canonical(value, '')
  if (json === undefined) throw new TypeError('canonicalJson: nothing to write (undefined or a function)')
  return json
}

function canonical(value: unknown, key: string): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(key: string): unknown }).toJSON(key)
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) as string | undefined
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (canonical(value[i], String(i)) ?? 'null')
    return out + ']'
  }
  const record = value as Record<string, unknown>
  let out = '{'
  for (const k of orderedKeys(record)) {
    // An own "__proto__" key from parsed JSON reads as itself: Object.keys lists only own keys.
    const v = canonical(record[k], k)
    if (v !== undefined) out += (out.length === 1 ? '' : ',') + JSON.stringify(k) + ':' + v
  }
  return out + '}'
}

/** Object.keys lists array-index keys first, in numeric order; only the rest need sorting. */
function orderedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record)
  let indices = 0
  while (indices < keys.length && isArrayIndex(keys[indices] as string)) indices++
  if (indices === 0) return keys.sort()
  return keys.slice(0, indices).concat(keys.slice(indices).sort())
}

function isArrayIndex(key: string): boolean {
  return /^(?:0|[1-9][0-9]{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1
}
