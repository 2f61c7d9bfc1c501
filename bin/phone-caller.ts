// A simulated telephone on a voice webhook, standing in for the provider (Twilio): it posts what
// the provider posts (form-encoded CallSid, From, Digits, CallStatus; signed when the secret is
// known) and follows the TwiML it gets back. Used by `elections phone` (a person at the keypad),
// by `elections replay --channel phone` and by the tests (a script of key presses).
import { randomBytes } from 'node:crypto'
import { twilioSignature } from '../ingest/phone/twilio-signature.js'
import { readTwiml, type VoiceInstructions } from './twiml-reader.js'

export const PHONE_VOICE_PATH = '/v1/phone/voice'

export interface CallerOptions {
  /** The voice webhook, e.g. http://127.0.0.1:8082/v1/phone/voice (with `?lang=en` for English). */
  voiceUrl: string
  callSid?: string
  from?: string
  /** The provider's auth token, to sign requests as it does (PHONE_WEBHOOK_SECRET). */
  secret?: string | undefined
  /** The public base URL the server checks signatures against (PHONE_PUBLIC_URL), if any. */
  publicUrl?: string | undefined
}

/** What one webhook answered. */
export interface Heard extends VoiceInstructions {
  status: number
  /** The TwiML as received. */
  twiml: string
}

export type ScriptStep = { kind: 'keys'; keys: string } | { kind: 'silence' } | { kind: 'hangup' }

/** One line of a call: what the voice said, or what the caller did. */
export type TranscriptLine = { who: 'voice'; text: string } | { who: 'caller'; step: ScriptStep }

/** A Twilio-like CallSid: "CA" and 32 hex digits. */
export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`
}

export class PhoneCall {
  readonly callSid: string
  readonly from: string
  readonly transcript: TranscriptLine[] = []
  private current: Heard | undefined
  private currentUrl: string
  private lastPost: { url: string; extra: Record<string, string> } | undefined
  private ended = false

  constructor(private readonly options: CallerOptions) {
    this.callSid = options.callSid ?? newCallSid()
    this.from = options.from ?? '+33100000000'
    this.currentUrl = options.voiceUrl
  }

  /** Everything the voice said, in order. */
  get said(): string[] {
    return this.transcript.flatMap((line) => (line.who === 'voice' ? [line.text] : []))
  }

  get last(): Heard | undefined {
    return this.current
  }

  /** The call is over: the webhook hung up, or the caller did. */
  get over(): boolean {
    return this.ended
  }

  /** The call connects: the provider posts to the number's webhook. */
  async dial(): Promise<Heard> {
    return this.follow(this.options.voiceUrl, {})
  }

  /** Keys typed at the current prompt, as the provider would hand them over. */
  async press(keys: string): Promise<Heard> {
    const gather = this.gatherOrFail()
    let digits = keys
    const finish = gather.finishOnKey === '' ? -1 : digits.indexOf(gather.finishOnKey)
    if (finish >= 0) digits = digits.slice(0, finish)
    if (gather.numDigits !== undefined) digits = digits.slice(0, gather.numDigits)
    this.transcript.push({ who: 'caller', step: { kind: 'keys', keys } })
    return this.follow(this.actionUrl(gather.action), { Digits: digits })
  }

  /** The caller says nothing until the gather times out. */
  async silence(): Promise<Heard> {
    const gather = this.gatherOrFail()
    // With actionOnEmptyResult the provider posts to the action; otherwise it falls through to <Redirect>.
    const target = gather.actionOnEmptyResult ? gather.action : this.current?.redirect
    if (target === undefined) throw new Error('the caller was silent and the TwiML says nothing to do then: the call would hang')
    this.transcript.push({ who: 'caller', step: { kind: 'silence' } })
    return this.follow(this.actionUrl(target), {})
  }

  /** The caller hangs up: the provider posts the status callback. */
  async hangUp(): Promise<number> {
    this.ended = true
    this.transcript.push({ who: 'caller', step: { kind: 'hangup' } })
    const res = await this.post(new URL('status', this.options.voiceUrl).toString(), { CallStatus: 'completed' })
    await res.text()
    return res.status
  }

  /** The last webhook posted again, as a provider's or a proxy's retry would. */
  async repeatLast(): Promise<Heard> {
    if (this.lastPost === undefined) throw new Error('nothing was posted yet')
    return this.follow(this.lastPost.url, this.lastPost.extra)
  }

  private actionUrl(action: string | undefined): string {
    return action === undefined ? this.currentUrl : new URL(action, this.currentUrl).toString()
  }

  private gatherOrFail() {
    if (this.ended) throw new Error('the call is over')
    const gather = this.current?.gather
    if (gather === undefined) throw new Error('nothing is being gathered: dial first')
    return gather
  }

  private async follow(url: string, extra: Record<string, string>): Promise<Heard> {
    this.lastPost = { url, extra }
    const res = await this.post(url, { CallStatus: 'in-progress', ...extra })
    const text = await res.text()
    if (res.status !== 200) throw new Error(`the voice webhook answered ${res.status}: ${text.slice(0, 200)}`)
    const heard: Heard = { status: res.status, twiml: text, ...readTwiml(text) }
    this.current = heard
    this.currentUrl = url
    this.transcript.push(...heard.say.map((s) => ({ who: 'voice' as const, text: s.text })))
    if (heard.hangup) this.ended = true
    return heard
  }

  /** Posts like the provider: the call's parameters, form-encoded, signed when the secret is known. */
  async post(url: string, extra: Record<string, string>): Promise<Response> {
    const params: Record<string, string> = { CallSid: this.callSid, From: this.from, To: '+33800000000', Direction: 'inbound', ...extra }
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
    if (this.options.secret !== undefined) headers['x-twilio-signature'] = twilioSignature(this.options.secret, this.signedUrl(url), params)
    return fetch(url, { method: 'POST', headers, body: new URLSearchParams(params).toString(), signal: AbortSignal.timeout(30_000) })
  }

  private signedUrl(url: string): string {
    if (this.options.publicUrl === undefined) return url
    const u = new URL(url)
    return `${this.options.publicUrl.replace(/\/+$/, '')}${u.pathname}${u.search}`
  }
}

/** Plays a script on a new call: dial, then each step until the call is over. */
export async function playScript(options: CallerOptions, steps: readonly ScriptStep[]): Promise<PhoneCall> {
  const call = new PhoneCall(options)
  await call.dial()
  for (const step of steps) {
    if (call.over) break
    switch (step.kind) {
      case 'keys':
        await call.press(step.keys)
        break
      case 'silence':
        await call.silence()
        break
      case 'hangup':
        await call.hangUp()
        break
      default: {
        const never: never = step
        throw new Error(`unknown step ${JSON.stringify(never)}`)
      }
    }
  }
  return call
}

/**
 * A script file: one step per line or per word — keys (digits, "*", "#"), `timeout` (silence until
 * the prompt times out) or `hangup`; `//` starts a comment.
 */
export function parseScript(text: string): ScriptStep[] {
  const steps: ScriptStep[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    for (const word of raw.replace(/\/\/.*$/, '').trim().split(/\s+/).filter(Boolean)) {
      if (word === 'timeout' || word === 'silence') steps.push({ kind: 'silence' })
      else if (word === 'hangup') steps.push({ kind: 'hangup' })
      else if (/^[0-9*#]+$/.test(word)) steps.push({ kind: 'keys', keys: word })
      else throw new Error(`line ${i + 1}: "${word}" is neither keys (0-9, *, #), timeout nor hangup`)
    }
  })
  return steps
}
