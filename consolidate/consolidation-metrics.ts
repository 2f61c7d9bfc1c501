// Consolidation's Prometheus instruments, registered on the registry it is given.
import { Counter, Gauge, Histogram, type Registry } from '../infra/metrics.js'
import type { LockoutIntakeSummary } from './lockout-intake.js'
import type { ConsolidationSummary } from './return-consolidation.js'
import type { ReturnIntakeSummary } from './return-intake.js'

export type ConsolidationMetrics = ReturnType<typeof createConsolidationMetrics>

export function createConsolidationMetrics(registry: Registry) {
  const registers = [registry]
  const consumed = new Counter({
    name: 'consolidate_returns_consumed_total',
    help: 'Records consumed from [returns], by what became of them',
    labelNames: ['outcome'] as const,
    registers,
  })
  const validated = new Counter({
    name: 'consolidate_results_validated_total',
    help: 'Validated station result versions written to the outbox for [results]',
    registers,
  })
  const held = new Counter({
    name: 'consolidate_returns_held_total',
    help: 'Returns that left their station held for the results desk, by state',
    labelNames: ['state'] as const,
    registers,
  })
  const batchSeconds = new Histogram({
    name: 'consolidate_batch_duration_seconds',
    help: 'Time to take in one batch of bus records, transaction included',
    labelNames: ['topic'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  })
  const relayed = new Counter({
    name: 'consolidate_outbox_relayed_total',
    help: 'Outbox messages produced to the bus',
    registers,
  })
  const relayLag = new Gauge({
    name: 'consolidate_outbox_relay_lag_seconds',
    help: 'Age of the oldest outbox message not yet relayed at the last relay pass (0: none waiting)',
    registers,
  })
  const lockouts = new Counter({
    name: 'consolidate_lockouts_consumed_total',
    help: 'Records consumed from [security], by what became of them',
    labelNames: ['outcome'] as const,
    registers,
  })
  const relayFailures = new Counter({
    name: 'consolidate_outbox_relay_failures_total',
    help: 'Relay passes that failed (the bus refused a produce); they are retried',
    registers,
  })

  const recordConsolidation = (s: ConsolidationSummary) => {
    validated.inc(s.resultsEmitted)
    for (const [state, n] of s.applied) {
      if (state === 'needs-review' || state === 'conflict') held.inc({ state }, n)
    }
  }

  return {
    returnIntake(s: ReturnIntakeSummary): void {
      let applied = 0
      for (const n of s.consolidation.applied.values()) applied += n
      const outcomes = {
        checked: applied,
        refused: s.consolidation.refused,
        pending: s.pending,
        rejected: s.rejected,
        duplicate: s.duplicates,
        'conflicting-id': s.conflictingIds,
        unparseable: s.unparseable,
      }
      for (const [outcome, n] of Object.entries(outcomes)) if (n > 0) consumed.inc({ outcome }, n)
      recordConsolidation(s.consolidation)
    },
    lockoutIntake(s: LockoutIntakeSummary): void {
      const outcomes = { stored: s.stored.length, duplicate: s.duplicates, unparseable: s.unparseable }
      for (const [outcome, n] of Object.entries(outcomes)) if (n > 0) lockouts.inc({ outcome }, n)
    },
    /** Returns consolidated after waiting for their definition. */
    consolidation: recordConsolidation,
    startBatch(topic: string): () => void {
      return batchSeconds.startTimer({ topic })
    },
    relayed(n: number): void {
      relayed.inc(n)
    },
    relayLag(seconds: number): void {
      relayLag.set(seconds)
    },
    relayFailed(): void {
      relayFailures.inc()
    },
  }
}
