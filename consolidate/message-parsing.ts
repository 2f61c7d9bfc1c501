// Bus records are input like any other: JSON, then the message's zod schema. A record that fails
// either is an expected failure with a reason a person can act on, never an exception.
import type { z } from 'zod'

export type Parsed<T> = { ok: true; message: T } | { ok: false; reason: string }

const ISSUES_SHOWN = 5

export function parseMessage<S extends z.ZodType>(schema: S, value: string, what: string): Parsed<z.infer<S>> {
  let json: unknown
  try {
    json = JSON.parse(value)
  } catch (err) {
    return { ok: false, reason: `not JSON: ${err instanceof Error ? err.message : String(err)}` }
  }
  const parsed = schema.safeParse(json)
  if (parsed.success) return { ok: true, message: parsed.data }
  const issues = parsed.error.issues
  const shown = issues.slice(0, ISSUES_SHOWN).map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`)
  const more = issues.length > ISSUES_SHOWN ? ` (and ${issues.length - ISSUES_SHOWN} more)` : ''
  return { ok: false, reason: `not a valid ${what}: ${shown.join('; ')}${more}` }
}
