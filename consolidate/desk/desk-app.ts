// The results desk, built from its parts: an express app on the consolidation database (the
// desk role: it reads, and writes only audit entries and its decisions on stations) and the
// Cache (sessions, lockouts). The caller (bin/, a test) owns the database, the cache and the
// HTTP listener.
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import type { Cache } from '../../infra/cache/cache.js'
import type { Db } from '../../infra/db/db.js'
import { createApp } from '../../infra/http/http.js'
import type { Logger } from '../../infra/logging.js'
import type { Registry } from '../../infra/metrics.js'
import type { Storage } from '../../infra/storage/storage.js'
import { countLockoutsInForce, readLockouts } from '../pin-lockouts-repository.js'
import { readCompleteness } from './completeness-repository.js'
import { dashboardView } from './dashboard-view.js'
import { requireRole, sendMessage, sendPage } from './desk-context.js'
import { createDeskMetrics } from './desk-metrics.js'
import { deskCss } from './desk-templates.js'
import { deskListsRoutes, LIVE } from './desk-lists-routes.js'
import { createLiveFeed } from './live-feed.js'
import { liveRoutes, sendLiveScript } from './live-routes.js'
import { readCorrectionsAwaitingApproval, type ReadCorrectionsAwaitingApproval } from './review-queue-repository.js'
import { DESK_ROLES } from './desk-users.js'
import { ENDED_LOCKOUTS_SHOWN, lockoutsView } from './lockouts-view.js'
import { loginRoutes } from './login-routes.js'
import { securityHeaders } from './security-headers.js'
import { loadSession, requireCsrfToken } from './session-middleware.js'
import { createSessionStore } from './sessions.js'
import { stationRoutes } from './station-routes.js'

export interface DeskDeps {
  db: Db
  cache: Cache
  logger: Logger
  metrics: Registry
  clock?: () => Date
  /** Mark cookies Secure and send HSTS: true whenever the desk is reached over HTTPS. */
  secureCookies: boolean
  /** How often the live figures poll the database while a page listens (GET /events); 2 s by default. */
  liveIntervalMs?: number
  /** The review queue's corrections awaiting a second supervisor: desk_corrections by default. */
  correctionsAwaitingApproval?: ReadCorrectionsAwaitingApproval
  /** Where ingest stores the scans of signed tally sheets (read only); without it the station page cannot show them. */
  scans?: Storage
  /**
   * Called when a desk action has committed a result to the outbox. In one process with the
   * consolidator, its relay takes it at once; otherwise its periodic rescan of the outbox does.
   */
  onResultsWritten?: () => void
}

export interface Desk {
  app: Express
  /** Stops the live figures' poller (the caller closes the listener first). */
  close(): Promise<void>
}

/** Form bodies here are a few fields. */
const MAX_FORM_BYTES = 8 * 1024

export function buildDesk(deps: DeskDeps): Desk {
  const { db, logger } = deps
  const clock = deps.clock ?? (() => new Date())
  const metrics = createDeskMetrics(deps.metrics)
  const sessions = createSessionStore(deps.cache)

  const live = createLiveFeed({ db, clock, logger, ...(deps.liveIntervalMs === undefined ? {} : { intervalMs: deps.liveIntervalMs }) })

  const app = createApp(deps.metrics)
  app.use(securityHeaders(deps.secureCookies))
  app.get('/desk.css', (_req, res) => {
    res.type('css').send(deskCss())
  })
  app.get('/desk-live.js', sendLiveScript)
  app.use(express.urlencoded({ extended: false, limit: MAX_FORM_BYTES, parameterLimit: 20 }))
  app.use(loadSession(sessions, db))
  app.use(requireCsrfToken(metrics, logger))
  app.use(liveRoutes(live))
  app.use(loginRoutes({ db, cache: deps.cache, sessions, metrics, clock, secureCookies: deps.secureCookies }))

  app.get('/', requireRole(...DESK_ROLES), async (_req, res) => {
    const now = clock()
    sendPage(res, 200, 'dashboard', { ...dashboardView(await readCompleteness(db), await countLockoutsInForce(db, now), now), live: LIVE })
  })
  app.use(deskListsRoutes({ db, clock, correctionsAwaitingApproval: deps.correctionsAwaitingApproval ?? readCorrectionsAwaitingApproval }))

  app.get('/lockouts', requireRole(...DESK_ROLES), async (_req, res) => {
    const now = clock()
    sendPage(res, 200, 'lockouts', lockoutsView(await readLockouts(db, now, ENDED_LOCKOUTS_SHOWN), now))
  })

  app.use(stationRoutes({ db, scans: deps.scans, clock, logger, onResultsWritten: deps.onResultsWritten }))

  app.use((_req, res) => {
    sendMessage(res, 404, 'Page introuvable', 'Cette adresse ne correspond à aucune page du bureau des résultats.')
  })
  // Express recognizes an error handler by its four parameters.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown }).status
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // A body too large or malformed (express.urlencoded): the client's doing.
      sendMessage(res, status, 'Requête refusée', 'Le formulaire envoyé est trop long ou mal formé.')
      return
    }
    logger.error({ err, method: req.method, path: req.path }, 'desk: request failed')
    sendMessage(res, 500, 'Erreur', 'Le bureau des résultats n’a pas pu répondre. Réessayez ; si cela persiste, prévenez l’équipe technique.')
  })
  return { app, close: async () => live.close() }
}
