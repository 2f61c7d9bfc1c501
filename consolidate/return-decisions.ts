// What a batch of returns does to its stations, decided without I/O: run the coded checks, apply
// the state machine of core/station-state.ts, and produce the new station rows and the results to
// announce. Returns are taken in order, and each sees the effect of the ones before it.
import { checkReturn, type CheckThresholds, type Finding } from '../core/checks.js'
import { countsEqual } from '../core/counts.js'
import { stationResultKey } from '../core/messages.js'
import type { Counts, ReturnSubmitted, StationResult, StationResultState } from '../core/schemas.js'
import { transition } from '../core/station-state.js'
import type { ContestFacts, ElectionFacts, StationFacts } from './election-catalogue.js'
import type { PeerArea, PeerTurnouts } from './peer-turnouts.js'
import type { EarlierReturn } from './returns-repository.js'
import { awaitingRow, type StationResultRow } from './station-result-row.js'
import type { StationResultWrite } from './station-results-repository.js'

export interface ReturnToDecide {
  message: ReturnSubmitted
  election: ElectionFacts
  contest: ContestFacts
  station: StationFacts
}

export type ReturnDecision =
  | { kind: 'applied'; returnId: string; findings: Finding[]; stateAfter: StationResultState; result: StationResult | undefined }
  /** The state machine refused the event: the return is kept with its findings, the station is unchanged. */
  | { kind: 'refused'; returnId: string; findings: Finding[]; reason: string }

export interface Decisions {
  decisions: ReturnDecision[]
  /** The final row of every station the batch changed. */
  writes: StationResultWrite[]
  /** Station results to announce on `[results]`, in order. */
  results: StationResult[]
}

export interface DecisionContext {
  /** Current rows of the batch's stations, keyed by stationResultKey (absent: awaiting). */
  rows: ReadonlyMap<string, StationResultRow>
  /** Returns already checked for those stations, oldest first. */
  earlier: ReadonlyMap<string, readonly EarlierReturn[]>
  /** Holding every group the batch needs; updated in place as the batch validates stations. */
  peers: PeerTurnouts
  thresholds: CheckThresholds
  now: Date
}

export function decideReturns(items: readonly ReturnToDecide[], ctx: DecisionContext): Decisions {
  const rows = new Map(ctx.rows)
  const earlier = new Map<string, EarlierReturn[]>()
  const writes = new Map<string, StationResultWrite>()
  const decisions: ReturnDecision[] = []
  const results: StationResult[] = []

  for (const item of items) {
    const m = item.message
    const key = stationResultKey(m.electionId, m.contestId, m.stationId)
    const current = rows.get(key) ?? awaitingRow()
    const seen = earlier.get(key) ?? [...(ctx.earlier.get(key) ?? [])]
    // Another official or another channel is an independent source; the same official on the same
    // channel sending again is correcting their own sheet, not confirming it.
    const independent = seen.filter((e) => e.channel !== m.channel || e.submittedBy !== m.submittedBy)
    const findings = checkReturn(m.counts, {
      station: item.station.station,
      candidates: item.contest.contest.candidates,
      thresholds: ctx.thresholds,
      peerTurnouts: ctx.peers.turnoutsFor(peerArea(item), m.stationId),
      otherReturns: independent.map((e) => e.counts),
      // A station with a validated version has figures out in the world: any new return is a correction.
      alreadyValidated: current.version > 0,
    })
    const agreeing = independent.filter((e) => countsEqual(e.counts, m.counts)).length
    const policy = item.election.election.policy
    const t = transition(
      current.state,
      { kind: 'return-received', findings, agreeingIndependent: agreeing, disagreeingIndependent: independent.length - agreeing },
      policy,
    )
    if (!t.ok) {
      decisions.push({ kind: 'refused', returnId: m.returnId, findings, reason: t.reason })
      continue
    }
    seen.push({ returnId: m.returnId, channel: m.channel, submittedBy: m.submittedBy, counts: m.counts })
    earlier.set(key, seen)

    const next: StationResultRow = { ...current, state: t.state, currentReturnId: m.returnId }
    let result: StationResult | undefined
    if (t.emitResult) {
      result = stationResult(m, current.version + 1, ctx.now)
      next.version = result.version
      next.counts = m.counts
      next.turnout = turnoutOf(m.counts)
      next.validatedReturnId = m.returnId
      next.validatedAt = result.validatedAt
      results.push(result)
      ctx.peers.record(peerArea(item), m.stationId, next.turnout)
    }
    rows.set(key, next)
    writes.set(key, {
      ref: { electionId: m.electionId, contestId: m.contestId, stationId: m.stationId },
      commune: item.station.station.commune,
      departement: item.station.departement,
      row: next,
    })
    decisions.push({ kind: 'applied', returnId: m.returnId, findings, stateAfter: next.state, result })
  }
  return { decisions, writes: [...writes.values()], results }
}

export function peerArea({ message: m, station }: ReturnToDecide): PeerArea {
  return { electionId: m.electionId, contestId: m.contestId, commune: station.station.commune, departement: station.departement }
}

function stationResult(m: ReturnSubmitted, version: number, now: Date): StationResult {
  return {
    type: 'station-result',
    electionId: m.electionId,
    contestId: m.contestId,
    stationId: m.stationId,
    version,
    status: 'validated',
    counts: m.counts,
    validatedAt: now.toISOString(),
    ...(version > 1 ? { reason: `corrected by return ${m.returnId}` } : {}),
    // The signed sheet behind the figures, for the station's public page.
    ...(m.scan === undefined ? {} : { scan: m.scan }),
  }
}

/** voters / registered, what the turnout check (W204) compares with peers; undefined with no registered voters. */
export function turnoutOf(counts: Counts): number | undefined {
  return counts.registered > 0 ? counts.voters / counts.registered : undefined
}
