// Login and logout. A login checks the lockout first, then the password (scrypt, or the same
// time spent on a decoy for an unknown user), and on success replaces the form's anonymous
// session with a new one (new id: a session id planted before login is worth nothing after).
// Every login, failure and logout is in the audit log; a failure never records the password.
import { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import type { Cache } from '../../infra/cache/cache.js'
import type { Db } from '../../infra/db/db.js'
import { appendAudit } from './audit-log.js'
import { clientAddress, sendPage, sessionOf, setRequestSession, userOf } from './desk-context.js'
import type { DeskMetrics } from './desk-metrics.js'
import { readDeskUser, USERNAME_PATTERN } from './desk-users.js'
import { createLoginThrottle, LOGIN_LOCKOUT_MS, type LockScope } from './login-throttle.js'
import { verifyDecoy, verifyPassword } from './passwords.js'
import { SESSION_COOKIE, type SessionStore } from './sessions.js'

export interface LoginRoutesDeps {
  db: Db
  cache: Cache
  sessions: SessionStore
  metrics: DeskMetrics
  clock: () => Date
  secureCookies: boolean
}

const LoginFormSchema = z.object({
  username: z.string().max(200),
  password: z.string().max(1024),
})

const WRONG_CREDENTIALS = 'Identifiant ou mot de passe incorrect.'

function lockedMessage(scope: LockScope): string {
  const minutes = LOGIN_LOCKOUT_MS / 60_000
  return scope === 'username'
    ? `Trop d’échecs de connexion pour cet identifiant : connexion refusée pendant ${minutes} minutes.`
    : `Trop d’échecs de connexion depuis ce poste : connexion refusée pendant ${minutes} minutes.`
}

/** What someone typed as a username, fit for the audit log: no control characters, bounded. */
function printable(text: string): string {
  return [...text.replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, '')].slice(0, 64).join('')
}

export function loginRoutes(deps: LoginRoutesDeps): Router {
  const { db, sessions, metrics, clock } = deps
  const throttle = createLoginThrottle(deps.cache)
  const cookieOptions = { httpOnly: true, sameSite: 'strict', secure: deps.secureCookies, path: '/' } as const
  const router = Router()

  const showForm = (res: Response, status: number, username: string, problem?: string) =>
    sendPage(res, status, 'login', { title: 'Connexion', username, problem })

  router.get('/login', async (_req: Request, res: Response) => {
    if (userOf(res) !== undefined) {
      res.redirect(303, '/')
      return
    }
    // The form's CSRF token needs a session: an anonymous one, made here and never from a
    // cookie value the server did not issue.
    if (sessionOf(res) === undefined) {
      const session = await sessions.create(undefined, clock())
      res.cookie(SESSION_COOKIE, session.id, cookieOptions)
      setRequestSession(res, session, undefined)
    }
    showForm(res, 200, '')
  })

  router.post('/login', async (req: Request, res: Response) => {
    const form = LoginFormSchema.safeParse(req.body)
    if (!form.success) {
      showForm(res, 400, '', 'Saisissez votre identifiant et votre mot de passe.')
      return
    }
    const typed = form.data.username
    const username = typed.trim().toLowerCase()
    const address = clientAddress(req)
    const at = clock()
    const failed = async (reason: string, lockout: LockScope | undefined) => {
      await appendAudit(
        db,
        {
          actor: 'anonymous',
          event: 'desk.login-failed',
          detail: { username: printable(username), address, reason, ...(lockout === undefined ? {} : { lockout }) },
        },
        at,
      )
    }

    const locked = await throttle.lockedBy(username, address)
    if (locked !== undefined) {
      await failed(`locked-${locked}`, undefined)
      metrics.login('locked-out')
      showForm(res, 429, printable(typed), lockedMessage(locked))
      return
    }

    const user = USERNAME_PATTERN.test(username) ? await readDeskUser(db, username) : undefined
    const passwordOk = user === undefined ? await verifyDecoy(form.data.password) : await verifyPassword(form.data.password, user.passwordHash)
    if (user === undefined || !passwordOk || user.disabled) {
      const reason = user === undefined ? 'unknown-user' : !passwordOk ? 'wrong-password' : 'disabled-user'
      const lockout = await throttle.recordFailure(username, address)
      await failed(reason, lockout)
      metrics.login('refused')
      if (lockout === undefined) showForm(res, 401, printable(typed), WRONG_CREDENTIALS)
      else showForm(res, 429, printable(typed), `${WRONG_CREDENTIALS} ${lockedMessage(lockout)}`)
      return
    }

    await throttle.recordSuccess(username)
    // No session without its audit entry: the new id reaches the browser only once both exist.
    const session = await sessions.create(user.username, at)
    await appendAudit(db, { actor: user.username, event: 'desk.login', detail: { address } }, at)
    const previous = sessionOf(res)
    if (previous !== undefined) await sessions.destroy(previous.id)
    metrics.login('ok')
    res.cookie(SESSION_COOKIE, session.id, cookieOptions)
    res.redirect(303, '/')
  })

  router.post('/logout', async (req: Request, res: Response) => {
    const session = sessionOf(res)
    const user = userOf(res)
    if (session !== undefined) await sessions.destroy(session.id)
    res.clearCookie(SESSION_COOKIE, cookieOptions)
    if (user !== undefined) await appendAudit(db, { actor: user.username, event: 'desk.logout', detail: { address: clientAddress(req) } }, clock())
    res.redirect(303, '/login')
  })

  return router
}
