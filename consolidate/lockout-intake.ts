// Takes a batch of `[security]` records into the database, in the caller's transaction: each
// lockout ingest announced is stored once and written to the audit log as the automatic security
// decision it is, in the same transaction, so a redelivered batch adds neither twice. A record
// that is not a lockout is set aside in rejected_messages; nothing here throws on input, so a bad
// record never holds up the ones behind it.
import { LockoutSchema, type Lockout } from '../core/credentials.js'
import type { ConsumedRecord } from '../infra/bus/bus.js'
import type { Queryable } from '../infra/db/db.js'
import { appendAuditInTx, type AuditDetail } from './desk/audit-log.js'
import { parseMessage } from './message-parsing.js'
import { insertLockouts, lockoutKey } from './pin-lockouts-repository.js'
import { insertRejectedMessages, rejectedRecord, type RejectedMessage } from './rejected-messages-repository.js'

/** The audit log's actor for a lock: ingest's PIN check decided it, no person did. */
export const LOCKOUT_AUDIT_ACTOR = 'service:ingest'

export interface LockoutIntakeSummary {
  /** Locks stored now, in record order. */
  stored: Lockout[]
  /** Locks already stored: a redelivery, or the same record produced twice. */
  duplicates: number
  /** Records that are not a valid lockout message, set aside in rejected_messages. */
  unparseable: number
}

export async function takeInLockoutRecords(
  tx: Queryable,
  records: readonly ConsumedRecord[],
  ctx: { topic: string; now: Date },
): Promise<LockoutIntakeSummary> {
  const setAside: RejectedMessage[] = []
  const byKey = new Map<string, Lockout>()
  let duplicates = 0
  for (const record of records) {
    const parsed = parseMessage(LockoutSchema, record.value, 'lockout')
    if (!parsed.ok) {
      setAside.push(rejectedRecord(ctx.topic, record, parsed.reason))
      continue
    }
    const key = lockoutKey(parsed.message)
    if (byKey.has(key)) duplicates += 1
    else byKey.set(key, parsed.message)
  }
  await insertRejectedMessages(tx, setAside, ctx.now)
  const inserted = await insertLockouts(tx, [...byKey.values()], ctx.now)
  const stored: Lockout[] = []
  for (const [key, lockout] of byKey) {
    if (!inserted.has(key)) {
      duplicates += 1
      continue
    }
    stored.push(lockout)
    await appendAuditInTx(tx, { actor: LOCKOUT_AUDIT_ACTOR, event: 'security.pin-lockout', detail: lockoutAuditDetail(lockout) }, ctx.now)
  }
  return { stored, duplicates, unparseable: setAside.length }
}

/** Who was locked (the caller, the code and its station), by what rule, from when until when. */
function lockoutAuditDetail(l: Lockout): AuditDetail {
  const detail: AuditDetail = { reason: l.reason, caller: l.caller, lockedAt: l.at, until: l.until }
  if (l.code !== undefined) detail.code = l.code
  if (l.electionId !== undefined) detail.electionId = l.electionId
  if (l.stationId !== undefined) detail.stationId = l.stationId
  if (l.channel !== undefined) detail.channel = l.channel
  if (l.attempts !== undefined) detail.attempts = l.attempts
  return detail
}
