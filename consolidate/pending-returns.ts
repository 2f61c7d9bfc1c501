// Returns that arrived before their election's definition wait as 'pending'. Once the definition
// is loaded they are consolidated in arrival order, a batch per transaction, exactly as if they
// had arrived after it.
import { placeReturns, type ElectionCatalogue } from './election-catalogue.js'
import { consolidateReturns, type ConsolidationContext, type ConsolidationSummary } from './return-consolidation.js'
import { readPendingReturns, writeOutcomes, type ReturnOutcome } from './returns-repository.js'
import type { Queryable } from '../infra/db/db.js'

export interface PendingStep {
  /** Pending returns taken in this step (0: none left whose election is loaded). */
  taken: number
  /** Taken but still without a definition (the definition changed meanwhile): left pending. */
  stillPending: number
  rejected: number
  consolidation: ConsolidationSummary
}

export async function consolidatePendingStep(
  tx: Queryable,
  ctx: ConsolidationContext & { catalogue: ElectionCatalogue; limit: number },
): Promise<PendingStep> {
  const pending = await readPendingReturns(tx, ctx.limit)
  await ctx.catalogue.refresh(tx, pending.map((m) => m.electionId))
  const { known, pending: stillPending, rejected } = placeReturns(pending, ctx.catalogue)
  // Still without a definition (it changed meanwhile): left pending, their outcome row unchanged.
  const outcomes: ReturnOutcome[] = rejected.map(({ message, reason }) => ({ returnId: message.returnId, status: 'rejected', reason }))
  await writeOutcomes(tx, outcomes, ctx.now)
  const consolidation = await consolidateReturns(tx, known, ctx)
  return { taken: pending.length, stillPending: stillPending.length, rejected: rejected.length, consolidation }
}
