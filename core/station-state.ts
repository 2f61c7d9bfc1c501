// The state machine of one station's result for one contest, as pure functions. The diagram is in
// docs/station-state.md; keep both in step.
import type { StationResultState } from './schemas.js'
import type { Finding } from './checks.js'
import { hasErrors, hasWarnings } from './checks.js'
import type { ValidationPolicy } from './schemas.js'

export type StationEvent =
  /** A return arrived and was checked. `agreeingIndependent` counts earlier independent returns with the same figures. */
  | { kind: 'return-received'; findings: readonly Finding[]; agreeingIndependent: number; disagreeingIndependent: number }
  /** A desk user validated the current return (warnings acknowledged). */
  | { kind: 'desk-validated' }
  /** A desk user rejected the current return; the station waits for another. */
  | { kind: 'desk-rejected' }
  /**
   * A second supervisor approved figures a desk user entered (four eyes): they become the
   * station's next validated version, whatever the station held before.
   */
  | { kind: 'desk-corrected' }
  /** A supervisor withdrew the station's validated result: `[results]` says so, and it waits again. */
  | { kind: 'desk-withdrawn' }
  /** The validated result reached `[results]`. */
  | { kind: 'published' }

export type Transition =
  | { ok: true; state: StationResultState; emitResult: boolean }
  | { ok: false; reason: string }

/** What happens to a station's result when `event` occurs in `state` under `policy`. */
export function transition(state: StationResultState, event: StationEvent, policy: ValidationPolicy): Transition {
  switch (event.kind) {
    case 'return-received':
      return onReturn(state, event, policy)
    case 'desk-validated':
      return state === 'needs-review' || state === 'conflict' || state === 'received'
        ? { ok: true, state: 'validated', emitResult: true }
        : { ok: false, reason: `cannot validate a result that is ${state}` }
    case 'desk-rejected':
      return state === 'needs-review' || state === 'conflict' || state === 'received'
        ? { ok: true, state: 'awaiting', emitResult: false }
        : { ok: false, reason: `cannot reject a result that is ${state}` }
    case 'desk-corrected':
      // Figures approved by two people replace whatever the station held: a conflict nobody's
      // return can settle, a sheet read over the phone to the desk, a published figure found wrong.
      return { ok: true, state: 'validated', emitResult: true }
    case 'desk-withdrawn':
      return state === 'validated' || state === 'published'
        ? { ok: true, state: 'awaiting', emitResult: true }
        : { ok: false, reason: `cannot withdraw a result that is ${state}` }
    case 'published':
      return state === 'validated'
        ? { ok: true, state: 'published', emitResult: false }
        : { ok: false, reason: `cannot publish a result that is ${state}` }
    default: {
      const never: never = event
      throw new Error(`unknown event ${JSON.stringify(never)}`)
    }
  }
}

function onReturn(
  state: StationResultState,
  event: Extract<StationEvent, { kind: 'return-received' }>,
  policy: ValidationPolicy,
): Transition {
  // A new return after validation is a correction: it always goes back to review, even when the
  // policy acknowledges warnings automatically, because corrections need a person. The state says
  // so, and so does W206 when the caller knows of an earlier version the state no longer shows
  // (a rejected correction leaves the station awaiting while its old version stays published).
  const isCorrection =
    state === 'validated' || state === 'published' || event.findings.some((f) => f.code === 'W206')
  if (isCorrection) return { ok: true, state: 'needs-review', emitResult: false }
  // Two independent sheets that disagree are a conflict even when this one also breaks a rule:
  // the desk must compare the two either way, and the outcome must not depend on which of the
  // two arrived first (a clean return after an erroneous one could only ever be a conflict).
  if (event.disagreeingIndependent > 0) return { ok: true, state: 'conflict', emitResult: false }
  if (hasErrors(event.findings)) return { ok: true, state: 'needs-review', emitResult: false }
  const warningsHold = hasWarnings(event.findings) && !policy.autoAcknowledgeWarnings
  switch (policy.mode) {
    case 'manual':
      return { ok: true, state: warningsHold ? 'needs-review' : 'received', emitResult: false }
    case 'double':
      if (warningsHold) return { ok: true, state: 'needs-review', emitResult: false }
      return event.agreeingIndependent > 0
        ? { ok: true, state: 'validated', emitResult: true }
        : { ok: true, state: 'received', emitResult: false }
    case 'auto':
      return warningsHold
        ? { ok: true, state: 'needs-review', emitResult: false }
        : { ok: true, state: 'validated', emitResult: true }
    default: {
      const never: never = policy.mode
      throw new Error(`unknown policy ${String(never)}`)
    }
  }
}
