// `elections start`: the whole pipeline in one process. A newcomer with nothing loaded gets the
// built-in demo election replayed at a pace that lets them watch the pages fill up.
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import type { Bus } from '../infra/bus/bus.js'
import { TOPICS } from '../core/messages.js'
import { demoElection } from '../core/demo-election.js'
import { openRuntime } from './runtime.js'
import { replayInProcess } from './replay.js'
import { readResultsFile } from './import/results-file.js'
import { replayItems, type ReplayItem } from './replay-client.js'
import type { ElectionDefinition } from '../core/schemas.js'
import { buildFinder } from '../polling-finder/finder-build.js'
import { openStorage } from './adapters.js'

/** The demo's stations arrive over about this long, so the pages visibly fill up. */
const DEMO_REPLAY_SECONDS = 40

export async function runStart(config: Config, logger: Logger, options: { replayFile: string | undefined }): Promise<number> {
  const runtime = await openRuntime(config, logger, { serveSite: true, ephemeralIngestPort: false, serveDesk: true })
  process.stdout.write(
    `results site  ${runtime.siteUrl ?? '(not served)'}\n` +
      `results desk  ${runtime.deskUrl ?? '(not served)'}\n` +
      `ingest API    ${runtime.ingestUrl}/v1/returns  (client "${runtime.apiToken.client}")\n` +
      `officials     ${runtime.ingestUrl}/saisie/  (web form: station code and PIN from elections credentials issue)\n` +
      `output folder ${config.outputDir}   data folder ${config.dataDir}\n`,
  )
  if (runtime.firstAdmin) {
    process.stdout.write(`desk login    ${runtime.firstAdmin.username} / ${runtime.firstAdmin.password}  (created now, shown once; add users with elections user add)\n`)
  }
  if (config.apiTokens === undefined) {
    process.stdout.write(`ingest token  ${runtime.apiToken.token}  (generated for this run; set INGEST_API_TOKENS to fix one)\n`)
  }

  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })

  const replay = pickReplay(runtime.bus, options.replayFile)
  const replaying = replay.then(async (job) => {
    if (job === undefined) return
    if (job.demo) {
      // The demo's finder too (a few hundred files, under a second), so /finder/ shows something.
      await buildFinder({ definition: job.definition }, { storage: await openStorage(config) })
      const where = runtime.siteUrl === undefined ? `${config.outputDir}/finder/` : new URL('finder/', runtime.siteUrl).href
      process.stdout.write(`finder        ${where}  (demo stations; elections finder build for real data)\n`)
    }
    process.stdout.write(`replaying ${job.label}: ${job.items.length} returns\n`)
    const { summary } = await replayInProcess(runtime, job.definition, job.items, job.rate, { quiet: true })
    process.stdout.write(
      `replay done: ${summary.accepted} accepted, ${summary.rejected} rejected, ${summary.stationsPublished ?? 0} stations published in ${(summary.wallTimeMs / 1000).toFixed(1)} s\n`,
    )
  })
  replaying.catch((err: unknown) => logger.error({ err }, 'replay failed'))

  await stopped
  process.stdout.write('stopping…\n')
  await runtime.close()
  return 0
}

interface ReplayJob {
  label: string
  definition: ElectionDefinition
  items: ReplayItem[]
  rate: number | undefined
  /** The built-in demo, whose finder start builds as well. */
  demo: boolean
}

async function pickReplay(bus: Bus, replayFile: string | undefined): Promise<ReplayJob | undefined> {
  if (replayFile !== undefined) {
    const imported = await readResultsFile(replayFile)
    return {
      label: replayFile,
      definition: imported.definition,
      items: replayItems(imported.definition, imported.returns),
      rate: undefined,
      demo: false,
    }
  }
  if (await hasAnyElection(bus)) return undefined
  const demo = demoElection()
  return {
    label: `the demo election "${demo.definition.election.name}"`,
    definition: demo.definition,
    items: replayItems(demo.definition, demo.returns),
    rate: Math.max(1, demo.returns.length / DEMO_REPLAY_SECONDS),
    demo: true,
  }
}

/** True when an election definition was ever loaded into this data folder. */
async function hasAnyElection(bus: Bus): Promise<boolean> {
  let seen = 0
  const sub = await bus.subscribe({ topic: TOPICS.elections, handle: async (records) => void (seen += records.length) })
  await sub.caughtUp()
  await sub.stop()
  return seen > 0
}
