// Runs before every desk route: finds the request's session and its user (a disabled or removed
// user's session ends here, at their next request), and refuses any form post whose CSRF token
// is not its session's.
import type { NextFunction, Request, Response } from 'express'
import type { Queryable } from '../../infra/db/db.js'
import type { Logger } from '../../infra/logging.js'
import { sendMessage, sessionOf, setRequestSession } from './desk-context.js'
import type { DeskMetrics } from './desk-metrics.js'
import { readDeskUser } from './desk-users.js'
import { csrfTokenMatches, sessionIdFromCookies, type SessionStore } from './sessions.js'

export function loadSession(sessions: SessionStore, db: Queryable) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const id = sessionIdFromCookies(req.headers.cookie)
    const session = id === undefined ? undefined : await sessions.read(id)
    if (session?.username === undefined) {
      setRequestSession(res, session, undefined)
      next()
      return
    }
    const user = await readDeskUser(db, session.username)
    if (user === undefined || user.disabled) {
      await sessions.destroy(session.id)
      setRequestSession(res, undefined, undefined)
    } else {
      setRequestSession(res, session, user)
    }
    next()
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function requireCsrfToken(metrics: DeskMetrics, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (SAFE_METHODS.has(req.method)) {
      next()
      return
    }
    const session = sessionOf(res)
    const body: unknown = req.body
    const submitted = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)._csrf : undefined
    if (session !== undefined && csrfTokenMatches(session, submitted)) {
      next()
      return
    }
    metrics.csrfRefused()
    logger.warn({ method: req.method, path: req.path, session: session !== undefined }, 'desk: form post refused, CSRF token missing or wrong')
    sendMessage(
      res,
      403,
      'Formulaire refusé',
      'Ce formulaire a expiré ou ne vient pas du bureau des résultats. Rechargez la page et recommencez.',
      session?.username === undefined ? { href: '/login', label: 'Retour à la connexion' } : undefined,
    )
  }
}
