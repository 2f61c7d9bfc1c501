// `elections replay FILE`: every row of a results file becomes a return submitted through the
// ingest HTTP API (upload), through the IVR webhook by simulated calls (phone), or both. Without
// --target the whole pipeline runs in this process; the command waits until every accepted
// return is consolidated and published, prints a summary and exits.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import { readResultsFile } from './import/results-file.js'
import { replayItems, submitReturns, type ReplayItem, type SubmitReport } from './replay-client.js'
import { PHONE_VOICE_PATH, type CallerOptions } from './phone-caller.js'
import { createProgress } from './progress.js'
import { openRuntime, type Runtime } from './runtime.js'
import { publishDefinition } from './load-election.js'
import type { ElectionDefinition, ValidationPolicy } from '../core/schemas.js'
import { issueCredentials } from './credentials.js'
import { phoneReturns, readCredentialsCsv, type StationLogin } from './replay-phone.js'
import { mistypePhoneReturns, type Typos } from './replay-typos.js'
import { readStationIdsInState } from '../consolidate/station-results-repository.js'

export type ReplayChannel = 'upload' | 'phone' | 'both'

/**
 * `--channel both` is double data entry: every station comes in by two independent channels, so
 * the election is loaded with the policy made for that — a station is validated when the two
 * agree. (Under `auto` the first return validates and the second, identical or not, is held for
 * the desk as a correction, W206.)
 */
export const DOUBLE_ENTRY_POLICY: ValidationPolicy = { mode: 'double', autoAcknowledgeWarnings: true }

export interface ReplayOptions {
  file: string
  target: string | undefined
  token: string | undefined
  rate: number | undefined
  channel: ReplayChannel
  /** With --target and a phone channel: the credentials.csv of `elections credentials issue`. */
  credentials: string | undefined
  /** --policy: the validation policy the election is loaded with (default: double with both channels, else the file's). */
  policy: ValidationPolicy['mode'] | undefined
  /** --typo-rate: the share of stations whose phone return gets one figure mistyped (replay-typos.ts). */
  typoRate: number | undefined
  typoSeed: number | undefined
}

/** How the phone simulator signs its webhooks: PHONE_WEBHOOK_SECRET and PHONE_PUBLIC_URL. */
type PhoneSigning = Pick<CallerOptions, 'secret' | 'publicUrl'>

export interface ReplaySummary {
  returns: number
  accepted: number
  rejected: number
  wallTimeMs: number
  returnsPerSecond: number
  timeToLastPageMs: number | undefined
  stationsPublished: number | undefined
  /** With --typo-rate: the stations whose phone return was mistyped. */
  mistyped: string[] | undefined
  /** In process: the stations left in conflict at the end, for the desk to resolve (they are not published). */
  leftInConflict: string[] | undefined
}

