// `elections phone`: a telephone in the terminal, on the voice webhook of a running ingest. It
// prints what the voice says and posts the keys typed, as the provider (Twilio) would; or, with
// --script FILE, plays a scripted call (keys, timeouts, hang-up) and prints the transcript.
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { Config } from '../infra/config.js'
import { parseScript, PhoneCall, PHONE_VOICE_PATH, playScript, type CallerOptions, type ScriptStep, type TranscriptLine } from './phone-caller.js'

export interface PhoneCommandOptions {
  url: string | undefined
  from: string | undefined
  language: 'fr' | 'en' | undefined
  script: string | undefined
}

export async function runPhone(config: Config, options: PhoneCommandOptions): Promise<number> {
  const caller = callerOptions(config, options)
  process.stdout.write(`calling ${caller.voiceUrl}${caller.secret === undefined ? '' : ' (signed with PHONE_WEBHOOK_SECRET)'}\n`)
  if (options.script !== undefined) {
    const steps = parseScript(await readFile(options.script, 'utf8'))
    const call = await playScript(caller, steps)
    printTranscript(call.transcript)
    if (!call.over) {
      await call.hangUp()
      process.stdout.write('(the script ended before the call: hung up)\n')
    }
    return 0
  }
  return interactiveCall(new PhoneCall(caller))
}

/** The default webhook is the local ingest's, on PORT_INGEST; the secret signs like the provider. */
export function callerOptions(config: Config, options: PhoneCommandOptions): CallerOptions {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host
  const url = new URL(options.url ?? `http://${host.includes(':') ? `[${host}]` : host}:${config.ports.ingest}${PHONE_VOICE_PATH}`)
  if (options.language !== undefined) url.searchParams.set('lang', options.language)
  return {
    voiceUrl: url.toString(),
    secret: config.phone.webhookSecret,
    publicUrl: config.phone.publicUrl,
    ...(options.from === undefined ? {} : { from: options.from }),
  }
}

function describe(step: ScriptStep): string {
  switch (step.kind) {
    case 'keys':
      return `[keys] ${step.keys}`
    case 'silence':
      return '[silence until the timeout]'
    case 'hangup':
      return '[hangs up]'
    default: {
      const never: never = step
      throw new Error(`unknown step ${JSON.stringify(never)}`)
    }
  }
}

function printTranscript(lines: readonly TranscriptLine[]): void {
  for (const line of lines) process.stdout.write(line.who === 'voice' ? `voice: ${line.text}\n` : `you:   ${describe(line.step)}\n`)
}

async function interactiveCall(call: PhoneCall): Promise<number> {
  const rl = createInterface({ input: process.stdin })
  // Lines are read through the iterator, which keeps those typed (or piped) ahead of the prompt.
  const lines = rl[Symbol.asyncIterator]()
  let printed = 0
  const printNew = () => {
    printTranscript(call.transcript.slice(printed).filter((l) => l.who === 'voice'))
    printed = call.transcript.length
  }
  try {
    await call.dial()
    printNew()
    process.stdout.write('Type the keys and Enter (# ends an entry, as on the phone). Enter alone: silence. "h": hang up.\n')
    while (!call.over) {
      process.stdout.write('keys> ')
      const line = await lines.next()
      // End of input (Ctrl-D, a pipe that ran dry) is hanging up.
      const typed = line.done === true ? 'h' : line.value.replace(/\s+/g, '')
      if (typed === 'h' || typed === 'hangup') {
        await call.hangUp()
        process.stdout.write('(you hung up: nothing you had not confirmed was sent)\n')
        break
      }
      if (typed !== '' && !/^[0-9*#]+$/.test(typed)) {
        process.stdout.write('a phone keypad has 0-9, * and # only\n')
        continue
      }
      if (typed === '') await call.silence()
      else await call.press(typed)
      printNew()
    }
    if (call.last?.hangup) process.stdout.write('(the line hung up)\n')
    return 0
  } finally {
    rl.close()
  }
}
