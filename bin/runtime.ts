// Wires the whole pipeline in one process (`elections start`, in-process replays). Each resource
// comes from adapters.ts: embedded by default, the real service when its variable is set. The
// services still meet only through the bus and the output, exactly as when they run as separate
// processes (services.ts).
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import type { Bus } from '../infra/bus/bus.js'
import type { Db } from '../infra/db/db.js'
import { createMetricsRegistry } from '../infra/metrics.js'
import { listen } from '../infra/http/http.js'
import type { buildIngest } from '../ingest/ingest-app.js'
import { buildConsolidator } from '../consolidate/consolidator.js'
import type { buildPublisher } from '../publish/publisher.js'
import { buildSiteServer } from '../publish/site-server.js'
import { ensureFirstAdmin } from './desk-admin.js'
import { openBus, openCache, openConsolidationDb, openDeskDb, openStorage, Resources } from './adapters.js'
import { ingestToken, newDesk, newIngest, newPublisher } from './service-builders.js'

export interface Runtime {
  bus: Bus
  /** The consolidation database (in-process tools read what became of their returns). */
  db: Db
  ingest: ReturnType<typeof buildIngest>
  consolidator: ReturnType<typeof buildConsolidator>
  publisher: ReturnType<typeof buildPublisher>
  /** The API token the in-process tools use to submit returns. */
  apiToken: { client: string; token: string }
  ingestUrl: string
  siteUrl: string | undefined
  deskUrl: string | undefined
  /** Embedded first start only: the desk administrator created, with its password (shown once). */
  firstAdmin: { username: string; password: string } | undefined
  close(): Promise<void>
}

export interface RuntimeOptions {
  /** Serve the results site (start does; an in-process replay does not need it). */
  serveSite: boolean
  /** Bind ingest on an ephemeral port instead of PORT_INGEST (in-process replays). */
  ephemeralIngestPort: boolean
  /** Serve the results desk on PORT_DESK (start does). */
  serveDesk?: boolean
}

export async function openRuntime(config: Config, logger: Logger, options: RuntimeOptions): Promise<Runtime> {
  const resources = new Resources(logger)
  try {
    const bus = resources.add('bus', await openBus(config, logger, 'tools'))
    const db = resources.add('database', await openConsolidationDb(config, logger))
    const cache = resources.add('cache', await openCache(config, logger))
    const storage = await openStorage(config)

    const apiToken = ingestToken(config, logger)
    const ingest = await newIngest(config, logger, { bus, cache, token: apiToken, metrics: createMetricsRegistry() })
    const consolidator = buildConsolidator({
      bus,
      db,
      logger: logger.child({ service: 'consolidate' }),
      metrics: createMetricsRegistry(false),
    })
    const publisher = await newPublisher(config, logger, { bus, cache, storage, metrics: createMetricsRegistry(false) })

    await consolidator.start()
    resources.defer('consolidator', () => consolidator.stop())
    await publisher.start()
    resources.defer('publisher', () => publisher.stop())
    await ingest.start()
    resources.defer('ingest', () => ingest.stop())

    const ingestServer = resources.add('ingest server', await listen(ingest.app, options.ephemeralIngestPort ? 0 : config.ports.ingest, config.host))
    let siteUrl: string | undefined
    if (options.serveSite && config.outputDir !== undefined) {
      const site = resources.add('site server', await listen(buildSiteServer({ dir: config.outputDir, registry: createMetricsRegistry() }), config.ports.site, config.host))
      siteUrl = `http://${config.host}:${site.port}/`
    }
    let deskUrl: string | undefined
    let firstAdmin: { username: string; password: string } | undefined
    if (options.serveDesk) {
      // On PostgreSQL the desk keeps its own role even in one process; on PGlite it shares the one database.
      const deskDb = config.deskDatabaseUrl === undefined ? db : resources.add('desk database', await openDeskDb(config, logger))
      if (config.databaseUrl === undefined) {
        const admin = await ensureFirstAdmin(db, new Date())
        if (admin) logger.warn({ username: admin.username }, 'desk: created the first administrator (password printed once on stdout)')
        firstAdmin = admin
      }
      // The desk's decisions reach [results] through the consolidator's relay, at once in one process.
      const desk = await newDesk(config, logger, { db: deskDb, cache, metrics: createMetricsRegistry(false), onResultsWritten: () => consolidator.outboxWritten() })
      resources.defer('desk', () => desk.close())
      const server = resources.add('desk server', await listen(desk.app, config.ports.desk, config.host))
      deskUrl = `http://${config.host}:${server.port}/`
    }
    return {
      deskUrl,
      firstAdmin,
      bus,
      db,
      ingest,
      consolidator,
      publisher,
      apiToken,
      ingestUrl: `http://${config.host}:${ingestServer.port}`,
      siteUrl,
      close: () => resources.close(),
    }
  } catch (err) {
    await resources.close()
    throw err
  }
}
