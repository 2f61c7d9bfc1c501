// Submits a results file's returns by phone: one simulated call per station on the IVR webhook,
// keying in the station's figures in sheet order and confirming, the way an official would. A
// call that ends without a receipt and a prompt to call again (the bus could not confirm, a
// technical problem, the service lost the call) is made again, as the official is told to;
// anything else that ends a call without a receipt is reported as rejected.
import { readFile } from 'node:fs/promises'
import { parseString } from 'fast-csv'
import type { ElectionDefinition } from '../core/schemas.js'
import { PROMPTS } from '../ingest/phone/ivr-prompts.js'
import { stationSheet, type StationSheet } from '../ingest/phone/station-sheet.js'
import { playScript, type CallerOptions, type ScriptStep } from './phone-caller.js'
import { runPaced, sleep, type ReplayItem, type SubmitReport } from './replay-client.js'

export interface StationLogin {
  code: string
  pin: string
}

export interface PhoneReplayOptions {
  caller: Omit<CallerOptions, 'callSid' | 'from'>
  definition: ElectionDefinition
  items: readonly ReplayItem[]
  /** Each station's code and PIN (from `credentials issue`). */
  logins: ReadonlyMap<string, StationLogin>
  /** Calls in progress at once. */
  concurrency?: number
  /** Returns per second; unlimited when absent. */
  rate?: number
  onProgress?: (done: number, total: number) => void
}

const MAX_CALLS_PER_STATION = 30
const MAX_BACKOFF_MS = 5000

/** One call per station: the station's items, the keys to press, or why it cannot be called. */
type StationCall = {
  stationId: string
  /** A caller number of its own, so one station's trouble never locks out the others' caller. */
  from: string
  items: ReplayItem[]
  keys: string[] | undefined
  refusal: { code: string; message: string } | undefined
}

export async function phoneReturns(options: PhoneReplayOptions): Promise<SubmitReport> {
  const report: SubmitReport = { submitted: 0, accepted: 0, rejected: 0, rejectedByCode: {}, rejectionSamples: [], receipts: new Map(), retries: 0 }
  await runPaced(stationCalls(options), { concurrency: options.concurrency ?? 8, rate: options.rate, returnsIn: (call) => call.items.length }, async (call) => {
    await placeCall(options, call, report)
    report.submitted += call.items.length
    options.onProgress?.(report.submitted, options.items.length)
  })
  return report
}

function stationCalls(options: PhoneReplayOptions): StationCall[] {
  const byStation = new Map<string, ReplayItem[]>()
  for (const item of options.items) {
    const list = byStation.get(item.stationId) ?? []
    list.push(item)
    byStation.set(item.stationId, list)
  }
  return [...byStation].map(([stationId, items], index) => {
    const from = `+339${String(index).padStart(8, '0')}`
    const refuse = (code: string, message: string): StationCall => ({ stationId, from, items, keys: undefined, refusal: { code, message } })
    const login = options.logins.get(stationId)
    if (login === undefined) return refuse('no-credentials', 'no station code and PIN were issued for this station')
    const sheet = stationSheet(options.definition, stationId)
    if (sheet === undefined) return refuse('unknown-station', 'the election has no sheet for this station')
    const figures = sheetFigures(sheet, items)
    if (typeof figures === 'string') return refuse('missing-contest', `no figures for contest ${figures}`)
    return { stationId, from, items, refusal: undefined, keys: [`${login.code}#`, `${login.pin}#`, ...figures.map((f) => `${f}#`), '1'] }
  })
}

/** The figure of each line of the sheet, from the station's items; or the contest lacking one. */
function sheetFigures(sheet: StationSheet, items: readonly ReplayItem[]): number[] | string {
  const byContest = new Map(items.map((i) => [i.contestId, i.counts]))
  const missing = sheet.contests.find((c) => !byContest.has(c.id))
  if (missing) return missing.id
  return sheet.lines.map((line) => {
    const counts = byContest.get(sheet.contests[line.contest]?.id ?? '')
    if (counts === undefined) return 0
    return line.field === 'votes' ? (counts.votes[line.candidateId] ?? 0) : counts[line.field]
  })
}

async function placeCall(options: PhoneReplayOptions, call: StationCall, report: SubmitReport): Promise<void> {
  if (call.keys === undefined || call.refusal !== undefined) return reject(report, call, call.refusal ?? { code: 'no-call', message: 'no call' })
  const steps: ScriptStep[] = call.keys.map((keys) => ({ kind: 'keys', keys }))
  const prompts = PROMPTS.fr
  const contests = stationSheet(options.definition, call.stationId)?.contests.length ?? 1
  for (let attempt = 1; ; attempt++) {
    let heard: string[] = []
    let failure: string | undefined
    try {
      const phoned = await playScript({ ...options.caller, from: call.from }, steps)
      heard = phoned.last?.say.map((s) => s.text) ?? []
      if (!phoned.over) failure = 'the call did not end after the confirmation'
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err)
    }
    if (failure === undefined && heard[0] === prompts.receipts(contests)) {
      report.accepted += call.items.length
      return
    }
    // No receipt because nothing was made durable, the line was down, or the service lost the
    // call (its state lives in Redis, which may restart empty): the line says to call again, and
    // the official does.
    const retryable = failure !== undefined || [prompts.notRecorded, prompts.technicalProblem, prompts.expired].some((p) => heard.includes(p))
    if (!retryable || attempt >= MAX_CALLS_PER_STATION) {
      return reject(report, call, { code: retryable ? 'not-recorded' : 'call-refused', message: failure ?? heard.join(' ').slice(0, 300) })
    }
    report.retries++
    await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** attempt))
  }
}

function reject(report: SubmitReport, call: StationCall, why: { code: string; message: string }): void {
  report.rejected += call.items.length
  report.rejectedByCode[why.code] = (report.rejectedByCode[why.code] ?? 0) + call.items.length
  if (report.rejectionSamples.length < 10) report.rejectionSamples.push(`${call.stationId} (phone): ${why.code}: ${why.message}`)
}

/** The logins of `credentials.csv` (as written by `elections credentials issue`): station id → code and PIN. */
export async function readCredentialsCsv(path: string): Promise<Map<string, StationLogin>> {
  const text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '')
  const logins = new Map<string, StationLogin>()
  await new Promise<void>((resolve, reject) => {
    parseString<Record<string, string>, Record<string, string>>(text, { delimiter: ';', headers: true, strictColumnHandling: true })
      .on('error', reject)
      .on('data', (row: Record<string, string>) => {
        const { station_id: stationId, code, pin } = row
        if (stationId && code && pin) logins.set(stationId, { code, pin })
      })
      .on('end', () => resolve())
  })
  if (logins.size === 0) throw new Error(`${path}: no station_id;code;pin rows (expected the credentials.csv of elections credentials issue)`)
  return logins
}
