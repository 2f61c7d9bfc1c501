// Wires the whole pipeline in one process on the embedded adapters: the durable bus and PGlite
// under DATA_DIR, the memory cache, and the output folder. The services still meet only through
// the bus and the output folder, exactly as when they run as separate processes.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import { openEmbeddedBus } from '../infra/bus/embedded-bus.js'
import type { Bus } from '../infra/bus/bus.js'
import { openPgliteDb } from '../infra/db/pglite-db.js'
import { migrate } from '../infra/db/migrate.js'
import { createMemoryCache } from '../infra/cache/memory-cache.js'
import { createFsStorage } from '../infra/storage/fs-storage.js'
import { createMetricsRegistry } from '../infra/metrics.js'
import { listen, type Listening } from '../infra/http/http.js'
import { TOPICS } from '../core/messages.js'
import { buildIngest } from '../ingest/ingest-app.js'
import { buildConsolidator } from '../consolidate/consolidator.js'
import { buildPublisher } from '../publish/publisher.js'
import { buildSiteServer } from '../publish/site-server.js'

export const TOPIC_SPECS = [
  { name: TOPICS.returns, partitions: 1, compacted: false },
  { name: TOPICS.elections, partitions: 1, compacted: false },
  { name: TOPICS.results, partitions: 1, compacted: true },
]

export interface Runtime {
  bus: Bus
  ingest: ReturnType<typeof buildIngest>
  consolidator: ReturnType<typeof buildConsolidator>
  publisher: ReturnType<typeof buildPublisher>
  /** The API token the in-process tools use to submit returns. */
  apiToken: { client: string; token: string }
  ingestUrl: string
  siteUrl: string | undefined
  close(): Promise<void>
}

export interface RuntimeOptions {
  /** Serve the results site (start does; an in-process replay does not need it). */
  serveSite: boolean
  /** Bind ingest on an ephemeral port instead of PORT_INGEST (in-process replays). */
  ephemeralIngestPort: boolean
}

export async function openEmbeddedBusFor(config: Config, logger: Logger): Promise<Bus> {
  const bus = await openEmbeddedBus(join(config.dataDir, 'bus'), { logger })
  await bus.ensureTopics(TOPIC_SPECS)
  return bus
}

export async function openRuntime(config: Config, logger: Logger, options: RuntimeOptions): Promise<Runtime> {
  const bus = await openEmbeddedBusFor(config, logger)
  const db = await openPgliteDb(join(config.dataDir, 'pg'))
  const applied = await migrate(db)
  if (applied.length > 0) logger.info({ applied }, 'database migrated')
  const cache = createMemoryCache()
  const storage = createFsStorage(config.outputDir)

  const apiToken = config.apiTokens?.[0] ?? { client: 'local', token: randomBytes(24).toString('base64url') }
  if (config.apiTokens === undefined) {
    logger.info({ client: apiToken.client }, 'INGEST_API_TOKENS unset: generated a token for this process (see README)')
  }
  const ingestRegistry = createMetricsRegistry()
  const ingest = buildIngest({
    bus,
    cache,
    logger: logger.child({ service: 'ingest' }),
    metrics: ingestRegistry,
    apiTokens: config.apiTokens ?? [apiToken],
    maxBodyBytes: config.ingestMaxBodyBytes,
  })
  const consolidator = buildConsolidator({
    bus,
    db,
    logger: logger.child({ service: 'consolidate' }),
    metrics: createMetricsRegistry(false),
  })
  const publisher = buildPublisher({
    bus,
    storage,
    logger: logger.child({ service: 'publish' }),
    metrics: createMetricsRegistry(false),
    intervalMs: config.publishIntervalMs,
  })

  await consolidator.start()
  await publisher.start()
  await ingest.start()

  const servers: Listening[] = []
  const ingestServer = await listen(ingest.app, options.ephemeralIngestPort ? 0 : config.ports.ingest, config.host)
  servers.push(ingestServer)
  let siteUrl: string | undefined
  if (options.serveSite) {
    const site = await listen(buildSiteServer({ dir: config.outputDir, registry: createMetricsRegistry() }), config.ports.site, config.host)
    servers.push(site)
    siteUrl = `http://${config.host}:${site.port}/`
  }

  return {
    bus,
    ingest,
    consolidator,
    publisher,
    apiToken,
    ingestUrl: `http://${config.host}:${ingestServer.port}`,
    siteUrl,
    async close() {
      for (const s of servers) await s.close()
      await ingest.stop()
      await publisher.stop()
      await consolidator.stop()
      await bus.close()
      await db.close()
      await cache.close()
    },
  }
}
