// Consolidates returns whose election, contest and station are known, inside the caller's
// transaction: reads what the checks need for the whole batch (a handful of statements whatever
// its size), decides, and writes outcomes, findings, station rows and outbox messages.
import type { CheckThresholds } from '../core/checks.js'
import { stationResultKey } from '../core/messages.js'
import type { StationResultState } from '../core/schemas.js'
import type { Queryable } from '../infra/db/db.js'
import { enqueueStationResults, type OutboxRow } from './outbox-repository.js'
import type { PeerTurnouts } from './peer-turnouts.js'
import { decideReturns, peerArea, type ReturnToDecide } from './return-decisions.js'
import { insertFindings, readCheckedReturns, writeOutcomes, type StationRef } from './returns-repository.js'
import { readPeerGroups, readStationResults, writeStationResults } from './station-results-repository.js'

export interface ConsolidationSummary {
  /** Returns applied to their station, by the station's state right after. */
  applied: Map<StationResultState, number>
  /** Returns the state machine refused (kept, with their findings). */
  refused: number
  /** New validated versions written to the outbox. */
  resultsEmitted: number
  /** What was written to the outbox, for the relay once the transaction has committed. */
  outbox: OutboxRow[]
}

export function emptySummary(): ConsolidationSummary {
  return { applied: new Map(), refused: 0, resultsEmitted: 0, outbox: [] }
}

export interface ConsolidationContext {
  thresholds: CheckThresholds
  now: Date
  /** Peer groups held across batches; the caller clears them if the transaction rolls back. */
  peers: PeerTurnouts
}

export async function consolidateReturns(
  tx: Queryable,
  items: readonly ReturnToDecide[],
  ctx: ConsolidationContext,
): Promise<ConsolidationSummary> {
  const summary = emptySummary()
  if (items.length === 0) return summary

  const refs = new Map<string, StationRef>()
  for (const { message: m } of items) {
    refs.set(stationResultKey(m.electionId, m.contestId, m.stationId), { electionId: m.electionId, contestId: m.contestId, stationId: m.stationId })
  }
  const stationRefs = [...refs.values()]
  const rows = await readStationResults(tx, stationRefs, { lock: true })
  const earlier = await readCheckedReturns(tx, stationRefs)
  const { peers } = ctx
  const nowMs = ctx.now.getTime()
  peers.load(await readPeerGroups(tx, peers.toLoad(items.map(peerArea), nowMs), ctx.thresholds.turnoutMinPeers), nowMs)

  const { decisions, writes, results } = decideReturns(items, { rows, earlier, peers, thresholds: ctx.thresholds, now: ctx.now })

  await writeOutcomes(
    tx,
    decisions.map((d) =>
      d.kind === 'applied'
        ? { returnId: d.returnId, status: 'checked', stateAfter: d.stateAfter }
        : { returnId: d.returnId, status: 'rejected', reason: `state machine refused it: ${d.reason}` },
    ),
    ctx.now,
  )
  await insertFindings(tx, decisions)
  await writeStationResults(tx, writes, ctx.now)
  summary.outbox = await enqueueStationResults(tx, results, ctx.now)

  for (const d of decisions) {
    if (d.kind === 'refused') summary.refused += 1
    else summary.applied.set(d.stateAfter, (summary.applied.get(d.stateAfter) ?? 0) + 1)
  }
  summary.resultsEmitted = results.length
  return summary
}
