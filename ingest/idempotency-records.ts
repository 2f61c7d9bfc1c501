// Idempotency records in the shared cache (Redis when distributed, so every ingest instance behind
// the load balancer sees them): return id → hash of the body and its receipt.
//
// A record is claimed as `pending` before the produce and marked `done` only AFTER the produce is
// durable, so a receipt is never replayed for a return that is not on the bus. The pending claim
// lets two concurrent requests with one key but different bodies be told apart instead of both
// being acknowledged. If the cache loses a record (restart, eviction, Redis down), the retry is
// produced again: that is safe because consolidation applies each return id once.
import { z } from 'zod'
import type { Cache } from '../infra/cache/cache.js'
import type { Logger } from '../infra/logging.js'

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000

const IdempotencyRecordSchema = z.object({
  state: z.enum(['pending', 'done']),
  bodyHash: z.string(),
  receipt: z.string(),
})
type IdempotencyRecord = z.infer<typeof IdempotencyRecordSchema>

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; receipt: string }
  | { kind: 'conflict' }
  | { kind: 'in-progress' }

export interface IdempotencyRecords {
  /** Claims the return id for this body, or says why it cannot be produced now. */
  claim(returnId: string, bodyHash: string, receipt: string): Promise<Claim>
  /** After a durable produce: later repeats are answered from the record. */
  complete(returnId: string, bodyHash: string, receipt: string): Promise<void>
  /** After a failed produce: the client's retry must be free to produce. */
  release(returnId: string): Promise<void>
}

export function createIdempotencyRecords(
  cache: Cache,
  logger: Logger,
  options: { ttlMs: number; pendingTtlMs: number },
): IdempotencyRecords {
  const keyOf = (returnId: string) => `ingest:return:${returnId}`
  const encode = (r: IdempotencyRecord) => JSON.stringify(r)

  async function read(returnId: string): Promise<IdempotencyRecord | undefined> {
    const raw = await cache.get(keyOf(returnId))
    if (raw === undefined) return undefined
    let json: unknown
    try {
      json = JSON.parse(raw)
    } catch {
      json = undefined
    }
    const parsed = IdempotencyRecordSchema.safeParse(json)
    return parsed.success ? parsed.data : undefined
  }

  async function claim(returnId: string, bodyHash: string, receipt: string): Promise<Claim> {
    const pending = encode({ state: 'pending', bodyHash, receipt })
    // Two rounds: a record that expires between setIfAbsent and get is simply claimed again.
    for (let round = 0; round < 2; round++) {
      if (await cache.setIfAbsent(keyOf(returnId), pending, options.pendingTtlMs)) return { kind: 'claimed' }
      const existing = await read(returnId)
      if (existing === undefined) continue
      if (existing.bodyHash !== bodyHash) return { kind: 'conflict' }
      return existing.state === 'done' ? { kind: 'replay', receipt: existing.receipt } : { kind: 'in-progress' }
    }
    return { kind: 'in-progress' }
  }

  return {
    async claim(returnId, bodyHash, receipt) {
      try {
        return await claim(returnId, bodyHash, receipt)
      } catch (err) {
        // The cache only saves duplicate produces; without it, returns still flow and stay exact.
        logger.warn({ err, returnId }, 'ingest: idempotency cache unavailable; producing without it')
        return { kind: 'claimed' }
      }
    },
    async complete(returnId, bodyHash, receipt) {
      await cache.set(keyOf(returnId), encode({ state: 'done', bodyHash, receipt }), options.ttlMs).catch((err: unknown) => {
        logger.warn({ err, returnId }, 'ingest: could not record an idempotency key')
      })
    },
    async release(returnId) {
      await cache.delete(keyOf(returnId)).catch((err: unknown) => {
        logger.warn({ err, returnId }, 'ingest: could not release an idempotency claim')
      })
    },
  }
}
