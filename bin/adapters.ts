// Picks each resource's adapter from the configuration: a variable set means that real service,
// and it must answer at start (no silent fallback to the embedded one); unset means embedded.
// Every service command opens only the resources it needs; the publisher never opens the database.
// The client libraries of real services (kafkajs, ioredis, pg, PGlite, the S3 SDK) are imported
// only when configured: loaded for nothing, they cost each process about 60 MB (a publisher went
// from 181 to 121 MB of RSS before its first page without the ones it does not use).
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ConfigError, type Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import type { Bus, TopicSpec } from '../infra/bus/bus.js'
import { openEmbeddedBus } from '../infra/bus/embedded-bus.js'
import type { Db } from '../infra/db/db.js'
import { migrate } from '../infra/db/migrate.js'
import type { Cache } from '../infra/cache/cache.js'
import { createMemoryCache } from '../infra/cache/memory-cache.js'
import type { Storage } from '../infra/storage/storage.js'
import { createFsStorage } from '../infra/storage/fs-storage.js'
import { createTeeStorage } from '../infra/storage/tee-storage.js'
import { createNoPurger, type Purger } from '../infra/purge/purger.js'
import { createVarnishPurger } from '../infra/purge/varnish-purger.js'
import { TOPICS } from '../core/messages.js'
import { loadDepartementMap, MapFileError, type DepartementMap } from '../publish/departement-map.js'

/** A real service named in the environment did not answer at start: exit 69 (EX_UNAVAILABLE), no stack trace. */
export class ServiceUnavailableError extends Error {
  override name = 'ServiceUnavailableError'
}

async function reachable<T>(open: () => Promise<T>): Promise<T> {
  try {
    return await open()
  } catch (err) {
    throw new ServiceUnavailableError((err as Error).message, { cause: err })
  }
}

export type ServiceName = 'ingest' | 'consolidate' | 'publish' | 'desk' | 'tools'

/**
 * Topics and their partitions. `[returns]` and `[results]` are keyed by station (contest +
 * station), so partitions spread the night's load while each station's records stay in order;
 * the definition, credentials and security events are single ordered streams. The embedded log
 * has one partition per topic.
 */
export function topicSpecs(partitions: number): TopicSpec[] {
  return [
    { name: TOPICS.returns, partitions, compacted: false },
    { name: TOPICS.elections, partitions: 1, compacted: false },
    { name: TOPICS.results, partitions, compacted: true },
    // Officials' hashed PINs and integrators' token hashes, latest per station or client.
    { name: TOPICS.credentials, partitions: 1, compacted: true },
    // Lockouts and other security events, for the desk.
    { name: TOPICS.security, partitions: 1, compacted: false },
  ]
}

export async function openBus(config: Config, logger: Logger, service: ServiceName): Promise<Bus> {
  if (config.kafka === undefined) {
    const bus = await openEmbeddedBus(join(config.dataDir, 'bus'), { logger })
    await bus.ensureTopics(topicSpecs(1))
    return bus
  }
  const kafka = config.kafka
  const { openKafkaBus } = await import('../infra/bus/kafka-bus.js')
  const { topicsOf } = await import('../infra/bus/kafka-access.js')
  const bus = await reachable(() =>
    openKafkaBus({
      brokers: kafka.brokers,
      clientId: `elections-${service}`,
      topicPrefix: kafka.topicPrefix,
      replicationFactor: kafka.replicationFactor,
      logger,
      ...(kafka.sasl === undefined ? {} : { sasl: kafka.sasl }),
    }),
  )
  // A service checks (and creates) only the topics it may touch: with SASL users and ACLs
  // (infra/bus/kafka-access.ts) it can see no other.
  const wanted: readonly string[] = service === 'ingest' || service === 'consolidate' || service === 'publish' ? topicsOf(service) : Object.values(TOPICS)
  try {
    await bus.ensureTopics(topicSpecs(config.kafka.partitions).filter((spec) => wanted.includes(spec.name)))
  } catch (err) {
    await bus.close()
    throw err
  }
  return bus
}

/** The consolidation database, migrated: PostgreSQL as the consolidation role, or PGlite. */
export async function openConsolidationDb(config: Config, logger: Logger): Promise<Db> {
  const url = config.databaseUrl
  const db =
    url === undefined
      ? await (await import('../infra/db/pglite-db.js')).openPgliteDb(join(config.dataDir, 'pg'))
      : await reachable(async () => (await import('../infra/db/postgres-db.js')).connectPostgresDb(url, { applicationName: 'elections-consolidate', logger }))
  try {
    const applied = await migrate(db)
    if (applied.length > 0) logger.info({ applied }, 'database migrated')
  } catch (err) {
    await db.close()
    throw err
  }
  return db
}

