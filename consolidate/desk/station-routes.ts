// The station page and its actions, each handler the same few steps: check the role, parse the
// form (zod), call the action (station-actions.ts: one transaction, audited), then either go back
// to the page with what was done, or show the page again with why it was refused.
import { createHash } from 'node:crypto'
import { Router, type Request, type Response } from 'express'
import { z } from 'zod'
import { stationResultKey } from '../../core/messages.js'
import { scanStorageKey, sniffScanType } from '../../core/scans.js'
import { CodeSchema, type Counts } from '../../core/schemas.js'
import type { Db } from '../../infra/db/db.js'
import type { Logger } from '../../infra/logging.js'
import type { Storage } from '../../infra/storage/storage.js'
import type { StationRef } from '../returns-repository.js'
import { readStationResults } from '../station-results-repository.js'
import { requireRole, sendMessage, sendPage, userOf } from './desk-context.js'
import { DESK_ROLES, type DeskUser } from './desk-users.js'
import {
  approveCorrection,
  discardCorrection,
  enterCorrection,
  rejectReturn,
  validateReturn,
  withdrawResult,
  SUPERVISOR_ROLES,
  type ActionOutcome,
} from './station-actions.js'
import { readCorrections, readStationAudit, readStationFacts, readStationReturns } from './station-repository.js'
import { stationPath, stationView, type StationPageNotice } from './station-view.js'

export interface StationRoutesDeps {
  db: Db
  /** Where ingest stored the scans of signed tally sheets; undefined when this desk was given none. */
  scans: Storage | undefined
  clock: () => Date
  logger: Logger
  /** Called after an action committed results to the outbox (the relay, when it runs in this process). */
  onResultsWritten: (() => void) | undefined
}

/** What each action says once done, shown after the redirect (?fait=…), so a reload posts nothing again. */
const DONE_MESSAGES = {
  validee: 'La remontée est validée : le résultat part à la publication.',
  rejetee: 'La remontée est rejetée : le bureau attend une nouvelle remontée.',
  'correction-saisie': 'La correction est enregistrée : elle prendra effet quand un autre superviseur l’aura approuvée.',
  'correction-approuvee': 'La correction est approuvée : le résultat corrigé part à la publication.',
  'correction-ecartee': 'La correction est écartée.',
  retire: 'Le résultat est retiré : la publication ne le compte plus.',
} as const
type DoneKey = keyof typeof DONE_MESSAGES

const ReasonSchema = z.string().trim().min(1).max(300)
const StampSchema = z.string().min(1).max(300)
const ReturnIdSchema = z.string().min(1).max(200)
const COUNT_PATTERN = /^\s*\d{1,9}\s*$/

function refOf(req: Request): StationRef | undefined {
  const ref = { electionId: req.params.electionId, contestId: req.params.contestId, stationId: req.params.stationId }
  const parsed = z.object({ electionId: CodeSchema, contestId: CodeSchema, stationId: CodeSchema }).safeParse(ref)
  return parsed.success ? parsed.data : undefined
}

function field(req: Request, name: string): unknown {
  const body: unknown = req.body
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined
}

