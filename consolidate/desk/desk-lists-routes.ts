// The desk's lists: a département's communes (the dashboard's drill-down), the chase list of
// stations that have sent nothing, and the review queue. Each route: check the role, parse the
// query, read, render. Open to every desk role: everyone on the night chases and looks.
import { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import { CodeSchema } from '../../core/schemas.js'
import type { Queryable } from '../../infra/db/db.js'
import { readChasePage, readElectionChoices } from './chase-list-repository.js'
import { readDepartementCompleteness } from './completeness-repository.js'
import { departementView } from './dashboard-view.js'
import { requireRole, sendMessage, sendPage } from './desk-context.js'
import { chaseView, LIST_PAGE_SIZE, reviewView } from './desk-lists-view.js'
import { DESK_ROLES } from './desk-users.js'
import { readReviewQueue, type ReadCorrectionsAwaitingApproval } from './review-queue-repository.js'

/** Deep pages are a sign of a wrong filter, and OFFSET costs grow with them. */
const MAX_PAGE = 2000

const blankAsAbsent = (v: unknown) => (v === '' ? undefined : v)
const optionalCode = z.preprocess(blankAsAbsent, CodeSchema.optional())
const PageSchema = z.preprocess(blankAsAbsent, z.coerce.number().int().min(1).max(MAX_PAGE).default(1))

const ChaseQuerySchema = z.object({
  election: optionalCode,
  departement: optionalCode,
  commune: optionalCode,
  order: z.preprocess(blankAsAbsent, z.enum(['registered', 'area']).default('registered')),
  page: PageSchema,
})

const ReviewQuerySchema = z.object({ election: optionalCode, page: PageSchema })

const FIELD_LABELS: Record<string, string> = {
  election: 'l’élection',
  departement: 'le département',
  commune: 'la commune',
  order: 'l’ordre',
  page: 'le numéro de page',
}

/** The query, or a French page saying which parameter is wrong (and nothing read). */
function parseQuery<T>(schema: z.ZodType<T>, req: Request, res: Response, back: string): T | undefined {
  const parsed = schema.safeParse(req.query)
  if (parsed.success) return parsed.data
  const fields = [...new Set(parsed.error.issues.map((i) => FIELD_LABELS[String(i.path[0])] ?? String(i.path[0])))]
  sendMessage(res, 400, 'Filtre refusé', `Valeur invalide pour ${fields.join(', ')}.`, { href: back, label: 'Revenir à la liste' })
  return undefined
}

export interface DeskListsDeps {
  db: Queryable
  clock: () => Date
  /** The corrections awaiting a second supervisor; absent, the queue has no such section. */
  correctionsAwaitingApproval: ReadCorrectionsAwaitingApproval | undefined
}

export function deskListsRoutes({ db, clock, correctionsAwaitingApproval }: DeskListsDeps): Router {
  const router = Router()
  const anyRole = requireRole(...DESK_ROLES)

  router.get('/areas/:electionId/:departement', anyRole, async (req, res) => {
    // Named parameters of this path are single strings (only wildcards give arrays).
    const { electionId = '', departement = '' } = req.params as { electionId?: string; departement?: string }
    const drill = await readDepartementCompleteness(db, electionId, departement)
    if (drill === undefined) return sendMessage(res, 404, 'Zone introuvable', 'Cette élection ou ce département n’est pas chargé.')
    sendPage(res, 200, 'departement', { ...departementView(drill, clock()), live: LIVE })
  })

  router.get('/chase', anyRole, async (req, res) => {
    const query = parseQuery(ChaseQuerySchema, req, res, '/chase')
    if (query === undefined) return
    const elections = await readElectionChoices(db)
    const electionId = query.election ?? elections[0]?.electionId
    if (electionId === undefined) return sendMessage(res, 200, 'Bureaux à relancer', 'Aucune élection n’est chargée.')
    const filter = {
      electionId,
      departement: query.departement,
      commune: query.commune,
      order: query.order,
      limit: LIST_PAGE_SIZE,
      offset: (query.page - 1) * LIST_PAGE_SIZE,
    }
    const page = await readChasePage(db, filter)
    if (page === undefined) return sendMessage(res, 404, 'Élection introuvable', `Aucune élection « ${electionId} » n’est chargée.`, { href: '/chase', label: 'Revenir à la liste' })
    sendPage(res, 200, 'chase', { ...chaseView(page, filter, elections, clock()), live: LIVE })
  })

  router.get('/review', anyRole, async (req, res) => {
    const query = parseQuery(ReviewQuerySchema, req, res, '/review')
    if (query === undefined) return
    const offset = (query.page - 1) * LIST_PAGE_SIZE
    const [elections, page, corrections] = await Promise.all([
      readElectionChoices(db),
      readReviewQueue(db, { electionId: query.election, limit: LIST_PAGE_SIZE, offset }),
      correctionsAwaitingApproval?.(db),
    ])
    sendPage(res, 200, 'review', { ...reviewView(page, corrections, { electionId: query.election, offset }, elections, clock()), live: LIVE })
  })

  return router
}

/** Pages that follow the live updates (desk-live.js), and reload on their own without JavaScript. */
export const LIVE = { refreshSeconds: 30 }
