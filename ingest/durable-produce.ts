// Producing returns with a deadline. A receipt means durable, so the only outcomes a caller can
// act on are "durable" and "not known to be durable"; a bus that hangs is treated like one that
// fails, so the official hears 503 and retries instead of waiting on a silent line.
import { TOPICS } from '../core/messages.js'
import type { Bus, BusRecord } from '../infra/bus/bus.js'
import type { Logger } from '../infra/logging.js'
import type { IngestMetrics } from './ingest-metrics.js'

export const PRODUCE_TIMEOUT_MS = 5_000

export type ProduceResult = { ok: true } | { ok: false; reason: 'failed' | 'timeout' }

export type ReturnsProducer = (records: readonly BusRecord[]) => Promise<ProduceResult>

export function createReturnsProducer(
  bus: Bus,
  metrics: IngestMetrics,
  logger: Logger,
  timeoutMs = PRODUCE_TIMEOUT_MS,
): ReturnsProducer {
  return async (records) => {
    const started = process.hrtime.bigint()
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs)
    })
    // A produce that completes after the deadline has still written the returns; the client,
    // told 503, retries with the same return ids, and consolidation applies each id once.
    const produced = bus.produce(TOPICS.returns, records).then(
      () => 'ok' as const,
      (err: unknown) => {
        logger.error({ err, records: records.length }, 'ingest: produce to [returns] failed')
        return 'failed' as const
      },
    )
    try {
      const outcome = await Promise.race([produced, deadline])
      metrics.produceDuration(outcome, seconds())
      if (outcome === 'ok') return { ok: true }
      if (outcome === 'timeout') logger.error({ timeoutMs, records: records.length }, 'ingest: produce to [returns] timed out')
      return { ok: false, reason: outcome }
    } finally {
      clearTimeout(timer)
    }
  }
}
