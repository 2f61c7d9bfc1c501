// `elections`: the command line. Each sub-command parses its arguments, loads the configuration
// once, and hands over to a module of bin/ that wires the services together.
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig } from '../infra/config.js'
import { createLogger } from '../infra/logging.js'
import type { ReplayChannel } from './replay.js'

const USAGE = `usage: elections <command> [options]

commands:
  start [--replay FILE]            everything in one process: results site :8080, ingest :8082
                                   (loads and replays the built-in demo election when none is loaded)
  replay FILE [--target URL] [--token T] [--rate N] [--channel upload|phone|both] [--credentials CSV]
        [--policy auto|double|manual] [--typo-rate R [--typo-seed N]]
                                   submit every row of a results file as returns, by the API, by
                                   simulated calls to the IVR, or both; without --target, run the
                                   whole pipeline in-process, wait until all is published, print a
                                   summary and exit (--target with phone needs the credentials CSV);
                                   --typo-rate 0.02 mistypes one figure of 2 % of the phone returns
                                   (seeded, --typo-seed, default 1) to rehearse double entry
  election load FILE               load an election definition from a results file
  finder build [--stations FILE] [--places F …] [--areas F …] [--addresses F …] [--postcodes F] [--hours F]
                                   build the static polling-station finder into OUTPUT_DIR/finder/
                                   (and S3); without --stations, from the built-in demo election
  credentials issue FILE --out DIR [--phone NUMBER] [--form-url URL] [--station ID …]
                                   give every station of FILE's election a code and a PIN: a CSV
                                   and a printable sheet per commune under DIR; hashes to ingest.
                                   The sheets give the IVR number and the web form's address
                                   (ingest's /saisie/), or say to ask the prefecture
  credentials token CLIENT --election ID [--departement C …] [--commune C …] [--station ID …]
                                   an API token for an integrator, limited to those stations
  phone [--url URL] [--from NUMBER] [--lang fr|en] [--script FILE]
                                   a telephone in the terminal on the IVR webhook of a running ingest
                                   (default http://127.0.0.1:PORT_INGEST/v1/phone/voice); --script
                                   plays keys, "timeout" and "hangup" from FILE and prints the call
  ingest | consolidate | publish   run one service alone (distributed mode: needs KAFKA_BROKERS)
  publish rebuild                  write every file of the results site from [results] (progress
                                   bar), purge them, exit; exits 75 while another publisher is active
  publish warm [--target URL] [--concurrency N]
                                   request every page of the site through Varnish (default the first
                                   VARNISH_URL), N at a time (default 8); prints the status codes
  desk                             the results desk alone on PORT_DESK (needs DESK_DATABASE_URL)
  user add NAME --role R [--name N]  add a desk user (operator, supervisor, admin); password on stdin
  user disable NAME                disable a desk user
  audit verify                     check the audit log's hash chain; names the first broken entry
  kafka acls                       grant each service's Kafka user its topics (as the administrator;
                                   KAFKA_BROKERS, KAFKA_SASL_USERNAME/PASSWORD, KAFKA_TOPIC_PREFIX)
  db migrate                       apply the database migrations (DATABASE_URL)
  db setup [ADMIN_URL]             create the database roles (run once, as a PostgreSQL superuser)
  help                             this text

environment: see README.md (ports, DATA_DIR, OUTPUT_DIR, KAFKA_BROKERS, DATABASE_URL, REDIS_URL,
S3_BUCKET, S3_ENDPOINT, VARNISH_URL, INGEST_API_TOKENS, LOG_LEVEL, …)`

class UsageError extends Error {}

// Each command imports its code when it runs: a service process loads only what it uses.
async function runOneService(service: 'ingest' | 'consolidate' | 'publish' | 'desk', args: string[]): Promise<number> {
  parseArgs({ args, strict: true, options: {} })
  const config = loadConfig()
  const { runService } = await import('./services.js')
  return runService(service, config, createLogger(config.logLevel))
}

