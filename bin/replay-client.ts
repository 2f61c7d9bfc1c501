// Submits returns to an ingest server over its public HTTP API, in batches, the way an
// integrator would: what is not acknowledged is retried, what is rejected is reported. A return
// answered `request-in-progress` (its id is being stored right now, or was by an ingest process
// that died before answering, whose claim lasts until it expires) is not rejected: it is sent
// again a moment later, until it is accepted or truly rejected.
import { z } from 'zod'
import type { Counts } from '../core/schemas.js'
import { RETRY_AFTER_IN_PROGRESS_S } from '../ingest/submit-returns.js'

export interface ReplayItem {
  electionId: string
  contestId: string
  stationId: string
  counts: Counts
}

export interface SubmitOptions {
  ingestUrl: string
  token: string
  items: readonly ReplayItem[]
  batchSize?: number
  concurrency?: number
  /** Returns per second; unlimited when absent. */
  rate?: number
  onProgress?: (done: number, total: number) => void
  /** Called as each return is acknowledged with its receipt (a benchmark times what follows). */
  onAccepted?: (item: ReplayItem, receipt: string) => void
}

export interface SubmitReport {
  submitted: number
  accepted: number
  rejected: number
  rejectedByCode: Record<string, number>
  /** A few rejections, to show the reader what went wrong. */
  rejectionSamples: string[]
  receipts: Map<string, string>
  retries: number
}

const MAX_ATTEMPTS = 30
const MAX_BACKOFF_MS = 5000

const BatchAnswerSchema = z.object({
  results: z.array(
    z.union([
      z.object({ status: z.literal('accepted'), receipt: z.string(), returnId: z.string() }).loose(),
      z.object({ status: z.literal('rejected'), error: z.object({ code: z.string(), message: z.string() }).loose() }).loose(),
    ]),
  ),
})

/** The replay items of an election's returns (a results file's rows, the demo's returns). */
export function replayItems(
  definition: { election: { id: string } },
  returns: readonly { contestId: string; stationId: string; counts: Counts }[],
): ReplayItem[] {
  return returns.map((r) => ({ electionId: definition.election.id, contestId: r.contestId, stationId: r.stationId, counts: r.counts }))
}

/** The return id a replay uses: the same row replayed again is the same return, counted once. */
export function replayReturnId(item: ReplayItem): string {
  return `replay:${item.electionId}:${item.contestId}:${item.stationId}`
}

export async function submitReturns(options: SubmitOptions): Promise<SubmitReport> {
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 500, options.rate ? Math.ceil(options.rate) : Infinity))
  const concurrency = options.concurrency ?? 2
  const report: SubmitReport = {
    submitted: 0, accepted: 0, rejected: 0, rejectedByCode: {}, rejectionSamples: [], receipts: new Map(), retries: 0,
  }
  const batches: ReplayItem[][] = []
  for (let i = 0; i < options.items.length; i += batchSize) batches.push(options.items.slice(i, i + batchSize))
  await runPaced(batches, { concurrency, rate: options.rate, returnsIn: (batch) => batch.length }, async (batch) => {
    await submitBatch(options, batch, report)
    report.submitted += batch.length
    options.onProgress?.(report.submitted, options.items.length)
  })
  return report
}

/**
 * Runs `work` on every unit (a batch, a station's call) with `concurrency` workers, starting each
 * no sooner than `rate` returns per second allow.
 */
export async function runPaced<T>(
  units: readonly T[],
  options: { concurrency: number; rate: number | undefined; returnsIn: (unit: T) => number },
  work: (unit: T) => Promise<void>,
): Promise<void> {
  const startedAt = Date.now()
  let next = 0
  let sent = 0
  const worker = async () => {
    while (next < units.length) {
      const unit = units[next++] as T
      if (options.rate) {
        // Pace by the number of returns already handed out, so the rate holds across workers.
        const due = startedAt + (sent / options.rate) * 1000
        sent += options.returnsIn(unit)
        const wait = due - Date.now()
        if (wait > 0) await sleep(wait)
      }
      await work(unit)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
}

async function submitBatch(options: SubmitOptions, batch: readonly ReplayItem[], report: SubmitReport): Promise<void> {
  let pending = batch
  for (let attempt = 1; ; attempt++) {
    const body = JSON.stringify({
      returns: pending.map((item) => ({ ...item, returnId: replayReturnId(item), channel: 'import' })),
    })
    let status = 0
    let text: string
    try {
      const res = await fetch(`${options.ingestUrl}/v1/returns/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
        body,
        signal: AbortSignal.timeout(60_000),
      })
      status = res.status
      text = await res.text()
    } catch (err) {
      text = err instanceof Error ? err.message : String(err)
    }
    const backoffMs = Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt)
    if (status === 200) {
      const again = recordAnswers(pending, text, report, options.onAccepted, attempt < MAX_ATTEMPTS)
      if (again.length === 0) return
      // Only the returns still being stored go again, after ingest's Retry-After for them (a
      // batch's 200 answer carries no header for it), and never sooner than the backoff.
      pending = again
      report.retries++
      await sleep(Math.max(RETRY_AFTER_IN_PROGRESS_S * 1000, backoffMs))
      continue
    }
    // Not acknowledged: nothing of this batch is known to be durable, so it is sent again whole.
    // Returns carry ids, so a batch that was in fact stored is not counted twice.
    const retryable = status === 0 || status === 429 || status >= 500
    if (!retryable || attempt >= MAX_ATTEMPTS) {
      throw new Error(`ingest answered ${status || 'no response'} after ${attempt} attempt(s): ${text.slice(0, 300)}`)
    }
    report.retries++
    await sleep(backoffMs)
  }
}

/**
 * Counts the answers of one request. Returns the items answered `request-in-progress`, to send
 * again; when `mayRetry` is false they count as rejected.
 */
function recordAnswers(
  batch: readonly ReplayItem[],
  text: string,
  report: SubmitReport,
  onAccepted: SubmitOptions['onAccepted'],
  mayRetry: boolean,
): ReplayItem[] {
  const answer = BatchAnswerSchema.parse(JSON.parse(text))
  if (answer.results.length !== batch.length) {
    throw new Error(`ingest answered ${answer.results.length} results for a batch of ${batch.length}`)
  }
  const again: ReplayItem[] = []
  answer.results.forEach((r, i) => {
    const item = batch[i]
    if (r.status === 'accepted') {
      report.accepted++
      report.receipts.set(r.returnId, r.receipt)
      if (item !== undefined) onAccepted?.(item, r.receipt)
      return
    }
    if (r.error.code === 'request-in-progress' && mayRetry && item !== undefined) {
      again.push(item)
      return
    }
    report.rejected++
    report.rejectedByCode[r.error.code] = (report.rejectedByCode[r.error.code] ?? 0) + 1
    if (report.rejectionSamples.length < 10) {
      report.rejectionSamples.push(`${item?.stationId ?? '?'}: ${r.error.code}: ${r.error.message}`)
    }
  })
  return again
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
