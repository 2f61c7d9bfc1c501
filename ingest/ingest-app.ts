// The ingest service, built from its parts: the JSON returns API and the officials' web form
// over a bus, a cache and the private storage of tally-sheet scans. The caller (bin/, a test) owns
// those and the HTTP listener; buildIngest owns only its subscriptions to `[elections]` and
// `[credentials]` (station PINs, client tokens).
import type { Express, NextFunction, Request, Response } from 'express'
import type { Bus, Subscription } from '../infra/bus/bus.js'
import type { Cache } from '../infra/cache/cache.js'
import { createApp } from '../infra/http/http.js'
import type { Logger } from '../infra/logging.js'
import type { Registry } from '../infra/metrics.js'
import type { Storage } from '../infra/storage/storage.js'
import { apiError, sendApiError } from './api-errors.js'
import { createAuthenticator, type ApiToken } from './api-auth.js'
import { createCsvBodyReader } from './csv/csv-body.js'
import { csvRoutes, DEFAULT_CSV_MAX_BYTES } from './csv/csv-routes.js'
import { createReturnsProducer, PRODUCE_TIMEOUT_MS } from './durable-produce.js'
import { followElections } from './election-follower.js'
import { createIdempotencyRecords, IDEMPOTENCY_TTL_MS } from './idempotency-records.js'
import { createIngestMetrics } from './ingest-metrics.js'
import { createJsonBodyReader } from './json-body.js'
import { openApiRoutes } from './openapi.js'
import { createRateLimits, type RateLimitOptions } from './rate-limit.js'
import { returnsRoutes } from './returns-routes.js'
import { phoneRoutes, type PhoneOptions } from './phone/phone-routes.js'
import { DEFAULT_LOCKOUT_POLICY, type LockoutPolicy } from './pin-lockout.js'
import { createReturnSubmitter } from './submit-returns.js'
import { createPinVerifier, followCredentials, StationCredentials, type VerifyStationPin } from './station-credentials.js'
import { ScopedElections } from './token-scope.js'
import { createScanStore, DEFAULT_SCAN_MAX_BYTES } from './scan-store.js'
import { scansRoutes } from './scans-routes.js'
import { createFormSessions, FORM_PATH } from './form/form-session.js'
import { formRoutes, type FormOptions } from './form/form-routes.js'

export interface IngestDeps {
  bus: Bus
  cache: Cache
  logger: Logger
  metrics: Registry
  apiTokens: readonly ApiToken[]
  maxBodyBytes: number
  /** Largest CSV upload (POST /v1/returns/csv), unzipped; default 10 MiB. */
  csvMaxBytes?: number
  clock?: () => Date
  /** How long a produce may take before the client is told 503; default 5 s. */
  produceTimeoutMs?: number
  /** How long a key's receipt is replayed; default 24 h. */
  idempotencyTtlMs?: number
  /** Wrong-PIN limits; defaults in pin-lockout.ts (5 per code, 20 per caller, 15 min). */
  pinLockout?: Partial<LockoutPolicy>
  /** Requests per second per API client and per address; defaults in rate-limit.ts. */
  rateLimits?: Partial<RateLimitOptions>
  /** The phone (IVR) webhook's signature secret and public URL; see phone/README.md. */
  phone?: PhoneOptions
  /** Where scans of signed tally sheets are kept: private, never the published output. */
  scans: Storage
  /** Largest scan accepted (form and API); default 10 MB. */
  scanMaxBytes?: number
  /** The officials' web form; default Secure cookies and no helpline number. */
  form?: Partial<FormOptions>
}

export interface Ingest {
  app: Express
  /** Subscribes to `[elections]` and `[credentials]`; resolves once both are read to their end. */
  start(): Promise<void>
  stop(): Promise<void>
  ready(): boolean
  /** Checks an official's station code and PIN, with lockout; shared by the phone and form channels. */
  verifyStationPin: VerifyStationPin
  /**
   * Resolves once the election is loaded, so a tool that has just published a definition submits
   * returns only when they can be checked; rejects after `timeoutMs`.
   */
  waitForElection(electionId: string, timeoutMs?: number): Promise<void>
  /** Resolves once `[elections]` and `[credentials]` are read up to what they held when called. */
  caughtUp(): Promise<void>
}

export const WAIT_FOR_ELECTION_MS = 60_000

