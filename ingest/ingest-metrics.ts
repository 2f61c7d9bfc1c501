// Ingest's instruments: what the ops team watches on election night (acceptance rate, why returns
// are refused, and whether the bus keeps up).
import { Counter, Histogram, type Registry } from '../infra/metrics.js'

export type Endpoint = 'single' | 'batch' | 'phone' | 'form' | 'csv'
export type ProduceOutcome = 'ok' | 'failed' | 'timeout'

export interface IngestMetrics {
  accepted(endpoint: Endpoint, replayed: boolean, n?: number): void
  rejected(code: string, n?: number): void
  produceDuration(outcome: ProduceOutcome, seconds: number): void
}

export function createIngestMetrics(registry: Registry): IngestMetrics {
  const accepted = new Counter({
    name: 'ingest_returns_accepted_total',
    help: 'Returns acknowledged with a receipt (replayed: answered again from the idempotency record)',
    labelNames: ['endpoint', 'replayed'] as const,
    registers: [registry],
  })
  const rejected = new Counter({
    name: 'ingest_returns_rejected_total',
    help: 'Returns (or whole requests) refused, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  })
  const produce = new Histogram({
    name: 'ingest_produce_duration_seconds',
    help: 'Time for the bus to make a produce durable, by outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  return {
    accepted: (endpoint, replayed, n = 1) => {
      if (n > 0) accepted.inc({ endpoint, replayed: String(replayed) }, n)
    },
    rejected: (code, n = 1) => {
      if (n > 0) rejected.inc({ code }, n)
    },
    produceDuration: (outcome, seconds) => produce.observe({ outcome }, seconds),
  }
}