/**
 * The desk's database: its own narrower role (DESK_DATABASE_URL) when set; otherwise, in one
 * process, the consolidation database itself. The desk never migrates: consolidate owns the schema.
 */
export async function openDeskDb(config: Config, logger: Logger): Promise<Db> {
  const url = config.deskDatabaseUrl
  if (url === undefined) throw new ConfigError(['DESK_DATABASE_URL: "elections desk" runs alone only on PostgreSQL with the desk role (printed by elections db setup)'])
  const { connectPostgresDb } = await import('../infra/db/postgres-db.js')
  return reachable(() => connectPostgresDb(url, { applicationName: 'elections-desk', logger }))
}

export async function openCache(config: Config, logger: Logger): Promise<Cache> {
  const redis = config.redis
  if (redis === undefined) return createMemoryCache()
  const { connectRedisCache } = await import('../infra/cache/redis-cache.js')
  return reachable(() => connectRedisCache(redis.url, { keyPrefix: redis.keyPrefix, logger }))
}

/** Where pages go: the folder (OUTPUT_DIR), S3 (S3_BUCKET), or both at once. */
export async function openStorage(config: Config): Promise<Storage> {
  const stores: Storage[] = []
  if (config.outputDir !== undefined) stores.push(createFsStorage(config.outputDir))
  if (config.s3 !== undefined) {
    const { createS3Storage } = await import('../infra/storage/s3-storage.js')
    stores.push(
      createS3Storage({
        bucket: config.s3.bucket,
        endpoint: config.s3.endpoint,
        region: config.s3.region,
        prefix: config.s3.prefix,
        forcePathStyle: config.s3.endpoint !== undefined,
      }),
    )
  }
  const [only] = stores
  if (only === undefined) throw new Error('no output: set OUTPUT_DIR or S3_BUCKET')
  return stores.length === 1 ? only : createTeeStorage(stores)
}

/**
 * Where scans of signed tally sheets go: a private folder (synced before a return may refer to a
 * scan) or the `scans/` prefix of a bucket. Never the published output: config refuses that.
 */
export async function openScanStorage(config: Config): Promise<Storage> {
  const scans = config.scans
  switch (scans.kind) {
    case 'folder':
      return createFsStorage(scans.dir, { durable: true })
    case 's3':
      return (await import('../infra/storage/s3-storage.js')).createS3Storage({
        bucket: scans.bucket,
        endpoint: scans.endpoint,
        region: scans.region,
        prefix: scans.prefix,
        forcePathStyle: scans.endpoint !== undefined,
      })
  }
}

export function openPurger(config: Config, logger: Logger): Purger {
  return config.varnishUrls === undefined ? createNoPurger() : createVarnishPurger(config.varnishUrls, { logger })
}

/** The demo's département shapes, beside the repository when ../shared/data is there (see its README.txt). */
const DEMO_MAP_FILES = ['departements-version-simplifiee.geojson', 'departements-avec-outre-mer.geojson'].map((f) =>
  resolve(import.meta.dirname, '..', '..', 'shared', 'data', f),
)

/**
 * The national map's shapes, projected once for the life of the process. Files named in
 * PUBLISH_MAP_GEOJSON must be readable GeoJSON (a ConfigError otherwise); unset, the demo's shapes
 * are used when present, and the site has no map without them.
 */
export function openDepartementMap(files: string[] | undefined, logger: Logger): DepartementMap | undefined {
  const chosen = files ?? (DEMO_MAP_FILES.every((f) => existsSync(f)) ? DEMO_MAP_FILES : undefined)
  if (chosen === undefined) return undefined
  try {
    const map = loadDepartementMap(chosen)
    logger.info({ files: chosen, departements: map.shapes.length }, 'national map shapes loaded')
    return map
  } catch (err) {
    if (err instanceof MapFileError) throw new ConfigError([`PUBLISH_MAP_GEOJSON: ${err.message}`])
    throw err
  }
}

/** Closes what was opened, last first, logging (not throwing) failures so every one is tried. */
export class Resources {
  private readonly closers: { name: string; close: () => Promise<void> }[] = []

  constructor(private readonly logger: Logger) {}

  add<T extends { close(): Promise<void> }>(name: string, resource: T): T {
    this.defer(name, () => resource.close())
    return resource
  }

  defer(name: string, close: () => Promise<void>): void {
    this.closers.push({ name, close })
  }

  async close(): Promise<void> {
    for (const c of this.closers.splice(0).reverse()) {
      try {
        await c.close()
      } catch (err) {
        this.logger.warn({ err, resource: c.name }, 'closing failed')
      }
    }
  }
}
