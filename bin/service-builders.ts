// Each service built from the configuration and the resources it was given, the same way for
// `elections start` (all in one process, runtime.ts) and for one service per process (services.ts).
import { randomBytes } from 'node:crypto'
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import type { Bus } from '../infra/bus/bus.js'
import type { Cache } from '../infra/cache/cache.js'
import type { Db } from '../infra/db/db.js'
import type { Storage } from '../infra/storage/storage.js'
import type { Registry } from '../infra/metrics.js'
import { openDepartementMap, openPurger, openScanStorage } from './adapters.js'

/** The configured token, or one generated for this process (printed, so the operator can use it). */
export function ingestToken(config: Config, logger: Logger): { client: string; token: string } {
  const configured = config.apiTokens?.[0]
  if (configured) return configured
  logger.info({ client: 'local' }, 'INGEST_API_TOKENS unset: generated a token for this process (see README)')
  return { client: 'local', token: randomBytes(24).toString('base64url') }
}

/** Each service's code is imported when that service is built: a process running one service loads only its own. */
export async function newIngest(config: Config, logger: Logger, r: { bus: Bus; cache: Cache; token: { client: string; token: string }; metrics: Registry }) {
  const { buildIngest } = await import('../ingest/ingest-app.js')
  return trustingProxies(config, buildIngest({
    bus: r.bus,
    cache: r.cache,
    logger: logger.child({ service: 'ingest' }),
    metrics: r.metrics,
    apiTokens: config.apiTokens ?? [r.token],
    maxBodyBytes: config.ingestMaxBodyBytes,
    csvMaxBytes: config.ingestCsvMaxBytes,
    rateLimits: config.ingestRateLimits,
    phone: config.phone,
    scans: await openScanStorage(config),
    scanMaxBytes: config.scanMaxBytes,
    form: config.form,
  }))
}

/** Behind nginx: client addresses from the trusted proxies' X-Forwarded-For (rate limits, lockouts). */
function trustingProxies<S extends { app: { set(setting: string, value: unknown): unknown } }>(config: Config, service: S): S {
  if (config.trustProxy !== undefined) service.app.set('trust proxy', config.trustProxy)
  return service
}

export async function newPublisher(config: Config, logger: Logger, r: { bus: Bus; cache: Cache; storage: Storage; metrics: Registry }) {
  const { mapFiles, scansBaseUrl } = config.publishPages
  const { buildPublisher } = await import('../publish/publisher.js')
  return buildPublisher({
    pages: { map: openDepartementMap(mapFiles, logger), scansBaseUrl },
    bus: r.bus,
    storage: r.storage,
    cache: r.cache,
    purger: openPurger(config, logger),
    logger: logger.child({ service: 'publish' }),
    metrics: r.metrics,
    intervalMs: config.publishIntervalMs,
    siteUrl: config.publicSiteUrl ?? `http://${config.host}:${config.ports.site}`,
  })
}

export async function newDesk(config: Config, logger: Logger, r: { db: Db; cache: Cache; metrics: Registry; onResultsWritten?: () => void }) {
  const { buildDesk } = await import('../consolidate/desk/desk-app.js')
  return trustingProxies(config, buildDesk({
    db: r.db,
    cache: r.cache,
    logger: logger.child({ service: 'desk' }),
    metrics: r.metrics,
    secureCookies: config.deskSecureCookies,
    // The station page shows the scans ingest stored: the same storage, read only.
    scans: await openScanStorage(config),
    ...(r.onResultsWritten === undefined ? {} : { onResultsWritten: r.onResultsWritten }),
  }))
}
