// What a Twilio-compatible provider posts (application/x-www-form-urlencoded): the call's id, the
// caller's number, the keys gathered, and the call's status. Providers send many more parameters
// (AccountSid, To, Direction…); they are kept for the signature and otherwise ignored.
import { z } from 'zod'
import { CallSidSchema } from './call-state.js'
import type { FormParams } from './twilio-signature.js'

/** Statuses of a call that is over: its state is dropped, and nothing it had not confirmed is sent. */
export const ENDED_CALL_STATUSES = ['completed', 'busy', 'failed', 'no-answer', 'canceled'] as const

export const VoiceRequestSchema = z.object({
  CallSid: CallSidSchema,
  /**
   * The caller, for the per-caller PIN lockout: withheld numbers (absent, empty, "anonymous") are
   * one caller, so hiding the number does not escape the lock. Long values are cut.
   */
  From: z.string().optional().transform((from) => (from === undefined || from === '' || from.toLowerCase() === 'anonymous' ? 'anonymous' : from.slice(0, 64))),
  /** Absent or empty: the caller pressed nothing before the timeout (or only the finishing key). */
  Digits: z.string().optional(),
  CallStatus: z.string().max(32).optional(),
})
export type VoiceRequest = z.infer<typeof VoiceRequestSchema>

/** `?lang=en` on the number's webhook URL starts the call in English. */
export const VoiceQuerySchema = z.object({
  s: z.string().regex(/^\d{1,6}$/).optional().catch(undefined),
  lang: z.enum(['fr', 'en']).optional().catch(undefined),
})

export function isEndedCallStatus(status: string | undefined): boolean {
  return (ENDED_CALL_STATUSES as readonly (string | undefined)[]).includes(status)
}

/** express.urlencoded's body as form parameters: strings, or lists of strings for a repeated name. */
export function formParams(body: unknown): FormParams {
  if (body === null || typeof body !== 'object') return {}
  const params: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (typeof value === 'string') params[name] = value
    else if (Array.isArray(value)) params[name] = value.filter((v): v is string => typeof v === 'string')
  }
  return params
}

/** The first value of each parameter, for the schema. */
export function firstValues(params: FormParams): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : (v[0] ?? '')]))
}
