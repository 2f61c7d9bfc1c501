// Returns that arrived before their election's definition wait as 'pending'. Once the definition
// is loaded they are consolidated in arrival order, a batch per transaction, exactly as if they
// had arrived after it.
import { placeReturn, type ElectionCatalogue } from './election-catalogue.js'
import { consolidateReturns, type ConsolidationContext, type ConsolidationSummary } from './return-consolidation.js'
import type { ReturnToDecide } from './return-decisions.js'
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
  const known: ReturnToDecide[] = []
  const outcomes: ReturnOutcome[] = []
  let stillPending = 0
  for (const message of pending) {
    const placement = placeReturn(message, ctx.catalogue.get(message.electionId))
    switch (placement.kind) {
      case 'known':
        known.push({ message, election: placement.election, contest: placement.contest, station: placement.station })
        break
      case 'pending':
        stillPending += 1
        break
      case 'rejected':
        outcomes.push({ returnId: message.returnId, status: 'rejected', reason: placement.reason })
        break
      default: {
        const never: never = placement
        throw new Error(`unexpected placement ${JSON.stringify(never)}`)
      }
    }
  }
  await writeOutcomes(tx, outcomes, ctx.now)
  const consolidation = await consolidateReturns(tx, known, ctx)
  return { taken: pending.length, stillPending, rejected: outcomes.length, consolidation }
}
