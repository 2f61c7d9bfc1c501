// `elections replay FILE`: every row of a results file becomes a return submitted through the
// ingest HTTP API. Without --target the whole pipeline runs in this process; the command waits
// until every accepted return is consolidated and published, prints a summary and exits.
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import { readResultsFile } from './import/results-file.js'
import { replayItems, submitReturns, type ReplayItem, type SubmitReport } from './replay-client.js'
import { createProgress } from './progress.js'
import { openRuntime, type Runtime } from './runtime.js'
import { publishDefinition } from './load-election.js'
import type { ElectionDefinition } from '../core/schemas.js'

export type ReplayChannel = 'upload'

export interface ReplayOptions {
  file: string
  target: string | undefined
  token: string | undefined
  rate: number | undefined
  channel: ReplayChannel
}

export interface ReplaySummary {
  returns: number
  accepted: number
  rejected: number
  wallTimeMs: number
  returnsPerSecond: number
  timeToLastPageMs: number | undefined
  stationsPublished: number | undefined
}

export async function runReplay(config: Config, logger: Logger, options: ReplayOptions): Promise<number> {
  const imported = await readResultsFile(options.file)
  for (const w of imported.warnings.slice(0, 20)) process.stderr.write(`warning: ${w}\n`)
  if (imported.warnings.length > 20) process.stderr.write(`warning: … and ${imported.warnings.length - 20} more\n`)
  const items = replayItems(imported.definition, imported.returns)

  if (options.target !== undefined) {
    if (options.token === undefined) throw new Error('--target needs an API token: --token T or INGEST_TOKEN')
    const started = Date.now()
    const report = await submitWithProgress(options.target.replace(/\/+$/, ''), options.token, items, options.rate)
    printSummary(summarize(report, items.length, started, undefined, undefined), report)
    return report.rejected > 0 ? 1 : 0
  }

  const runtime = await openRuntime(config, logger, { serveSite: false, ephemeralIngestPort: true })
  try {
    const summary = await replayInProcess(runtime, imported.definition, items, options.rate)
    printSummary(summary.summary, summary.report)
    return 0
  } finally {
    await runtime.close()
  }
}

/** Loads the definition, submits every item, and waits until the last page is written. */
export async function replayInProcess(
  runtime: Runtime,
  definition: ElectionDefinition,
  items: readonly ReplayItem[],
  rate: number | undefined,
  quiet = false,
): Promise<{ summary: ReplaySummary; report: SubmitReport }> {
  await publishDefinition(runtime.bus, definition)
  await runtime.ingest.waitForElection(definition.election.id)
  const started = Date.now()
  const report = quiet
    ? await submitReturns({ ingestUrl: runtime.ingestUrl, token: runtime.apiToken.token, items, rate })
    : await submitWithProgress(runtime.ingestUrl, runtime.apiToken.token, items, rate)
  await runtime.consolidator.caughtUp()
  await runtime.publisher.caughtUp()
  await runtime.publisher.publishNow()
  const status = runtime.publisher.status()
  return { summary: summarize(report, items.length, started, Date.now(), status.stationsReported), report }
}

async function submitWithProgress(url: string, token: string, items: readonly ReplayItem[], rate: number | undefined): Promise<SubmitReport> {
  const progress = createProgress('returns')
  try {
    return await submitReturns({ ingestUrl: url, token, items, rate, onProgress: (d, t) => progress.update(d, t) })
  } finally {
    progress.stop()
  }
}

function summarize(report: SubmitReport, total: number, started: number, lastPageAt: number | undefined, published: number | undefined): ReplaySummary {
  const wall = (lastPageAt ?? Date.now()) - started
  return {
    returns: total,
    accepted: report.accepted,
    rejected: report.rejected,
    wallTimeMs: wall,
    returnsPerSecond: wall > 0 ? Math.round((report.accepted * 1000) / wall) : report.accepted,
    timeToLastPageMs: lastPageAt === undefined ? undefined : lastPageAt - started,
    stationsPublished: published,
  }
}

function printSummary(s: ReplaySummary, report: SubmitReport): void {
  const lines = [
    `returns:            ${s.returns}`,
    `accepted:           ${s.accepted}`,
    `rejected:           ${s.rejected}${Object.keys(report.rejectedByCode).length ? ` (${Object.entries(report.rejectedByCode).map(([c, n]) => `${c}: ${n}`).join(', ')})` : ''}`,
    `retried batches:    ${report.retries}`,
    `wall time:          ${(s.wallTimeMs / 1000).toFixed(1)} s`,
    `returns/s:          ${s.returnsPerSecond}`,
  ]
  if (s.timeToLastPageMs !== undefined) lines.push(`time to last page:  ${(s.timeToLastPageMs / 1000).toFixed(1)} s`)
  if (s.stationsPublished !== undefined) lines.push(`stations published: ${s.stationsPublished}`)
  for (const sample of report.rejectionSamples) lines.push(`  rejected ${sample}`)
  process.stdout.write(`${lines.join('\n')}\n`)
}
