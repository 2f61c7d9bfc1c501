// The call flow as pure functions: given a call's state and what the caller keyed (or their
// silence), the next state and what to say — or the effect the flow needs first (check a PIN,
// submit the sheet), whose result is fed back through afterPinCheck / afterSubmit. No I/O here:
// phone-routes.ts does the effects, keeps the state in the cache and renders TwiML.
//
//   code → pin → figure 1…n → review ─1→ submit → receipt, hang up
//     ▲     │ wrong: back to code          └2→ choose-line → correct → review
//     9: English (at the code prompt of a French call)
//
// Every prompt allows three failed attempts (invalid keys or silence); the third ends the call
// with nothing submitted.
import type { PinVerification } from '../station-credentials.js'
import type { CallState } from './call-state.js'
import { PROMPTS, spellOut, type Language, type Prompts } from './ivr-prompts.js'
import type { SheetLine, StationSheet } from './station-sheet.js'

export const MAX_TRIES = 3
/** A figure has at most 6 digits (999,999): a station counts a few thousand ballots at most. */
export const FIGURE_MAX_DIGITS = 6
export const ENTRY_TIMEOUT_S = 10
export const MENU_TIMEOUT_S = 8
/** At the code prompt of a French call, this key alone (then #) switches the call to English. */
export const ENGLISH_KEY = '9'

export type CallInput = { kind: 'keys'; digits: string } | { kind: 'silence' }

/** What to listen for after speaking; absent: hang up. */
export interface Listen {
  timeoutSeconds: number
  numDigits?: number
  finishOnKey?: '#'
}

/** Why a call was answered for the last time. */
export type EndReason = 'submitted' | 'not-recorded' | 'locked-out' | 'too-many-tries' | 'unknown-station' | 'not-open'

export interface Turn {
  say: string[]
  listen: Listen | undefined
  /** Set on the turn that ends the call (not on a repeat of it). */
  ended?: EndReason
}

/** A state whose answer is still to be rendered: the route adds `seq` and `lastTwiml`. */
export type Draft = Omit<CallState, 'seq' | 'lastTwiml'>

export type FlowResult =
  | { kind: 'turn'; state: Draft; turn: Turn }
  | { kind: 'verify-pin'; state: Draft; code: string; pin: string }
  | { kind: 'submit'; state: Draft }

export type SubmitResult = { ok: true; receipts: { contestId: string; receipt: string }[] } | { ok: false }

const FIGURE = new RegExp(`^\\d{1,${FIGURE_MAX_DIGITS}}$`)

export function startCall(call: { callSid: string; caller: string; language: Language; open: boolean }): FlowResult {
  const state: Draft = { callSid: call.callSid, caller: call.caller, language: call.language, step: { kind: 'code' }, tries: 0, values: [] }
  const p = PROMPTS[call.language]
  if (!call.open) return end(state, [p.notOpen], 'not-open')
  const prompt = promptFor(state)
  return turn(state, [p.welcome, ...(call.language === 'fr' && p.offerEnglish ? [p.offerEnglish] : []), ...prompt.say], prompt.listen)
}

export function advance(state: Draft, input: CallInput): FlowResult {
  const p = PROMPTS[state.language]
  const keys = input.kind === 'keys' ? input.digits : undefined
  const step = state.step
  if (keys === undefined && step.kind !== 'ended') return retry(state, p.silence)
  switch (step.kind) {
    case 'code':
      if (keys === ENGLISH_KEY && state.language === 'fr') return ask({ ...state, language: 'en' }, [PROMPTS.en.welcome])
      if (keys !== undefined && /^\d{8}$/.test(keys)) return ask({ ...state, step: { kind: 'pin', code: keys } }, [])
      return retry(state, p.invalid)
    case 'pin':
      if (keys !== undefined && /^\d{6}$/.test(keys)) return { kind: 'verify-pin', state: { ...state, tries: 0 }, code: step.code, pin: keys }
      return retry(state, p.invalid)
    case 'figure':
    case 'correct': {
      const value = parseFigure(keys)
      const sheet = state.sheet
      if (value === undefined || sheet === undefined) return retry(state, p.invalid)
      const values = [...state.values]
      values[step.line] = value
      const next = step.kind === 'figure' && step.line + 1 < sheet.lines.length ? { kind: 'figure' as const, line: step.line + 1 } : { kind: 'review' as const }
      return ask({ ...state, values, step: next }, [p.noted(value)])
    }
    case 'review':
      if (keys === '1') return { kind: 'submit', state: { ...state, tries: 0 } }
      if (keys === '2') return ask({ ...state, step: { kind: 'choose-line' } }, [])
      return retry(state, p.invalid)
    case 'choose-line': {
      const line = keys !== undefined && /^\d{1,3}$/.test(keys) ? Number(keys) : 0
      if (line < 1 || line > (state.sheet?.lines.length ?? 0)) return retry(state, p.invalid)
      return ask({ ...state, step: { kind: 'correct', line: line - 1 } }, [])
    }
    case 'ended':
      return turn(state, [p.goodbye], undefined)
    default: {
      const never: never = step
      throw new Error(`unknown step ${JSON.stringify(never)}`)
    }
  }
}

