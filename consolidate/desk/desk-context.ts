// What a desk request carries once its session is loaded (the session, the signed-in user), how
// a page is sent with them, and the role gate every desk route goes through.
import type { NextFunction, Request, Response } from 'express'
import type { DeskRole, DeskUser } from './desk-users.js'
import { renderDeskPage, type DeskPage } from './desk-templates.js'
import type { DeskSession } from './sessions.js'

interface DeskLocals {
  session?: DeskSession
  user?: DeskUser
}

export const ROLE_LABELS: Record<DeskRole, string> = { operator: 'opérateur', supervisor: 'superviseur', admin: 'administrateur' }

function locals(res: Response): DeskLocals {
  return res.locals as DeskLocals
}

export function sessionOf(res: Response): DeskSession | undefined {
  return locals(res).session
}

export function userOf(res: Response): DeskUser | undefined {
  return locals(res).user
}

export function setRequestSession(res: Response, session: DeskSession | undefined, user: DeskUser | undefined): void {
  locals(res).session = session
  locals(res).user = user
}

/** The address lockout counts per (infra/http). */
export { clientAddress } from '../../infra/http/http.js'

/** The header's links, for a signed-in user. */
const NAVIGATION: { page: DeskPage; href: string; label: string }[] = [
  { page: 'dashboard', href: '/', label: 'Tableau de bord' },
  { page: 'chase', href: '/chase', label: 'À relancer' },
  { page: 'review', href: '/review', label: 'À examiner' },
  { page: 'lockouts', href: '/lockouts', label: 'Blocages PIN' },
]

/** Renders `page` with the header's needs (the user, the links, the session's CSRF token for the logout form). */
export function sendPage(res: Response, status: number, page: DeskPage, view: object): void {
  const user = userOf(res)
  res
    .status(status)
    .type('html')
    .send(
      renderDeskPage(page, {
        ...view,
        csrfToken: sessionOf(res)?.csrfToken ?? '',
        user: user === undefined ? undefined : { displayName: user.displayName, roleLabel: ROLE_LABELS[user.role] },
        nav: NAVIGATION.map((link) => ({ href: link.href, label: link.label, current: link.page === page })),
      }),
    )
}

export function sendMessage(res: Response, status: number, title: string, message: string, back = { href: '/', label: 'Retour au tableau de bord' }): void {
  sendPage(res, status, 'message', { title, message, backHref: back.href, backLabel: back.label })
}

/**
 * Lets the request through only for a signed-in user holding one of `roles`. Without a session,
 * a page view goes to the login form; anything else is refused.
 */
export function requireRole(...roles: DeskRole[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const user = userOf(res)
    if (user === undefined) {
      if (req.method === 'GET' || req.method === 'HEAD') res.redirect(303, '/login')
      else sendMessage(res, 401, 'Session terminée', 'Votre session a pris fin. Reconnectez-vous.', { href: '/login', label: 'Se connecter' })
      return
    }
    if (!roles.includes(user.role)) {
      sendMessage(res, 403, 'Accès refusé', `Votre rôle (${ROLE_LABELS[user.role]}) ne permet pas cette action.`)
      return
    }
    next()
  }
}
