// TwiML, the XML a Twilio-compatible voice provider executes: what to say, which keys to gather,
// where to post them, when to hang up. Only the verbs the IVR uses; every text and attribute is
// escaped, since station and candidate names come from the election definition.

export type SayLanguage = 'fr-FR' | 'en-GB'

export interface GatherSpec {
  /** Where the provider posts the keys (relative to the webhook URL it called). */
  action: string
  /** Seconds of silence after which the gather ends (and posts without Digits). */
  timeoutSeconds: number
  /** Ends the entry early once this many keys are pressed (single-key menus, fixed-length codes). */
  numDigits?: number
  /** The key that ends a multi-digit entry; it is not part of Digits. */
  finishOnKey?: '#'
}

export type VoiceReply =
  | { kind: 'gather'; language: SayLanguage; say: readonly string[]; gather: GatherSpec }
  | { kind: 'hangup'; language: SayLanguage; say: readonly string[] }

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c)
}

function element(name: string, attributes: Record<string, string | number | undefined>, body?: string): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('')
  return body === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${body}</${name}>`
}

const says = (language: SayLanguage, say: readonly string[]) =>
  say.map((text) => element('Say', { language }, escapeXml(text))).join('')

export function renderTwiml(reply: VoiceReply): string {
  let body: string
  switch (reply.kind) {
    case 'gather': {
      const g = reply.gather
      const gather = element(
        'Gather',
        {
          input: 'dtmf',
          action: g.action,
          method: 'POST',
          timeout: g.timeoutSeconds,
          numDigits: g.numDigits,
          finishOnKey: g.finishOnKey,
          // Without it a silent caller would fall through to the next verb instead of being asked again.
          actionOnEmptyResult: 'true',
        },
        says(reply.language, reply.say),
      )
      // Providers that ignore actionOnEmptyResult reach this and post without Digits: a timeout.
      body = gather + element('Redirect', { method: 'POST' }, escapeXml(g.action))
      break
    }
    case 'hangup':
      body = says(reply.language, reply.say) + element('Hangup', {})
      break
    default: {
      const never: never = reply
      throw new Error(`unknown reply ${JSON.stringify(never)}`)
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response>${body}</Response>\n`
}

/** The answer to a status callback or anything that needs no instruction. */
export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?>\n<Response/>\n'
