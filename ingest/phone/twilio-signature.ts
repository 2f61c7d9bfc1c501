// X-Twilio-Signature: base64 of HMAC-SHA1, keyed with the account's auth token, over the URL the
// provider called (query string included) followed by every POST parameter, sorted by name,
// written as name then value with no separator. Used to refuse forged webhooks, and by the phone
// simulator to sign like the provider does.
import { createHmac, timingSafeEqual } from 'node:crypto'

export type FormParams = Readonly<Record<string, string | readonly string[]>>

export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  const hmac = createHmac('sha1', authToken)
  hmac.update(url, 'utf8')
  const names = Object.keys(params).sort()
  for (const name of names) {
    const value = params[name] ?? ''
    // A repeated parameter counts once per value, values sorted.
    const values = typeof value === 'string' ? [value] : [...value].sort()
    for (const v of values) hmac.update(name + v, 'utf8')
  }
  return hmac.digest('base64')
}

export function isValidTwilioSignature(authToken: string, url: string, params: FormParams, header: string | undefined): boolean {
  if (header === undefined || header === '') return false
  const expected = Buffer.from(twilioSignature(authToken, url, params))
  const given = Buffer.from(header)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
