// `elections`: the command line. Each sub-command parses its arguments, loads the configuration
// once, and hands over to a module of bin/ that wires the services together.
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../infra/config.js'
import { createLogger } from '../infra/logging.js'
import { runStart } from './start.js'
import { runReplay, type ReplayChannel } from './replay.js'
import { runElectionLoad } from './load-election.js'
import { ResultsFileError } from './import/results-file.js'

const USAGE = `usage: elections <command> [options]

commands:
  start [--replay FILE]            everything in one process: results site :8080, ingest :8082
                                   (loads and replays the built-in demo election when none is loaded)
  replay FILE [--target URL] [--token T] [--rate N] [--channel upload]
                                   submit every row of a results file as returns; without --target,
                                   run the whole pipeline in-process, wait until all is published,
                                   print a summary and exit
  election load FILE               load an election definition from a results file
  help                             this text

environment: see README.md (PORT_SITE, PORT_INGEST, DATA_DIR, OUTPUT_DIR, PUBLISH_INTERVAL_MS,
INGEST_API_TOKENS, INGEST_MAX_BODY_BYTES, LOG_LEVEL, HOST)`

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: rest, options: { replay: { type: 'string' } }, strict: true })
      const config = loadConfig()
      return runStart(config, createLogger(config.logLevel), { replayFile: values.replay })
    }
    case 'replay': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: {
          target: { type: 'string' },
          token: { type: 'string' },
          rate: { type: 'string' },
          channel: { type: 'string', default: 'upload' },
        },
      })
      const file = positionals[0]
      if (file === undefined || positionals.length > 1) throw new UsageError('replay takes exactly one results FILE')
      const rate = values.rate === undefined ? undefined : Number(values.rate)
      if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) throw new UsageError('--rate is a number of returns per second, above 0')
      const channel = parseChannel(values.channel)
      const config = loadConfig()
      return runReplay(config, createLogger(config.logLevel), {
        file,
        target: values.target,
        token: values.token ?? process.env.INGEST_TOKEN,
        rate,
        channel,
      })
    }
    case 'election': {
      const [sub, ...args] = rest
      if (sub !== 'load') throw new UsageError('election takes a sub-command: load FILE')
      const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} })
      const file = positionals[0]
      if (file === undefined || positionals.length > 1) throw new UsageError('election load takes exactly one results FILE')
      const config = loadConfig()
      return runElectionLoad(config, createLogger(config.logLevel), file)
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`)
      return command === undefined ? 2 : 0
    default:
      throw new UsageError(`unknown command "${command}"`)
  }
}

function isFileError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR'
}

function parseChannel(value: string | undefined): ReplayChannel {
  if (value === 'upload') return value
  if (value === 'phone' || value === 'both') {
    throw new UsageError(`--channel ${value}: the phone (IVR) channel is not part of this version yet; use --channel upload`)
  }
  throw new UsageError(`--channel must be upload, phone or both, not "${value ?? ''}"`)
}

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (err) {
  if (err instanceof ConfigError) {
    process.stderr.write(`elections: ${err.message}\n`)
    process.exitCode = 78 // EX_CONFIG
  } else if (err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`elections: ${(err as Error).message}\n\n${USAGE}\n`)
    process.exitCode = 64 // EX_USAGE
  } else if (err instanceof ResultsFileError || isFileError(err)) {
    // Expected failures a person can fix: say what and where, without a stack trace.
    process.stderr.write(`elections: ${(err as Error).message}\n`)
    process.exitCode = 66 // EX_NOINPUT
  } else {
    process.stderr.write(`elections: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    process.exitCode = 1
  }
}