export function stationRoutes(deps: StationRoutesDeps): Router {
  const { db, clock } = deps
  const router = Router()
  const base = '/stations/:electionId/:contestId/:stationId'

  async function renderStation(res: Response, ref: StationRef, user: DeskUser, status: number, notice: StationPageNotice): Promise<void> {
    const facts = await readStationFacts(db, ref)
    const row = facts === undefined ? undefined : (await readStationResults(db, [ref], { lock: false })).get(stationResultKey(ref.electionId, ref.contestId, ref.stationId))
    if (facts === undefined || row === undefined) {
      sendMessage(res, 404, 'Bureau introuvable', 'Ce bureau n’existe pas dans ce scrutin, ou l’élection n’est pas chargée.')
      return
    }
    const [returns, corrections, audit] = [await readStationReturns(db, ref), await readCorrections(db, ref), await readStationAudit(db, ref)]
    sendPage(res, status, 'station', stationView({ ref, facts, row, returns, corrections, audit }, user, notice))
  }

  router.get(base, requireRole(...DESK_ROLES), async (req, res) => {
    const ref = refOf(req)
    const user = userOf(res)
    if (ref === undefined || user === undefined) {
      sendMessage(res, 404, 'Bureau introuvable', 'Cette adresse ne désigne aucun bureau.')
      return
    }
    const done = typeof req.query.fait === 'string' && req.query.fait in DONE_MESSAGES ? DONE_MESSAGES[req.query.fait as DoneKey] : undefined
    await renderStation(res, ref, user, 200, { done })
  })

  // The scan is read from the return's own reference (never from a name in the URL), checked
  // against its SHA-256, and served with the type its bytes have.
  router.get(`${base}/returns/:returnId/scan`, requireRole(...DESK_ROLES), async (req, res) => {
    const ref = refOf(req)
    const returnId = ReturnIdSchema.safeParse(req.params.returnId)
    const scan = ref === undefined || !returnId.success ? undefined : (await readStationReturns(db, ref)).find((r) => r.returnId === returnId.data)?.scan
    if (scan === undefined) {
      sendMessage(res, 404, 'Scan introuvable', 'Cette remontée n’a pas de scan de procès-verbal.')
      return
    }
    if (deps.scans === undefined) {
      sendMessage(res, 503, 'Scans indisponibles', 'Le stockage des scans n’est pas configuré pour ce bureau des résultats (SCANS_DIR ou SCANS_S3_BUCKET).')
      return
    }
    const bytes = await deps.scans.get(scanStorageKey(scan))
    if (bytes === undefined || createHash('sha256').update(bytes).digest('hex') !== scan.sha256 || sniffScanType(bytes) !== scan.contentType) {
      deps.logger.error({ sha256: scan.sha256, found: bytes !== undefined }, 'desk: a scan is missing from storage or does not match its SHA-256')
      sendMessage(res, 502, 'Scan illisible', 'Le fichier du scan manque au stockage ou ne correspond plus à son empreinte SHA-256 : prévenez l’équipe technique.')
      return
    }
    // Images show in the page (img-src 'self'); a PDF is downloaded, never rendered in the desk's origin.
    const disposition = scan.contentType === 'application/pdf' ? 'attachment' : 'inline'
    const fileName = scanStorageKey(scan).split('/').pop() ?? scan.sha256
    res.status(200).type(scan.contentType).set('content-disposition', `${disposition}; filename="${fileName}"`).send(bytes)
  })

  /** The common end of every action: back to the page, saying what was done, or the page again with why not. */
  function action(
    roles: readonly (typeof DESK_ROLES)[number][],
    run: (req: Request, ref: StationRef, user: DeskUser) => Promise<{ outcome: ActionOutcome; done: DoneKey; notice?: StationPageNotice } | { problem: string; notice?: StationPageNotice }>,
  ) {
    return [
      requireRole(...roles),
      async (req: Request, res: Response) => {
        const ref = refOf(req)
        const user = userOf(res)
        if (ref === undefined || user === undefined) {
          sendMessage(res, 404, 'Bureau introuvable', 'Cette adresse ne désigne aucun bureau.')
          return
        }
        const r = await run(req, ref, user)
        if ('problem' in r) {
          await renderStation(res, ref, user, 422, { ...r.notice, problem: r.problem })
          return
        }
        if (!r.outcome.ok) {
          await renderStation(res, ref, user, r.outcome.status, { ...r.notice, problem: r.outcome.problem })
          return
        }
        if (r.outcome.outbox.length > 0) deps.onResultsWritten?.()
        res.redirect(303, `${stationPath(ref)}?fait=${r.done}`)
      },
    ]
  }

  const actor = (user: DeskUser) => ({ username: user.username, role: user.role })

  router.post(
    `${base}/validate`,
    ...action(DESK_ROLES, async (req, ref, user) => {
      const returnId = ReturnIdSchema.safeParse(field(req, 'returnId'))
      const stamp = StampSchema.safeParse(field(req, 'stamp'))
      if (!returnId.success || !stamp.success) return { problem: 'Le formulaire est incomplet : rechargez la page.' }
      const acknowledgeWarnings = field(req, 'acknowledgeWarnings') === 'yes'
      return { outcome: await validateReturn(db, { ref, returnId: returnId.data, stamp: stamp.data, acknowledgeWarnings }, actor(user), clock()), done: 'validee' }
    }),
  )

  router.post(
    `${base}/reject`,
    ...action(DESK_ROLES, async (req, ref, user) => {
      const returnId = ReturnIdSchema.safeParse(field(req, 'returnId'))
      const stamp = StampSchema.safeParse(field(req, 'stamp'))
      const reason = ReasonSchema.safeParse(field(req, 'reason'))
      if (!returnId.success || !stamp.success) return { problem: 'Le formulaire est incomplet : rechargez la page.' }
      if (!reason.success) return { problem: 'Indiquez le motif du rejet (300 caractères au plus).' }
      return { outcome: await rejectReturn(db, { ref, returnId: returnId.data, stamp: stamp.data, reason: reason.data }, actor(user), clock()), done: 'rejetee' }
    }),
  )

  router.post(
    `${base}/corrections`,
    ...action(DESK_ROLES, async (req, ref, user) => {
      const facts = await readStationFacts(db, ref)
      if (facts === undefined) return { problem: 'Ce bureau n’existe pas dans ce scrutin.' }
      const values: Record<string, string> = {}
      const bad: string[] = []
      const number = (name: string, label: string): number => {
        const raw = field(req, name)
        values[name] = typeof raw === 'string' ? raw.slice(0, 20) : ''
        if (typeof raw !== 'string' || !COUNT_PATTERN.test(raw)) {
          bad.push(label)
          return 0
        }
        return Number(raw.trim())
      }
      const counts: Counts = {
        registered: number('registered', 'inscrits'),
        voters: number('voters', 'votants'),
        blank: number('blank', 'blancs'),
        invalid: number('invalid', 'nuls'),
        valid: number('valid', 'exprimés'),
        votes: Object.fromEntries(facts.candidates.map((c) => [c.id, number(`votes.${c.id}`, c.name)])),
      }
      const rawReason = field(req, 'reason')
      const notice: StationPageNotice = { correctionForm: { values, reason: typeof rawReason === 'string' ? rawReason.slice(0, 300) : '' } }
      if (bad.length > 0) return { problem: `Ces chiffres ne sont pas des nombres entiers positifs ou nuls : ${bad.join(', ')}. La correction n’est pas enregistrée.`, notice }
      const reason = ReasonSchema.safeParse(rawReason)
      if (!reason.success) return { problem: 'Indiquez le motif de la correction (300 caractères au plus).', notice }
      return { outcome: await enterCorrection(db, { ref, counts, reason: reason.data }, actor(user), clock()), done: 'correction-saisie', notice }
    }),
  )

  const correctionId = (req: Request) => z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).safeParse(req.params.correctionId)

  router.post(
    `${base}/corrections/:correctionId/approve`,
    // Operators get through to the action, which refuses them in French and records the attempt.
    ...action(DESK_ROLES, async (req, ref, user) => {
      const id = correctionId(req)
      if (!id.success) return { problem: 'Cette correction n’existe pas pour ce bureau.' }
      return { outcome: await approveCorrection(db, { ref, correctionId: id.data }, actor(user), clock()), done: 'correction-approuvee' }
    }),
  )

  router.post(
    `${base}/corrections/:correctionId/discard`,
    ...action(DESK_ROLES, async (req, ref, user) => {
      const id = correctionId(req)
      if (!id.success) return { problem: 'Cette correction n’existe pas pour ce bureau.' }
      return { outcome: await discardCorrection(db, { ref, correctionId: id.data }, actor(user), clock()), done: 'correction-ecartee' }
    }),
  )

  router.post(
    `${base}/withdraw`,
    ...action(SUPERVISOR_ROLES, async (req, ref, user) => {
      const stamp = StampSchema.safeParse(field(req, 'stamp'))
      const reason = ReasonSchema.safeParse(field(req, 'reason'))
      if (!stamp.success) return { problem: 'Le formulaire est incomplet : rechargez la page.' }
      if (!reason.success) return { problem: 'Indiquez le motif du retrait (300 caractères au plus).' }
      return { outcome: await withdrawResult(db, { ref, stamp: stamp.data, reason: reason.data }, actor(user), clock()), done: 'retire' }
    }),
  )

  return router
}
