// Reads the TwiML a voice webhook answers, the way a provider would, for the phone simulator: the
// texts to say, what to gather and where to post it, whether to hang up. Strict: a verb or an
// attribute the simulator does not know is an error, so a webhook that would confuse a real
// provider fails a test instead of passing it.

export interface GatherInstruction {
  action: string | undefined
  numDigits: number | undefined
  finishOnKey: string
  timeoutSeconds: number
  actionOnEmptyResult: boolean
}

export interface VoiceInstructions {
  /** Texts in the order they are spoken, with the language of each. */
  say: { text: string; language: string | undefined }[]
  gather: GatherInstruction | undefined
  /** Where the provider goes once a silent Gather falls through. */
  redirect: string | undefined
  hangup: boolean
}

interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: (XmlElement | string)[]
}

const VERB_ATTRIBUTES: Record<string, readonly string[]> = {
  Say: ['language', 'voice', 'loop'],
  Gather: ['input', 'action', 'method', 'timeout', 'numDigits', 'finishOnKey', 'actionOnEmptyResult', 'language'],
  Redirect: ['method'],
  Hangup: [],
  Pause: ['length'],
}

export function readTwiml(xml: string): VoiceInstructions {
  const root = parseXml(xml)
  if (root.name !== 'Response') throw new Error(`TwiML: the root is <${root.name}>, not <Response>`)
  const out: VoiceInstructions = { say: [], gather: undefined, redirect: undefined, hangup: false }
  for (const verb of elements(root)) {
    checkAttributes(verb)
    switch (verb.name) {
      case 'Say':
        out.say.push(sayOf(verb))
        break
      case 'Gather': {
        if (out.gather) throw new Error('TwiML: two <Gather> in one response')
        const a = verb.attributes
        if ((a.input ?? 'dtmf') !== 'dtmf') throw new Error(`TwiML: <Gather input="${a.input}">: the IVR gathers keys only`)
        if ((a.method ?? 'POST') !== 'POST') throw new Error('TwiML: <Gather> must POST')
        for (const child of elements(verb)) {
          if (child.name !== 'Say') throw new Error(`TwiML: <${child.name}> inside <Gather>`)
          checkAttributes(child)
          out.say.push(sayOf(child))
        }
        out.gather = {
          action: a.action,
          numDigits: a.numDigits === undefined ? undefined : positiveInt(a.numDigits, 'numDigits'),
          finishOnKey: a.finishOnKey ?? '#',
          timeoutSeconds: a.timeout === undefined ? 5 : positiveInt(a.timeout, 'timeout'),
          actionOnEmptyResult: a.actionOnEmptyResult === 'true',
        }
        break
      }
      case 'Redirect':
        out.redirect = textOf(verb)
        break
      case 'Hangup':
        out.hangup = true
        break
      case 'Pause':
        break
      default:
        throw new Error(`TwiML: unknown verb <${verb.name}>`)
    }
  }
  if (out.gather === undefined && !out.hangup) throw new Error('TwiML: neither <Gather> nor <Hangup>: the call would end silently')
  return out
}

function sayOf(verb: XmlElement): { text: string; language: string | undefined } {
  return { text: textOf(verb), language: verb.attributes.language }
}

function checkAttributes(e: XmlElement): void {
  const known = VERB_ATTRIBUTES[e.name]
  if (known === undefined) throw new Error(`TwiML: unknown verb <${e.name}>`)
  for (const name of Object.keys(e.attributes)) if (!known.includes(name)) throw new Error(`TwiML: <${e.name}> has no attribute "${name}"`)
}

function positiveInt(value: string, what: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new Error(`TwiML: ${what}="${value}" is not a positive integer`)
  return Number(value)
}

const elements = (e: XmlElement) => e.children.filter((c): c is XmlElement => typeof c !== 'string')

function textOf(e: XmlElement): string {
  if (e.children.some((c) => typeof c !== 'string')) throw new Error(`TwiML: <${e.name}> holds elements, not text`)
  return e.children.join('').trim()
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)))
    const decoded = ENTITIES[ref]
    if (decoded === undefined) throw new Error(`XML: unknown entity ${whole}`)
    return decoded
  })
}

/** A small XML reader: elements, attributes in double or single quotes, text, the declaration. */
function parseXml(xml: string): XmlElement {
  let i = 0
  const fail = (why: string): never => {
    throw new Error(`XML: ${why} at character ${i}`)
  }
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i] ?? '')) i++
  }
  const name = () => {
    const m = /^[A-Za-z_][\w.-]*/.exec(xml.slice(i))
    if (!m) return fail('a name was expected')
    i += m[0].length
    return m[0]
  }
  const element = (): XmlElement => {
    if (xml[i] !== '<') fail('"<" was expected')
    i++
    const tag = name()
    const attributes: Record<string, string> = {}
    for (;;) {
      skipSpace()
      if (xml.startsWith('/>', i)) {
        i += 2
        return { name: tag, attributes, children: [] }
      }
      if (xml[i] === '>') {
        i++
        break
      }
      const attr = name()
      skipSpace()
      if (xml[i] !== '=') fail(`"=" was expected after ${attr}`)
      i++
      skipSpace()
      const quote = xml[i]
      if (quote !== '"' && quote !== "'") return fail('a quoted value was expected')
      const end = xml.indexOf(quote, i + 1)
      if (end < 0) fail('an attribute value is not closed')
      if (attr in attributes) fail(`attribute ${attr} is repeated`)
      attributes[attr] = decodeEntities(xml.slice(i + 1, end))
      i = end + 1
    }
    const children: (XmlElement | string)[] = []
    for (;;) {
      if (i >= xml.length) fail(`<${tag}> is not closed`)
      if (xml.startsWith('</', i)) {
        i += 2
        if (name() !== tag) fail(`</${tag}> was expected`)
        skipSpace()
        if (xml[i] !== '>') fail('">" was expected')
        i++
        return { name: tag, attributes, children }
      }
      if (xml[i] === '<') {
        children.push(element())
        continue
      }
      const next = xml.indexOf('<', i)
      const text = xml.slice(i, next < 0 ? xml.length : next)
      if (text.trim() !== '') children.push(decodeEntities(text))
      i += text.length
    }
  }
  skipSpace()
  if (xml.startsWith('<?xml', i)) {
    const end = xml.indexOf('?>', i)
    if (end < 0) fail('the XML declaration is not closed')
    i = end + 2
  }
  skipSpace()
  const root = element()
  skipSpace()
  if (i < xml.length) fail('content after the root element')
  return root
}
