// A call's state, kept in the cache (Redis in production) under its CallSid so that whichever
// ingest replica takes the next webhook carries on the same call; never in process memory. Each
// webhook of a call is handled under the call's lock, so two posts for one call (a provider's
// retry, a proxy's duplicate) are taken one after the other and the second sees what the first did.
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Cache } from '../../infra/cache/cache.js'
import { StationSheetSchema } from './station-sheet.js'

/** A call idle this long is forgotten: the official calls again. Refreshed by every webhook. */
export const CALL_TTL_MS = 30 * 60_000
/** Outlives any one webhook's work (a PIN check, a produce of at most 5 s). */
export const CALL_LOCK_TTL_MS = 20_000
/** How long a webhook waits for another one of the same call to finish. */
export const CALL_LOCK_WAIT_MS = 10_000
const CALL_LOCK_POLL_MS = 20

/** Twilio's CallSid is "CA" and 32 hex digits; other providers use other ids of the same alphabet. */
export const CallSidSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, '1 to 64 letters, digits, "-" or "_"')

export const StepSchema = z.union([
  z.object({ kind: z.literal('code') }),
  z.object({ kind: z.literal('pin'), code: z.string().regex(/^\d{8}$/) }),
  z.object({ kind: z.literal('figure'), line: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('review') }),
  z.object({ kind: z.literal('choose-line') }),
  z.object({ kind: z.literal('correct'), line: z.number().int().nonnegative() }),
  /** The call was answered for the last time (receipt, lockout, too many tries…); it only hangs up. */
  z.object({ kind: z.literal('ended') }),
])
export type Step = z.infer<typeof StepSchema>

export const CallStateSchema = z.object({
  callSid: CallSidSchema,
  /** The caller's number, for the per-caller PIN lockout. */
  caller: z.string().min(1).max(64),
  language: z.enum(['fr', 'en']),
  /**
   * The `s` the next webhook must carry (each answer's Gather action has it): a webhook with an
   * older `s` is a repeat of one already answered, and gets `lastTwiml` again, not a second effect.
   */
  seq: z.number().int().positive(),
  step: StepSchema,
  /** Failed attempts at the current prompt (invalid keys or silence). */
  tries: z.number().int().nonnegative(),
  sheet: StationSheetSchema.optional(),
  values: z.array(z.number().int().nonnegative()),
  lastTwiml: z.string(),
})
export type CallState = z.infer<typeof CallStateSchema>

export interface CallStore {
  load(callSid: string): Promise<CallState | undefined>
  save(state: CallState): Promise<void>
  delete(callSid: string): Promise<void>
  /** Runs `work` holding the call's lock; undefined if the lock could not be had in time. */
  withLock<T>(callSid: string, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }>
}

export function createCallStore(cache: Cache, options: { ttlMs?: number; lockWaitMs?: number } = {}): CallStore {
  const ttlMs = options.ttlMs ?? CALL_TTL_MS
  const lockWaitMs = options.lockWaitMs ?? CALL_LOCK_WAIT_MS
  const stateKey = (callSid: string) => `phone:call:${callSid}`
  const lockKey = (callSid: string) => `phone:lock:${callSid}`

  return {
    async load(callSid) {
      const raw = await cache.get(stateKey(callSid))
      return raw === undefined ? undefined : readCallState(raw)
    },
    async save(state) {
      await cache.set(stateKey(state.callSid), JSON.stringify(CallStateSchema.parse(state)), ttlMs)
    },
    async delete(callSid) {
      await cache.delete(stateKey(callSid))
    },
    async withLock(callSid, work) {
      const owner = randomUUID()
      const deadline = Date.now() + lockWaitMs
      while (!(await cache.holdLock(lockKey(callSid), owner, CALL_LOCK_TTL_MS))) {
        if (Date.now() >= deadline) return { ok: false }
        await new Promise((resolve) => setTimeout(resolve, CALL_LOCK_POLL_MS))
      }
      try {
        return { ok: true, value: await work() }
      } finally {
        await cache.releaseLock(lockKey(callSid), owner)
      }
    },
  }
}

/**
 * A state this version cannot read (written by another version during a rolling upgrade) is
 * treated as expired: the caller is told to call again, which is safe.
 */
function readCallState(raw: string): CallState | undefined {
  try {
    return CallStateSchema.parse(JSON.parse(raw))
  } catch {
    return undefined
  }
}
