// Identities of returns. A return's id is the client's idempotency key (scoped to the client) or,
// without one, derived from its content, so a retried submission is the same return. The receipt
// is derived from the id: a retry gets the same receipt, and a receipt names exactly one return.
import { createHash } from 'node:crypto'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** 12 characters of Crockford base32 (60 bits) from the id's SHA-256, grouped for reading aloud. */
export function receiptFor(returnId: string): string {
  const digest = createHash('sha256').update(returnId).digest()
  let bits = 0n
  for (let i = 0; i < 8; i++) bits = (bits << 8n) | BigInt(digest[i] ?? 0)
  bits >>= 4n
  let out = ''
  for (let i = 0; i < 12; i++) {
    out = (CROCKFORD[Number(bits & 31n)] ?? '0') + out
    bits >>= 5n
  }
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8)}`
}

/** The return id when the client supplied an idempotency key. */
export function returnIdFromKey(submittedBy: string, key: string): string {
  return `${submittedBy}:${key}`
}

/** The return id when it did not: the same sheet sent twice by the same sender is one return. */
export function returnIdFromContent(submittedBy: string, canonicalBody: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(canonicalBody)).digest('hex')
  return `${submittedBy}:sha256:${digest.slice(0, 32)}`
}

/** JSON with object keys sorted, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      // A null prototype, so a "__proto__" key from parsed JSON stays a key instead of vanishing.
      const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k]
      return sorted
    }
    return v
  })
}
