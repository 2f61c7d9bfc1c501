// One service per process, for distributed deployments: `elections ingest | consolidate |
// publish | desk`. Each opens only what it needs: ingest the bus and the cache; consolidate the
// bus and the database; publish the bus, the cache, the output and the purger, and never the
// database (it has no role there); the desk the database under its own role, and the cache.
// The bus must be Kafka: the embedded log belongs to one process.
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import { createMetricsRegistry } from '../infra/metrics.js'
import { createApp, listen } from '../infra/http/http.js'
import { ConfigError } from '../infra/config.js'
import { openBus, openCache, openConsolidationDb, openDeskDb, openStorage, Resources, type ServiceName } from './adapters.js'
import { ingestToken, newDesk, newIngest, newPublisher } from './service-builders.js'

export type RunnableService = Extract<ServiceName, 'ingest' | 'consolidate' | 'publish' | 'desk'>

function requireKafka(config: Config, service: RunnableService): void {
  // The desk meets the others through PostgreSQL only.
  if (config.kafka === undefined && service !== 'desk') {
    throw new ConfigError([
      `KAFKA_BROKERS: "elections ${service}" runs alone only against Kafka (the embedded bus belongs to one process); set KAFKA_BROKERS, or run everything in one process with "elections start"`,
    ])
  }
}

async function startIngest(config: Config, logger: Logger, resources: Resources): Promise<string[]> {
  const bus = resources.add('bus', await openBus(config, logger, 'ingest'))
  const cache = resources.add('cache', await openCache(config, logger))
  const token = ingestToken(config, logger)
  const ingest = await newIngest(config, logger, { bus, cache, token, metrics: createMetricsRegistry() })
  await ingest.start()
  resources.defer('ingest', () => ingest.stop())
  const server = resources.add('ingest server', await listen(ingest.app, config.ports.ingest, config.host))
  const lines = [
    `ingest API    http://${config.host}:${server.port}/v1/returns  (client "${token.client}")`,
    `officials     http://${config.host}:${server.port}/saisie/  (web form)`,
  ]
  if (config.apiTokens === undefined) lines.push(`ingest token  ${token.token}  (generated for this run; set INGEST_API_TOKENS to fix one)`)
  return lines
}

async function startConsolidate(config: Config, logger: Logger, resources: Resources): Promise<string[]> {
  const bus = resources.add('bus', await openBus(config, logger, 'consolidate'))
  const db = resources.add('database', await openConsolidationDb(config, logger))
  const registry = createMetricsRegistry()
  const { buildConsolidator } = await import('../consolidate/consolidator.js')
  const consolidator = buildConsolidator({ bus, db, logger: logger.child({ service: 'consolidate' }), metrics: registry })
  await consolidator.start()
  resources.defer('consolidator', () => consolidator.stop())
  const server = resources.add('health server', await listen(createApp(registry), config.ports.consolidate, config.host))
  return [`consolidate   health and metrics on http://${config.host}:${server.port}/`]
}

async function startPublish(config: Config, logger: Logger, resources: Resources): Promise<string[]> {
  const bus = resources.add('bus', await openBus(config, logger, 'publish'))
  const cache = resources.add('cache', await openCache(config, logger))
  const storage = await openStorage(config)
  const registry = createMetricsRegistry()
  const publisher = await newPublisher(config, logger, { bus, cache, storage, metrics: registry })
  await publisher.start()
  resources.defer('publisher', () => publisher.stop())
  const server = resources.add('health server', await listen(createApp(registry), config.ports.publish, config.host))
  return [`publish       to ${storage.describe()}; health and metrics on http://${config.host}:${server.port}/`]
}

async function startDesk(config: Config, logger: Logger, resources: Resources): Promise<string[]> {
  const db = resources.add('database', await openDeskDb(config, logger))
  const cache = resources.add('cache', await openCache(config, logger))
  const desk = await newDesk(config, logger, { db, cache, metrics: createMetricsRegistry() })
  resources.defer('desk', () => desk.close())
  const server = resources.add('desk server', await listen(desk.app, config.ports.desk, config.host))
  return [`results desk  http://${config.host}:${server.port}/  (users: elections user add)`]
}

const STARTERS: Record<RunnableService, (config: Config, logger: Logger, resources: Resources) => Promise<string[]>> = {
  ingest: startIngest,
  consolidate: startConsolidate,
  publish: startPublish,
  desk: startDesk,
}

/** Runs one service until SIGINT or SIGTERM, then stops it cleanly (a SIGKILL loses nothing either). */
export async function runService(service: RunnableService, config: Config, logger: Logger): Promise<number> {
  requireKafka(config, service)
  const resources = new Resources(logger)
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  let lines: string[]
  try {
    lines = await STARTERS[service](config, logger.child({ process: service }), resources)
  } catch (err) {
    await resources.close()
    throw err
  }
  process.stdout.write(`${lines.join('\n')}\n${service} ready\n`)
  await stopped
  process.stdout.write(`${service}: stopping…\n`)
  await resources.close()
  // Everything is closed; a library that still holds a timer or socket (a Kafka client still
  // reconnecting to a broker that is gone) must not keep a stopped service running.
  setTimeout(() => {
    logger.warn({ service, afterMs: EXIT_GRACE_MS }, 'handles still open after a clean stop; exiting anyway')
    process.exit(0)
  }, EXIT_GRACE_MS).unref()
  return 0
}

/** How long a stopped service may take to let go of its last handles before it exits regardless. */
const EXIT_GRACE_MS = 3_000
