// The consolidation record of one station's result for one contest, as the state machine and the
// repository share it.
import type { Counts, StationResultState } from '../core/schemas.js'

export interface StationResultRow {
  state: StationResultState
  /** The latest return applied to this station. */
  currentReturnId: string | undefined
  /** Version of the validated result: 0 until the first validation, +1 on every validated change. */
  version: number
  /** The validated counts, i.e. what `[results]` carries for this station. */
  counts: Counts | undefined
  /** voters / registered of the validated counts: what peers compare with (W204). */
  turnout: number | undefined
  validatedReturnId: string | undefined
  validatedAt: string | undefined
  /** Highest version relayed to `[results]`. */
  publishedVersion: number
}

export function awaitingRow(): StationResultRow {
  return {
    state: 'awaiting',
    currentReturnId: undefined,
    version: 0,
    counts: undefined,
    turnout: undefined,
    validatedReturnId: undefined,
    validatedAt: undefined,
    publishedVersion: 0,
  }
}