export function afterPinCheck(state: Draft, verification: PinVerification, sheetOf: (electionId: string, stationId: string) => StationSheet | undefined): FlowResult {
  const p = PROMPTS[state.language]
  if (!verification.ok) {
    switch (verification.reason) {
      case 'unknown-or-wrong':
        return ask({ ...state, step: { kind: 'code' } }, [p.wrongCodeOrPin])
      case 'locked':
        return end(state, [p.locked(Math.max(1, Math.ceil((verification.retryAfterSeconds ?? 60) / 60)))], 'locked-out')
      default: {
        const never: never = verification.reason
        throw new Error(`unknown PIN refusal ${String(never)}`)
      }
    }
  }
  const sheet = sheetOf(verification.electionId, verification.stationId)
  if (sheet === undefined) return end(state, [p.unknownStation], 'unknown-station')
  return ask({ ...state, sheet, values: [], step: { kind: 'figure', line: 0 } }, [p.stationOpened(sheet.stationName, sheet.electionName), p.howToEnter])
}

export function afterSubmit(state: Draft, result: SubmitResult): FlowResult {
  const p = PROMPTS[state.language]
  if (!result.ok) return end(state, [p.notRecorded], 'not-recorded')
  const contests = state.sheet?.contests ?? []
  const names = new Map(contests.map((c) => [c.id, c.name]))
  const spoken = result.receipts.map((r) => (result.receipts.length > 1 ? p.receiptFor(names.get(r.contestId) ?? r.contestId, spellOut(r.receipt)) : spellOut(r.receipt)))
  return end(state, [p.receipts(result.receipts.length), ...spoken, p.repeat, ...spoken, p.goodbye], 'submitted')
}

/** What the caller hears at the current step, and how to listen for the answer. */
export function promptFor(state: Draft): Turn {
  const p = PROMPTS[state.language]
  const step = state.step
  const entry: Listen = { timeoutSeconds: ENTRY_TIMEOUT_S, finishOnKey: '#' }
  switch (step.kind) {
    case 'code':
      return { say: [p.askCode], listen: { ...entry, numDigits: 8 } }
    case 'pin':
      return { say: [p.askPin], listen: { ...entry, numDigits: 6 } }
    case 'figure': {
      const sheet = requireSheet(state)
      const line = sheetLine(sheet, step.line)
      const opensContest = sheet.contests.length > 1 && (step.line === 0 || sheetLine(sheet, step.line - 1).contest !== line.contest)
      const contest = sheet.contests[line.contest]
      return { say: [...(opensContest && contest ? [p.contest(contest.name)] : []), askLine(p, line)], listen: entry }
    }
    case 'correct':
      return { say: [p.askCorrection(step.line + 1, lineLabel(p, sheetLine(requireSheet(state), step.line)))], listen: entry }
    case 'review':
      return { say: [...readBack(p, requireSheet(state), state.values), p.confirmOrCorrect], listen: { timeoutSeconds: MENU_TIMEOUT_S, numDigits: 1 } }
    case 'choose-line':
      return { say: [p.askLine(requireSheet(state).lines.length)], listen: entry }
    case 'ended':
      return { say: [p.goodbye], listen: undefined }
    default: {
      const never: never = step
      throw new Error(`unknown step ${JSON.stringify(never)}`)
    }
  }
}

function readBack(p: Prompts, sheet: StationSheet, values: readonly number[]): string[] {
  const said = [p.readBackIntro]
  sheet.lines.forEach((line, i) => {
    const previous = sheet.lines[i - 1]
    const contest = sheet.contests[line.contest]
    if (sheet.contests.length > 1 && contest && previous?.contest !== line.contest) said.push(p.contest(contest.name))
    said.push(p.readBackLine(i + 1, lineLabel(p, line), values[i] ?? 0))
  })
  return said
}

function askLine(p: Prompts, line: SheetLine): string {
  return line.field === 'votes' ? p.askVotes(line.ballot, line.name) : p.askField(line.field)
}

function lineLabel(p: Prompts, line: SheetLine): string {
  return line.field === 'votes' ? p.candidateLabel(line.ballot, line.name) : p.fieldLabel(line.field)
}

function parseFigure(keys: string | undefined): number | undefined {
  return keys !== undefined && FIGURE.test(keys) ? Number(keys) : undefined
}

/** Moves on to `state`'s step (a fresh prompt: its tries start at 0), after saying `before`. */
function ask(state: Draft, before: string[]): FlowResult {
  const next = { ...state, tries: 0 }
  const prompt = promptFor(next)
  return turn(next, [...before, ...prompt.say], prompt.listen)
}

/** Asks the same prompt again after a failed attempt, or ends the call after the third. */
function retry(state: Draft, why: string): FlowResult {
  const tries = state.tries + 1
  if (tries >= MAX_TRIES) return end(state, [why, PROMPTS[state.language].tooManyTries], 'too-many-tries')
  const next = { ...state, tries }
  const prompt = promptFor(next)
  return turn(next, [why, ...prompt.say], prompt.listen)
}

function end(state: Draft, say: string[], reason: EndReason): FlowResult {
  return { kind: 'turn', state: { ...state, step: { kind: 'ended' }, tries: 0 }, turn: { say, listen: undefined, ended: reason } }
}

function turn(state: Draft, say: string[], listen: Listen | undefined): FlowResult {
  return { kind: 'turn', state, turn: { say, listen } }
}

function requireSheet(state: Draft): StationSheet {
  if (state.sheet === undefined) throw new Error(`step ${state.step.kind} without a sheet`)
  return state.sheet
}

function sheetLine(sheet: StationSheet, index: number): SheetLine {
  const line = sheet.lines[index]
  if (line === undefined) throw new Error(`no line ${index} on a sheet of ${sheet.lines.length}`)
  return line
}
