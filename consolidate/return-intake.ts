// Takes a batch of `[returns]` records into the database, in the caller's transaction: parse each,
// store each new return once, set aside what cannot be taken, and consolidate the rest. Whatever
// happens to a record, it ends up somewhere a person can see it; nothing here throws on input.
import { createHash } from 'node:crypto'
import type { CheckThresholds } from '../core/checks.js'
import { ReturnSubmittedSchema } from '../core/messages.js'
import { canonicalJson } from '../core/return-ids.js'
import type { ReturnSubmitted } from '../core/schemas.js'
import type { ConsumedRecord } from '../infra/bus/bus.js'
import type { Queryable } from '../infra/db/db.js'
import { placeReturns, type ElectionCatalogue } from './election-catalogue.js'
import { parseMessage } from './message-parsing.js'
import type { PeerTurnouts } from './peer-turnouts.js'
import { insertRejectedMessages, rejectedRecord, type RejectedMessage } from './rejected-messages-repository.js'
import { consolidateReturns, type ConsolidationSummary } from './return-consolidation.js'
import { insertReturns, readContentHashes, writeOutcomes, type IncomingReturn, type ReturnOutcome } from './returns-repository.js'

export interface ReturnIntakeSummary {
  records: number
  /** Records that are not a valid return message. */
  unparseable: number
  /** A return id seen before with the same content: a redelivery or a client's retry, counted once. */
  duplicates: number
  /** A return id seen before with other content: set aside in rejected_messages. */
  conflictingIds: number
  /** New returns waiting for their election's definition. */
  pending: number
  /** New returns for a contest or station their election does not have. */
  rejected: number
  consolidation: ConsolidationSummary
}

export interface IntakeContext {
  topic: string
  catalogue: ElectionCatalogue
  thresholds: CheckThresholds
  now: Date
  peers: PeerTurnouts
}

interface Candidate extends IncomingReturn {
  record: ConsumedRecord
}

export async function takeInReturnRecords(tx: Queryable, records: readonly ConsumedRecord[], ctx: IntakeContext): Promise<ReturnIntakeSummary> {
  const setAside: RejectedMessage[] = []
  const reject = (record: ConsumedRecord, reason: string) => setAside.push(rejectedRecord(ctx.topic, record, reason))
  let unparseable = 0
  let duplicates = 0
  let conflictingIds = 0

  // A batch may carry one id twice (a client retried while the first was in flight): the first wins.
  const firstById = new Map<string, Candidate>()
  for (const record of records) {
    const parsed = parseMessage(ReturnSubmittedSchema, record.value, 'return')
    if (!parsed.ok) {
      unparseable += 1
      reject(record, parsed.reason)
      continue
    }
    const candidate: Candidate = {
      record,
      message: parsed.message,
      contentHash: contentHashOf(parsed.message),
      source: { topic: ctx.topic, partition: record.partition, offset: record.offset },
    }
    const first = firstById.get(parsed.message.returnId)
    if (first === undefined) firstById.set(parsed.message.returnId, candidate)
    else if (first.contentHash === candidate.contentHash) duplicates += 1
    else {
      conflictingIds += 1
      reject(record, duplicateIdReason(parsed.message.returnId))
    }
  }

  const candidates = [...firstById.values()]
  const inserted = await insertReturns(tx, candidates, ctx.now)
  const seenBefore = candidates.filter((c) => !inserted.has(c.message.returnId))
  if (seenBefore.length > 0) {
    const hashes = await readContentHashes(tx, seenBefore.map((c) => c.message.returnId))
    for (const c of seenBefore) {
      if (hashes.get(c.message.returnId) === c.contentHash) duplicates += 1
      else {
        conflictingIds += 1
        reject(c.record, duplicateIdReason(c.message.returnId))
      }
    }
  }

  const fresh = candidates.filter((c) => inserted.has(c.message.returnId))
  await ctx.catalogue.refresh(tx, fresh.map((c) => c.message.electionId))
  const { known, pending, rejected } = placeReturns(fresh.map((c) => c.message), ctx.catalogue)
  const outcomes: ReturnOutcome[] = [
    ...pending.map(({ message, reason }): ReturnOutcome => ({ returnId: message.returnId, status: 'pending', reason })),
    ...rejected.map(({ message, reason }): ReturnOutcome => ({ returnId: message.returnId, status: 'rejected', reason })),
  ]
  await writeOutcomes(tx, outcomes, ctx.now)
  await insertRejectedMessages(tx, setAside, ctx.now)
  const consolidation = await consolidateReturns(tx, known, ctx)
  return { records: records.length, unparseable, duplicates, conflictingIds, pending: pending.length, rejected: rejected.length, consolidation }
}

/**
 * What a return says, hashed. The receipt and submission time are left out on purpose: a client
 * retrying with its idempotency key may stamp a new time, and that is still the same return.
 */
export function contentHashOf(m: ReturnSubmitted): string {
  const said = { electionId: m.electionId, contestId: m.contestId, stationId: m.stationId, channel: m.channel, submittedBy: m.submittedBy, counts: m.counts }
  return createHash('sha256').update(canonicalJson(said)).digest('hex')
}

function duplicateIdReason(returnId: string): string {
  return `duplicate-id: return ${returnId} was already received with different content; this one is set aside, not counted`
}