export function buildIngest(deps: IngestDeps): Ingest {
  const { bus, cache, logger } = deps
  const produceTimeoutMs = deps.produceTimeoutMs ?? PRODUCE_TIMEOUT_MS
  const metrics = createIngestMetrics(deps.metrics)
  const elections = new ScopedElections()
  const credentials = new StationCredentials()
  const clock = deps.clock ?? (() => new Date())
  const verifyStationPin = createPinVerifier({
    credentials,
    cache,
    bus,
    logger,
    clock,
    policy: { ...DEFAULT_LOCKOUT_POLICY, ...deps.pinLockout },
  })
  let subscription: Subscription | undefined
  let credentialsSubscription: Subscription | undefined
  let caughtUp = false
  const ready = () => caughtUp

  const submit = createReturnSubmitter({
    idempotency: createIdempotencyRecords(cache, logger, {
      ttlMs: deps.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS,
      // A claim outlives any produce; if its process dies, the key is free again soon after.
      pendingTtlMs: 3 * produceTimeoutMs,
    }),
    produce: createReturnsProducer(bus, metrics, logger, produceTimeoutMs),
  })

  const app = createApp(deps.metrics)
  const rateLimits = createRateLimits(cache, logger, deps.metrics, deps.rateLimits)
  const authenticate = createAuthenticator(deps.apiTokens, credentials)
  const scans = createScanStore({ storage: deps.scans, cache, logger, maxBytes: deps.scanMaxBytes ?? DEFAULT_SCAN_MAX_BYTES })
  // POST /v1/returns first: on the night it is nearly every request, and each layer before it is
  // walked for each one. Ingest's answers are receipts and errors, nothing a client revalidates.
  app.set('etag', false)
  returnsRoutes(
    {
      limits: rateLimits,
      authenticate,
      readJson: createJsonBodyReader(deps.maxBodyBytes),
      elections,
      scans,
      submit,
      metrics,
      clock,
      ready,
    },
    app,
  )
  app.use(openApiRoutes())
  app.use(
    phoneRoutes({
      elections,
      verifyStationPin,
      submit,
      cache,
      metrics,
      registry: deps.metrics,
      logger: logger.child({ channel: 'phone' }),
      clock,
      ready,
      options: deps.phone ?? {},
    }),
  )
  app.use(scansRoutes({ authenticate, limits: rateLimits, scans, metrics }))
  app.use(
    FORM_PATH,
    formRoutes({
      verifyStationPin,
      elections,
      submit,
      scans,
      sessions: createFormSessions(cache),
      metrics,
      registry: deps.metrics,
      logger,
      clock,
      ready,
      limitAddress: rateLimits.perAddress,
      options: { secureCookies: true, helpline: undefined, ...deps.form },
    }),
  )
  const csvMaxBytes = deps.csvMaxBytes ?? DEFAULT_CSV_MAX_BYTES
  app.use(
    csvRoutes({
      limits: rateLimits,
      authenticate,
      readCsv: createCsvBodyReader(csvMaxBytes),
      maxBytes: csvMaxBytes,
      elections,
      submit,
      metrics,
      clock,
      ready,
    }),
  )
  app.get('/v1/health', (_req, res) => {
    const loaded = elections.summaries()
    const healthy = ready() && loaded.length > 0
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unavailable', ready: ready(), elections: loaded })
  })
  // Express would answer a bug with an HTML page; API clients get the JSON error shape.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err)
    logger.error({ err }, 'ingest: unexpected error')
    sendApiError(res, apiError(500, 'internal-error', 'Something went wrong on our side; no receipt was given. Retry shortly.'))
  })

  return {
    app,
    ready,
    verifyStationPin,
    async waitForElection(electionId, timeoutMs = WAIT_FOR_ELECTION_MS) {
      const wait = elections.whenLoaded(electionId)
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs)
      })
      try {
        const outcome = await Promise.race([wait.loaded.then(() => 'loaded' as const), timedOut])
        if (outcome === 'timeout') throw new Error(`election ${electionId} was not loaded from [elections] within ${timeoutMs} ms`)
      } finally {
        clearTimeout(timer)
        wait.cancel()
      }
    },
    async caughtUp() {
      await Promise.all([subscription?.caughtUp(), credentialsSubscription?.caughtUp()])
    },
    async start() {
      if (subscription) return
      subscription = await followElections(bus, elections, logger)
      credentialsSubscription = await followCredentials(bus, credentials, logger)
      await Promise.all([subscription.caughtUp(), credentialsSubscription.caughtUp()])
      caughtUp = true
      logger.info({ elections: elections.summaries().map((e) => e.id), credentials: credentials.stations }, 'ingest: ready')
    },
    async stop() {
      caughtUp = false
      const subscriptions = [subscription, credentialsSubscription]
      subscription = undefined
      credentialsSubscription = undefined
      await Promise.all(subscriptions.map((s) => s?.stop()))
    },
  }
}