async function runPublishCommand(sub: 'rebuild' | 'warm', args: string[]): Promise<number> {
  const config = loadConfig()
  const { runPublishRebuild, runPublishWarm } = await import('./publish-commands.js')
  if (sub === 'rebuild') {
    parseArgs({ args, strict: true, options: {} })
    return runPublishRebuild(config, createLogger(config.logLevel))
  }
  const { values } = parseArgs({ args, strict: true, options: { target: { type: 'string' }, concurrency: { type: 'string', default: '8' } } })
  const concurrency = Number(values.concurrency)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new UsageError('--concurrency is a whole number of requests at a time, 1 to 256')
  return runPublishWarm(config, { target: values.target, concurrency })
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: rest, options: { replay: { type: 'string' } }, strict: true })
      const config = loadConfig()
      const { runStart } = await import('./start.js')
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
          credentials: { type: 'string' },
          policy: { type: 'string' },
          'typo-rate': { type: 'string' },
          'typo-seed': { type: 'string' },
        },
      })
      const file = positionals[0]
      if (file === undefined || positionals.length > 1) throw new UsageError('replay takes exactly one results FILE')
      const rate = values.rate === undefined ? undefined : Number(values.rate)
      if (rate !== undefined && !(Number.isFinite(rate) && rate > 0)) throw new UsageError('--rate is a number of returns per second, above 0')
      const channel = parseChannel(values.channel)
      if (values.target !== undefined && channel !== 'upload' && values.credentials === undefined) {
        throw new UsageError(`--target with --channel ${channel} needs --credentials FILE: the credentials.csv that elections credentials issue wrote for that election`)
      }
      const typos = parseTypos(values['typo-rate'], values['typo-seed'], channel)
      const config = loadConfig()
      const { runReplay } = await import('./replay.js')
      return runReplay(config, createLogger(config.logLevel), {
        file,
        target: values.target,
        token: values.token ?? process.env.INGEST_TOKEN,
        rate,
        channel,
        credentials: values.credentials,
        policy: parsePolicy(values.policy),
        ...typos,
      })
    }
    case 'phone': {
      const { values } = parseArgs({
        args: rest,
        strict: true,
        options: { url: { type: 'string' }, from: { type: 'string' }, lang: { type: 'string' }, script: { type: 'string' } },
      })
      if (values.lang !== undefined && values.lang !== 'fr' && values.lang !== 'en') throw new UsageError('--lang is fr or en')
      const { runPhone } = await import('./phone.js')
      return runPhone(loadConfig(), { url: values.url, from: values.from, language: values.lang, script: values.script })
    }
    case 'election': {
      const [sub, ...args] = rest
      if (sub !== 'load') throw new UsageError('election takes a sub-command: load FILE')
      const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} })
      const file = positionals[0]
      if (file === undefined || positionals.length > 1) throw new UsageError('election load takes exactly one results FILE')
      const config = loadConfig()
      const { runElectionLoad } = await import('./load-election.js')
      return runElectionLoad(config, createLogger(config.logLevel), file)
    }
    case 'publish':
      if (rest[0] === 'rebuild' || rest[0] === 'warm') return runPublishCommand(rest[0], rest.slice(1))
      return runOneService(command, rest)
    case 'finder': {
      const [sub, ...args] = rest
      if (sub !== 'build') throw new UsageError('finder takes a sub-command: build')
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
          stations: { type: 'string' },
          places: { type: 'string', multiple: true },
          areas: { type: 'string', multiple: true },
          addresses: { type: 'string', multiple: true },
          postcodes: { type: 'string' },
          hours: { type: 'string' },
        },
      })
      if (positionals.length > 0) throw new UsageError('finder build takes only options (--stations FILE, --places FILE, …)')
      const { runFinderBuild } = await import('./finder-build.js')
      return runFinderBuild(loadConfig(), {
        stations: values.stations,
        places: values.places ?? [],
        areas: values.areas ?? [],
        addresses: values.addresses ?? [],
        postcodes: values.postcodes,
        hours: values.hours,
      })
    }
    case 'ingest':
    case 'consolidate':
    case 'desk':
      return runOneService(command, rest)
    case 'db': {
      const [sub, ...args] = rest
      const { positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: {} })
      if (sub === 'migrate' && positionals.length === 0) {
        const config = loadConfig()
        if (config.databaseUrl === undefined) throw new ConfigError(['DATABASE_URL: db migrate needs the PostgreSQL database to migrate (PGlite migrates itself at start)'])
        const { dbMigrate } = await import('./db.js')
        return dbMigrate(config.databaseUrl, createLogger(config.logLevel))
      }
      if (sub === 'setup' && positionals.length <= 1) return (await import('./db.js')).dbSetup(positionals[0] ?? 'postgres://postgres@127.0.0.1:5432/postgres')
      throw new UsageError('db takes a sub-command: migrate, or setup [ADMIN_URL]')
    }
    case 'credentials': {
      const [sub, ...args] = rest
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        strict: true,
        options: {
          out: { type: 'string' },
          phone: { type: 'string' },
          'form-url': { type: 'string' },
          election: { type: 'string' },
          station: { type: 'string', multiple: true },
          commune: { type: 'string', multiple: true },
          departement: { type: 'string', multiple: true },
        },
      })
      const [target] = positionals
      if (target === undefined || positionals.length > 1) throw new UsageError('credentials issue takes one results FILE; credentials token takes one CLIENT name')
      const config = loadConfig()
      const logger = createLogger(config.logLevel)
      const { runCredentialsIssue, runClientToken, sheetChannelsProblem } = await import('./credentials-command.js')
      if (sub === 'issue') {
        if (values.out === undefined) throw new UsageError('credentials issue needs --out DIR (the CSV and the sheets hold PINs in clear: a folder only the prefecture reads)')
        const channels = { phoneNumber: values.phone, formUrl: values['form-url'] }
        const problem = sheetChannelsProblem(channels)
        if (problem !== undefined) throw new UsageError(problem)
        return runCredentialsIssue(config, logger, { file: target, outDir: values.out, ...channels, stations: values.station })
      }
      if (sub === 'token') {
        if (values.election === undefined) throw new UsageError('credentials token needs --election ID')
        return runClientToken(config, logger, {
          client: target,
          scope: { electionId: values.election, departements: values.departement, communes: values.commune, stations: values.station },
        })
      }
      throw new UsageError('credentials takes a sub-command: issue or token')
    }
    case 'user': {
      const [sub, ...args] = rest
      const { values, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { role: { type: 'string' }, name: { type: 'string' } } })
      const username = positionals[0]
      if (username === undefined || positionals.length > 1) throw new UsageError('user add|disable takes exactly one USERNAME')
      const config = loadConfig()
      const logger = createLogger(config.logLevel)
      const [{ withAdminDb }, { userAdd, userDisable }] = await Promise.all([import('./desk-admin.js'), import('./users.js')])
      if (sub === 'add') {
        if (values.role === undefined) throw new UsageError('user add needs --role operator|supervisor|admin')
        const role = values.role
        return withAdminDb(config, logger, (db) => userAdd(db, { username, role, name: values.name }))
      }
      if (sub === 'disable') return withAdminDb(config, logger, (db) => userDisable(db, username))
      throw new UsageError('user takes a sub-command: add or disable')
    }
    case 'kafka': {
      if (rest[0] !== 'acls' || rest.length > 1) throw new UsageError('kafka takes a sub-command: acls')
      const { runKafkaAcls } = await import('./kafka-acls.js')
      return runKafkaAcls(loadConfig(), (line) => process.stdout.write(`${line}\n`))
    }
    case 'audit': {
      if (rest[0] !== 'verify' || rest.length > 1) throw new UsageError('audit takes a sub-command: verify')
      const config = loadConfig()
      const [{ withAdminDb }, { auditVerify }] = await Promise.all([import('./desk-admin.js'), import('./users.js')])
      return withAdminDb(config, createLogger(config.logLevel), (db) => auditVerify(db))
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

function parsePolicy(value: string | undefined): 'auto' | 'double' | 'manual' | undefined {
  if (value === undefined || value === 'auto' || value === 'double' || value === 'manual') return value
  throw new UsageError(`--policy must be auto, double or manual, not "${value}"`)
}

function parseTypos(rate: string | undefined, seed: string | undefined, channel: ReplayChannel): { typoRate: number | undefined; typoSeed: number | undefined } {
  if (rate === undefined) {
    if (seed !== undefined) throw new UsageError('--typo-seed goes with --typo-rate')
    return { typoRate: undefined, typoSeed: undefined }
  }
  const typoRate = Number(rate)
  if (rate.trim() === '' || !(typoRate >= 0 && typoRate <= 1)) throw new UsageError(`--typo-rate is a share of stations between 0 and 1 (0.02 for 2 %), not "${rate}"`)
  if (channel === 'upload') throw new UsageError('--typo-rate mistypes phone returns: use it with --channel phone or both')
  const typoSeed = seed === undefined ? undefined : Number(seed)
  if (typoSeed !== undefined && !Number.isSafeInteger(typoSeed)) throw new UsageError(`--typo-seed is a whole number, not "${seed}"`)
  return { typoRate, typoSeed }
}

function parseChannel(value: string | undefined): ReplayChannel {
  if (value === 'upload' || value === 'phone' || value === 'both') return value
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
  } else {
    process.exitCode = await reportFailure(err)
  }
}

/**
 * The other expected failures. Their modules are imported only now (a usage error needs none of
 * them, and every command would load them all otherwise); one that failed was loaded already.
 */
async function reportFailure(err: unknown): Promise<number> {
  const [{ ServiceUnavailableError }, { DbConnectionError }, { WarmError }, { ResultsFileError }, { FinderInputError }] = await Promise.all([
    import('./adapters.js'),
    import('../infra/db/postgres-db.js'),
    import('./publish-commands.js'),
    import('./import/results-file.js'),
    import('../polling-finder/inputs/text-table.js'),
  ])
  if (err instanceof ServiceUnavailableError || err instanceof DbConnectionError || err instanceof WarmError) {
    process.stderr.write(`elections: ${err.message}\n`)
    return 69 // EX_UNAVAILABLE
  }
  if (err instanceof ResultsFileError || err instanceof FinderInputError || isFileError(err)) {
    // Expected failures a person can fix: say what and where, without a stack trace.
    process.stderr.write(`elections: ${(err as Error).message}\n`)
    return 66 // EX_NOINPUT
  }
  process.stderr.write(`elections: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  return 1
}