export async function runReplay(config: Config, logger: Logger, options: ReplayOptions): Promise<number> {
  const policy = replayPolicy(options)
  const imported = await readResultsFile(options.file, policy === undefined ? {} : { policy })
  for (const w of imported.warnings.slice(0, 20)) process.stderr.write(`warning: ${w}\n`)
  if (imported.warnings.length > 20) process.stderr.write(`warning: … and ${imported.warnings.length - 20} more\n`)
  const items = replayItems(imported.definition, imported.returns)
  const typos = options.typoRate === undefined ? undefined : mistypePhoneReturns(items, options.typoRate, options.typoSeed)

  const signing: PhoneSigning = { secret: config.phone.webhookSecret, publicUrl: config.phone.publicUrl }
  const channels = channelsOf(options.channel)

  if (options.target !== undefined) {
    if (channels.upload && options.token === undefined) throw new Error('--target needs an API token: --token T or INGEST_TOKEN')
    if (channels.phone && options.credentials === undefined) {
      throw new Error('--target with --channel phone or both needs --credentials FILE: the credentials.csv of elections credentials issue for that election')
    }
    const logins = options.credentials === undefined ? undefined : await readCredentialsCsv(options.credentials)
    const started = Date.now()
    const report = await submitChannels({
      ingestUrl: options.target.replace(/\/+$/, ''),
      token: options.token ?? '',
      definition: imported.definition,
      items,
      rate: options.rate,
      channel: options.channel,
      logins,
      signing,
      phoneItems: typos?.phoneItems,
    })
    printSummary({ ...summarize(report, report.submitted, started, undefined, undefined), mistyped: typos?.stationIds }, report)
    return report.rejected > 0 ? 1 : 0
  }

  const runtime = await openRuntime(config, logger, { serveSite: false, ephemeralIngestPort: true })
  try {
    const summary = await replayInProcess(runtime, imported.definition, items, options.rate, { channel: options.channel, signing, typos })
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
  options: { quiet?: boolean; channel?: ReplayChannel; signing?: PhoneSigning; typos?: Typos | undefined } = {},
): Promise<{ summary: ReplaySummary; report: SubmitReport }> {
  const channel = options.channel ?? 'upload'
  await publishDefinition(runtime.bus, definition)
  await runtime.ingest.waitForElection(definition.election.id)
  const logins = channelsOf(channel).phone ? await issueReplayLogins(runtime, definition, items) : undefined
  const started = Date.now()
  const report = await submitChannels({
    ingestUrl: runtime.ingestUrl,
    token: runtime.apiToken.token,
    definition,
    items,
    rate,
    channel,
    logins,
    signing: options.signing ?? {},
    quiet: options.quiet,
    phoneItems: options.typos?.phoneItems,
  })
  // Caught up means every return consolidated and every validated result published: a station
  // held in conflict or for review has nothing to publish, so nothing here waits for it.
  await runtime.consolidator.caughtUp()
  await runtime.publisher.caughtUp()
  await runtime.publisher.publishNow()
  const status = runtime.publisher.status()
  const leftInConflict = await readStationIdsInState(runtime.db, definition.election.id, 'conflict')
  const summary = summarize(report, report.submitted, started, Date.now(), status.stationsReported)
  return { summary: { ...summary, mistyped: options.typos?.stationIds, leftInConflict }, report }
}

/**
 * `--policy`, as a certified results file is loaded (warnings acknowledged: the figures were
 * proclaimed); otherwise double entry when both channels send every station.
 */
function replayPolicy(options: Pick<ReplayOptions, 'policy' | 'channel'>): ValidationPolicy | undefined {
  if (options.policy !== undefined) return { mode: options.policy, autoAcknowledgeWarnings: true }
  return options.channel === 'both' ? DOUBLE_ENTRY_POLICY : undefined
}

function channelsOf(channel: ReplayChannel): { upload: boolean; phone: boolean } {
  return { upload: channel !== 'phone', phone: channel !== 'upload' }
}

/**
 * Station codes and PINs for the simulated calls, issued on the runtime's own bus like
 * `credentials issue` does; the PINs stay in memory (their CSV is written to a private temporary
 * folder and deleted at once). Resolves once ingest has read them.
 */
async function issueReplayLogins(runtime: Runtime, definition: ElectionDefinition, items: readonly ReplayItem[]): Promise<Map<string, StationLogin>> {
  const outDir = await mkdtemp(join(tmpdir(), 'replay-credentials-'))
  try {
    const issued = await issueCredentials({ bus: runtime.bus, definition, outDir, stations: [...new Set(items.map((i) => i.stationId))] })
    await runtime.ingest.caughtUp()
    return new Map(issued.stations.map((s) => [s.stationId, { code: s.code, pin: s.pin }]))
  } finally {
    await rm(outDir, { recursive: true, force: true })
  }
}

interface ChannelsJob {
  ingestUrl: string
  token: string
  definition: ElectionDefinition
  items: readonly ReplayItem[]
  rate: number | undefined
  channel: ReplayChannel
  logins: ReadonlyMap<string, StationLogin> | undefined
  signing: PhoneSigning
  quiet?: boolean | undefined
  /** What the phone keys in, when it differs from the file (typos); the file's items otherwise. */
  phoneItems?: readonly ReplayItem[] | undefined
}

/** Every item by upload, by phone, or by both at once; one progress bar over all of it. */
async function submitChannels(job: ChannelsJob): Promise<SubmitReport> {
  const channels = channelsOf(job.channel)
  const progress = job.quiet ? undefined : createProgress('returns')
  const total = job.items.length * (channels.upload && channels.phone ? 2 : 1)
  const done = { upload: 0, phone: 0 }
  const onProgress = (channel: keyof typeof done) => (n: number) => {
    done[channel] = n
    progress?.update(done.upload + done.phone, total)
  }
  try {
    const reports = await Promise.all([
      channels.upload
        ? submitReturns({ ingestUrl: job.ingestUrl, token: job.token, items: job.items, rate: job.rate, onProgress: onProgress('upload') })
        : undefined,
      channels.phone
        ? phoneReturns({
            caller: { voiceUrl: `${job.ingestUrl}${PHONE_VOICE_PATH}`, ...job.signing },
            definition: job.definition,
            items: job.phoneItems ?? job.items,
            logins: job.logins ?? new Map(),
            rate: job.rate,
            onProgress: onProgress('phone'),
          })
        : undefined,
    ])
    return mergeReports(reports.filter((r): r is SubmitReport => r !== undefined))
  } finally {
    progress?.stop()
  }
}

function mergeReports(reports: readonly SubmitReport[]): SubmitReport {
  const merged: SubmitReport = { submitted: 0, accepted: 0, rejected: 0, rejectedByCode: {}, rejectionSamples: [], receipts: new Map(), retries: 0 }
  for (const r of reports) {
    merged.submitted += r.submitted
    merged.accepted += r.accepted
    merged.rejected += r.rejected
    merged.retries += r.retries
    for (const [code, n] of Object.entries(r.rejectedByCode)) merged.rejectedByCode[code] = (merged.rejectedByCode[code] ?? 0) + n
    merged.rejectionSamples.push(...r.rejectionSamples.slice(0, 10 - merged.rejectionSamples.length))
    for (const [id, receipt] of r.receipts) merged.receipts.set(id, receipt)
  }
  return merged
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
    mistyped: undefined,
    leftInConflict: undefined,
  }
}

/** Station ids after a count, the first 20 of them. */
function listed(ids: readonly string[]): string {
  if (ids.length === 0) return ''
  return ` (${ids.slice(0, 20).join(', ')}${ids.length > 20 ? `, … ${ids.length - 20} more` : ''})`
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
  if (s.mistyped !== undefined) lines.push(`mistyped by phone: ${s.mistyped.length}${listed(s.mistyped)}`)
  if (s.leftInConflict !== undefined) {
    lines.push(`left in conflict:   ${s.leftInConflict.length}${listed(s.leftInConflict)}${s.leftInConflict.length > 0 ? ' (not published until the desk resolves them)' : ''}`)
  }
  for (const sample of report.rejectionSamples) lines.push(`  rejected ${sample}`)
  process.stdout.write(`${lines.join('\n')}\n`)
}
