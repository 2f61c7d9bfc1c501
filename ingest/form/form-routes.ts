// The officials' web form, under /saisie: 1 station code + PIN → 2 the tally sheet (and an
// optional scan) → 3 the figures shown back to confirm or correct → 4 the receipt, given only
// once the returns are durable. Plain HTML forms and server redirects (POST, then 303 to a GET),
// so it works without JavaScript and a refresh never posts again. Each step is the same
// checklist: session (cookie) → CSRF (the hidden field repeats the cookie) → read → act → redirect.
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express'
import { clientAddress } from '../../infra/http/http.js'
import type { Counts } from '../../core/schemas.js'
import type { Logger } from '../../infra/logging.js'
import { Counter, type Registry } from '../../infra/metrics.js'
import type { IngestMetrics } from '../ingest-metrics.js'
import type { LoadedElections } from '../loaded-elections.js'
import { prepareSubmission, type Submission } from '../return-submission.js'
import type { ScanStore } from '../scan-store.js'
import type { VerifyStationPin } from '../station-credentials.js'
import type { SubmitReturns } from '../submit-returns.js'
import {
  clearedSessionCookie,
  FORM_PATH,
  newSubmissionId,
  SESSION_FIELD,
  sessionCookie,
  sessionFieldMatches,
  sessionIdFromCookies,
  type AttachedScan,
  type FormSession,
  type FormSessions,
} from './form-session.js'
import { formatBytes, parseLang, textsFor, type Lang } from './form-text.js'
import { formCss, renderConfirm, renderLogin, renderMessage, renderReceipt, renderSheet, type PageContext } from './form-views.js'
import { readMultipartForm } from './multipart-form.js'
import { readSheetEntry, valuesOfCounts } from './sheet-entry.js'
import { tallySheetOf, type TallySheet } from '../tally-sheet.js'

export interface FormOptions {
  /** Secure cookies and HSTS: keep true unless the form is reached over plain HTTP (tests, a LAN). */
  secureCookies: boolean
  /** The election desk's number, given to a locked-out official; undefined: "your prefecture". */
  helpline: string | undefined
}

export interface FormRoutesDeps {
  verifyStationPin: VerifyStationPin
  elections: LoadedElections
  submit: SubmitReturns
  scans: ScanStore
  sessions: FormSessions
  metrics: IngestMetrics
  registry: Registry
  logger: Logger
  clock: () => Date
  ready: () => boolean
  /** The per-address rate limit, before the PIN's scrypt work. */
  limitAddress: RequestHandler
  options: FormOptions
}

const STEP_PATHS = { entry: '/feuille', confirm: '/verification', submitted: '/recepisse' } as const
/** A second confirm arriving while the first is being made durable waits this long for its receipt. */
const CONCURRENT_CONFIRM_WAIT_MS = 6000
const CONCURRENT_CONFIRM_POLL_MS = 100
const MAX_SHEET_FIELDS = 2000

const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

export function formRoutes(deps: FormRoutesDeps): Router {
  const { sessions, elections, scans, logger, clock, options } = deps
  const router = Router()
  const logins = new Counter({
    name: 'ingest_form_logins_total',
    help: 'Web-form sign-in attempts by outcome (ok, wrong, locked, malformed)',
    labelNames: ['outcome'] as const,
    registers: [deps.registry],
  })
  const scansRefused = new Counter({
    name: 'ingest_form_scans_refused_total',
    help: 'Scans refused on the web form, by reason (too-large, not-a-scan, storage-failed)',
    labelNames: ['reason'] as const,
    registers: [deps.registry],
  })
  const readUrlencoded = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 })

  // ---- helpers --------------------------------------------------------------------------------

  const send = (res: Response, status: number, html: string) => void res.status(status).type('html').send(html)
  const redirect = (res: Response, path: string) => res.redirect(303, `${FORM_PATH}${path}`)
  const bodyField = (req: Request, name: string): unknown => (req.body as Record<string, unknown> | undefined)?.[name]

  const langOf = (req: Request, session?: FormSession): Lang =>
    parseLang(req.query.lang) ?? parseLang(bodyField(req, 'lang')) ?? session?.state.lang ?? 'fr'

  const contextOf = (req: Request, path: string, session?: FormSession, sheet?: TallySheet): PageContext => ({
    lang: langOf(req, session),
    helpline: options.helpline,
    path,
    ...(session ? { session } : {}),
    ...(sheet ? { sheet } : {}),
  })

  const sheetOf = (session: FormSession): TallySheet | undefined => {
    const definition = elections.definition(session.state.electionId)
    return definition && tallySheetOf(definition, session.state.stationId)
  }

  const message = (req: Request, res: Response, status: number, text: (lang: Lang) => string, link?: { path: string; label: (lang: Lang) => string }) => {
    const ctx = contextOf(req, link?.path ?? '/')
    const t = textsFor(ctx.lang)
    send(res, status, renderMessage(ctx, {
      title: status >= 500 || status === 403 || status === 400 ? t.errorTitle : t.service,
      paragraphs: [{ text: text(ctx.lang), alert: status >= 400 }],
      ...(link ? { link: { href: `${FORM_PATH}${link.path}`, label: link.label(ctx.lang) } } : {}),
    }))
  }

  const toLogin = (res: Response, why: 'expired' | 'signed-out', lang: Lang) =>
    redirect(res, `/?${why === 'expired' ? 'session=expiree' : 'fin=1'}${lang === 'en' ? '&lang=en' : ''}`)

  /** The signed-in session and its sheet; otherwise answers (redirect or page) and gives undefined. */
  const signedIn = async (req: Request, res: Response): Promise<{ session: FormSession; sheet: TallySheet } | undefined> => {
    const id = sessionIdFromCookies(req.headers.cookie)
    const session = id === undefined ? undefined : await sessions.read(id)
    if (!session) {
      req.resume()
      toLogin(res, 'expired', langOf(req))
      return undefined
    }
    const sheet = sheetOf(session)
    if (!sheet) {
      req.resume()
      message(req, res, 503, (l) => textsFor(l).notReady)
      return undefined
    }
    // A language link on a signed-in page is remembered for the next steps.
    const asked = parseLang(req.query.lang)
    if (asked !== undefined && asked !== session.state.lang) {
      session.state.lang = asked
      await sessions.write(session)
    }
    return { session, sheet }
  }

  /** Every post must carry the session id in its hidden field (SameSite cookies are the other lock). */
  const csrfRefused = (req: Request, res: Response, session: FormSession, submitted: unknown): boolean => {
    if (sessionFieldMatches(session, submitted)) return false
    logger.warn({ path: req.path }, 'form: post refused, session field missing or wrong')
    message(req, res, 403, (l) => textsFor(l).forbidden, { path: '/', label: (l) => textsFor(l).backToStart })
    return true
  }

  // ---- every request --------------------------------------------------------------------------

  router.use((req: Request, res: Response, next: NextFunction) => {
    res.set({
      'Cache-Control': 'no-store',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      // Not no-referrer: with it, browsers send "Origin: null" on every post, even our own.
      'Referrer-Policy': 'same-origin',
    })
    if (options.secureCookies) res.set('Strict-Transport-Security', 'max-age=31536000')
    // A post from another site is refused before anything is read (SameSite=Strict already keeps
    // the cookie off it; this also covers the sign-in form, which has no session yet).
    if (req.method === 'POST' && crossSite(req)) {
      req.resume()
      message(req, res, 403, (l) => textsFor(l).forbidden, { path: '/', label: (l) => textsFor(l).backToStart })
      return
    }
    next()
  })

  router.get('/form.css', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('css').send(formCss())
  })

  // ---- 1. station code and PIN ----------------------------------------------------------------

  router.get('/', async (req, res) => {
    const id = sessionIdFromCookies(req.headers.cookie)
    const session = id === undefined ? undefined : await sessions.read(id)
    if (session && sheetOf(session)) {
      const asked = parseLang(req.query.lang)
      if (asked !== undefined && asked !== session.state.lang) await sessions.write({ ...session, state: { ...session.state, lang: asked } })
      return redirect(res, STEP_PATHS[session.state.stage])
    }
    const t = textsFor(langOf(req))
    const notice = req.query.session === 'expiree' ? t.sessionExpired : req.query.fin === '1' ? t.signedOut : undefined
    send(res, 200, renderLogin(contextOf(req, '/'), notice === undefined ? {} : { notice }))
  })

  router.post('/connexion', deps.limitAddress, readUrlencoded, async (req, res) => {
    const ctx = contextOf(req, '/')
    const t = textsFor(ctx.lang)
    const code = String(bodyField(req, 'code') ?? '').replace(/\s/g, '').slice(0, 20)
    const pin = String(bodyField(req, 'pin') ?? '').replace(/\s/g, '')
    const codeError = /^\d{8}$/.test(code) ? undefined : t.codeFormat
    const pinError = /^\d{6}$/.test(pin) ? undefined : t.pinFormat
    if (codeError !== undefined || pinError !== undefined) {
      logins.inc({ outcome: 'malformed' })
      return send(res, 400, renderLogin(ctx, { code, ...(codeError ? { codeError } : {}), ...(pinError ? { pinError } : {}) }))
    }
    if (!deps.ready()) return message(req, res, 503, (l) => textsFor(l).notReady)
    const verified = await deps.verifyStationPin(code, pin, `web:${clientAddress(req)}`, 'form')
    if (!verified.ok) {
      logins.inc({ outcome: verified.reason === 'locked' ? 'locked' : 'wrong' })
      if (verified.reason === 'unknown-or-wrong') return send(res, 401, renderLogin(ctx, { code, problem: t.wrongPin }))
      const retryAfterSeconds = verified.retryAfterSeconds ?? 900
      res.set('Retry-After', String(retryAfterSeconds))
      return send(res, 429, renderLogin(ctx, { code, locked: { until: new Date(clock().getTime() + retryAfterSeconds * 1000), retryAfterSeconds } }))
    }
    const definition = elections.definition(verified.electionId)
    const sheet = definition && tallySheetOf(definition, verified.stationId)
    if (!sheet) return message(req, res, 503, (l) => textsFor(l).notReady)
    if (sheet.contests.length === 0) return message(req, res, 409, (l) => textsFor(l).noContest)
    logins.inc({ outcome: 'ok' })
    // A new session at each sign-in: an id set before it (session fixation) is never promoted.
    const previous = sessionIdFromCookies(req.headers.cookie)
    if (previous !== undefined) await sessions.destroy(previous)
    const session = await sessions.create({ electionId: verified.electionId, stationId: verified.stationId, lang: ctx.lang })
    res.set('Set-Cookie', sessionCookie(session.id, options.secureCookies))
    redirect(res, STEP_PATHS.entry)
  })

  // ---- 2. the tally sheet ---------------------------------------------------------------------

  router.get('/feuille', async (req, res) => {
    const current = await signedIn(req, res)
    if (!current) return
    const { session, sheet } = current
    if (session.state.stage === 'submitted') return redirect(res, STEP_PATHS.submitted)
    const counts = session.state.counts
    send(res, 200, renderSheet({ ...contextOf(req, '/feuille', session, sheet), sheet }, {
      values: counts ? valuesOfCounts(sheet, new Map(Object.entries(counts))) : new Map(),
      problems: new Map(),
      scan: session.state.scan,
      scanError: undefined,
      maxScanBytes: scans.maxBytes,
    }))
  })

  router.post('/feuille', async (req, res) => {
    const current = await signedIn(req, res)
    if (!current) return
    const { session, sheet } = current
    if (session.state.stage === 'submitted') {
      req.resume()
      return redirect(res, STEP_PATHS.submitted)
    }
    const read = await readMultipartForm(req, { fileField: 'scan', maxFileBytes: scans.maxBytes, maxFields: MAX_SHEET_FIELDS, maxFieldBytes: 1024 })
    if (!read.ok) return message(req, res, read.reason === 'too-large' ? 413 : 400, (l) => textsFor(l).badRequest, { path: '/feuille', label: (l) => textsFor(l).backToSheet })
    const { fields, file } = read.form
    if (csrfRefused(req, res, session, fields.get(SESSION_FIELD))) return
    const ctx = { ...contextOf(req, '/feuille', session, sheet), sheet }
    const t = textsFor(ctx.lang)

    // The scan first: stored as soon as it is good, kept in the session even if a figure is wrong,
    // so the official never has to choose it again.
    let scanError: string | undefined
    if (fields.get('retirer-scan') === '1') delete session.state.scan
    if (file) {
      const attached = await attachScan(file.filename, file.bytes)
      if (attached.ok) session.state.scan = attached.scan
      else {
        scansRefused.inc({ reason: attached.reason })
        scanError = attached.reason === 'too-large' ? t.scanTooLarge(formatBytes(ctx.lang, scans.maxBytes)) : attached.reason === 'storage-failed' ? t.scanUnavailable : t.scanNotAccepted
      }
    }

    const entry = readSheetEntry(sheet, (name) => fields.get(name))
    if (!entry.ok || scanError !== undefined) {
      await sessions.write(session)
      return send(res, 422, renderSheet(ctx, {
        values: entry.values,
        problems: entry.ok ? new Map() : entry.problems,
        scan: session.state.scan,
        scanError,
        maxScanBytes: scans.maxBytes,
      }))
    }
    session.state.counts = Object.fromEntries(entry.counts)
    session.state.stage = 'confirm'
    await sessions.write(session)
    redirect(res, STEP_PATHS.confirm)
  })

  const attachScan = async (
    filename: string,
    bytes: Buffer | undefined,
  ): Promise<{ ok: true; scan: AttachedScan } | { ok: false; reason: 'too-large' | 'not-a-scan' | 'storage-failed' }> => {
    if (bytes === undefined) return { ok: false, reason: 'too-large' }
    const stored = await scans.store(bytes)
    if (stored.ok) return { ok: true, scan: { ...stored.scan, filename } }
    return { ok: false, reason: stored.reason === 'empty' ? 'not-a-scan' : stored.reason }
  }

  // ---- 3. confirmation ------------------------------------------------------------------------

  router.get('/verification', async (req, res) => {
    const current = await signedIn(req, res)
    if (!current) return
    const { session, sheet } = current
    const { stage, counts, scan } = session.state
    if (stage !== 'confirm' || !counts) return redirect(res, STEP_PATHS[stage])
    send(res, 200, renderConfirm({ ...contextOf(req, '/verification', session, sheet), sheet }, counts, scan))
  })

  router.post('/verification', readUrlencoded, async (req, res) => {
    const current = await signedIn(req, res)
    if (!current) return
    const { session, sheet } = current
    if (csrfRefused(req, res, session, bodyField(req, SESSION_FIELD))) return
    const { stage, counts } = session.state
    if (stage === 'submitted') return redirect(res, STEP_PATHS.submitted)
    if (stage !== 'confirm' || !counts) return redirect(res, STEP_PATHS.entry)
    const action = bodyField(req, 'action')
    if (action === 'corriger') {
      session.state.stage = 'entry'
      await sessions.write(session)
      return redirect(res, STEP_PATHS.entry)
    }
    if (action !== 'confirmer') return message(req, res, 400, (l) => textsFor(l).badRequest, { path: '/verification', label: (l) => textsFor(l).confirmTitle })
    await confirm(req, res, session, sheet, counts)
  })

  /** Makes one return per contest durable (one produce), then shows the receipts. */
  const confirm = async (req: Request, res: Response, session: FormSession, sheet: TallySheet, counts: Record<string, Counts>) => {
    const { state } = session
    const now = clock()
    if (!countsFitSheet(sheet, counts)) {
      // The definition was corrected since the sheet was shown (a candidate added or withdrawn):
      // show the new sheet, the figures that still apply kept.
      state.stage = 'entry'
      await sessions.write(session)
      return redirect(res, STEP_PATHS.entry)
    }
    const scan = state.scan && { sha256: state.scan.sha256, contentType: state.scan.contentType, bytes: state.scan.bytes }
    const submissions: Submission[] = sheet.contests.map(({ contest }) => {
      const c = counts[contest.id]
      if (c === undefined) throw new Error(`countsFitSheet let contest ${contest.id} through without figures`)
      const request = { electionId: state.electionId, contestId: contest.id, stationId: state.stationId, counts: c, channel: 'form' as const, ...(scan ? { scan } : {}) }
      // The key ties each return to this form session: a double submit or a refresh is the same return.
      const prepared = prepareSubmission(`station:${state.stationId}`, request, `form:${state.submissionId}:${contest.id}`, now)
      if (!prepared.ok) throw new Error(`form: ${prepared.error.message}`)
      return prepared.value
    })
    const ctx = { ...contextOf(req, '/verification', session, sheet), sheet }
    const t = textsFor(ctx.lang)
    const submitted = await deps.submit(submissions)
    if (!submitted.ok) {
      deps.metrics.rejected(submitted.error.code, submissions.length)
      if (submitted.error.retryAfterSeconds !== undefined) res.set('Retry-After', String(submitted.error.retryAfterSeconds))
      return send(res, 503, renderConfirm(ctx, counts, state.scan, t.notDurable))
    }
    const receipts = []
    for (const [i, outcome] of submitted.outcomes.entries()) {
      const s = submissions[i]
      if (!s) throw new Error('more outcomes than submissions')
      if (outcome.status === 'rejected') {
        deps.metrics.rejected(outcome.error.code)
        if (outcome.error.code === 'request-in-progress') return awaitConcurrentConfirm(req, res, session.id)
        return message(req, res, 409, (l) => textsFor(l).conflict, { path: '/', label: (l) => textsFor(l).backToStart })
      }
      deps.metrics.accepted('form', outcome.replayed)
      receipts.push({ contestId: s.message.contestId, receipt: outcome.receipt, returnId: outcome.returnId })
    }
    Object.assign(state, { stage: 'submitted', receipts, submittedAt: now.toISOString() })
    try {
      await sessions.write(session)
    } catch (err) {
      // The returns are durable: the official must see the receipts even if the session cannot say so later.
      logger.error({ err }, 'form: returns stored but the session could not be updated; showing the receipt directly')
      return send(res, 200, renderReceipt({ ...ctx, path: '/recepisse' }, { counts, scan: state.scan, receipts, submittedAt: now }))
    }
    redirect(res, STEP_PATHS.submitted)
  }

  /** The same session confirmed twice at once: the first request is producing; show its receipt. */
  const awaitConcurrentConfirm = async (req: Request, res: Response, id: string) => {
    for (let waited = 0; waited < CONCURRENT_CONFIRM_WAIT_MS; waited += CONCURRENT_CONFIRM_POLL_MS) {
      const session = await sessions.read(id)
      if (session?.state.stage === 'submitted') return redirect(res, STEP_PATHS.submitted)
      await new Promise((resolve) => setTimeout(resolve, CONCURRENT_CONFIRM_POLL_MS))
    }
    res.set('Retry-After', '2')
    message(req, res, 503, (l) => textsFor(l).inProgress, { path: STEP_PATHS.submitted, label: (l) => textsFor(l).seeReceipt })
  }

  // ---- 4. receipt ------------------------------------------------------------------------------

  router.get('/recepisse', async (req, res) => {
    const current = await signedIn(req, res)
    if (!current) return
    const { session, sheet } = current
    const { stage, counts, receipts, submittedAt, scan } = session.state
    if (stage !== 'submitted' || !counts || !receipts || submittedAt === undefined) return redirect(res, STEP_PATHS[stage])
    send(res, 200, renderReceipt({ ...contextOf(req, '/recepisse', session, sheet), sheet }, { counts, scan, receipts, submittedAt: new Date(submittedAt) }))
  })

  router.post('/correction', readUrlencoded, async (req, res) => {
    const current = await signedIn(req, res)
    if (!current) return
    const { session } = current
    if (csrfRefused(req, res, session, bodyField(req, SESSION_FIELD))) return
    if (session.state.stage === 'submitted') {
      // A correction is a new return (a new key), shown the figures sent so only the wrong ones change.
      const { receipts: _r, submittedAt: _s, ...rest } = session.state
      session.state = { ...rest, submissionId: newSubmissionId(), stage: 'entry' }
      await sessions.write(session)
    }
    redirect(res, STEP_PATHS.entry)
  })

  router.post('/deconnexion', readUrlencoded, async (req, res) => {
    const id = sessionIdFromCookies(req.headers.cookie)
    const session = id === undefined ? undefined : await sessions.read(id)
    if (session) {
      if (csrfRefused(req, res, session, bodyField(req, SESSION_FIELD))) return
      await sessions.destroy(session.id)
    }
    res.set('Set-Cookie', clearedSessionCookie(options.secureCookies))
    toLogin(res, 'signed-out', langOf(req, session))
  })

  // An HTML page, not the API's JSON, for whatever went wrong (an unreadable body, a bug).
  router.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err)
    // body-parser's errors carry a 4xx status: an unreadable or oversized form, not a bug.
    const status = typeof err === 'object' && err !== null && 'status' in err ? Number(err.status) : 500
    if (status >= 400 && status < 500) {
      return message(req, res, 400, (l) => textsFor(l).badRequest, { path: '/', label: (l) => textsFor(l).backToStart })
    }
    logger.error({ err }, 'form: unexpected error')
    message(req, res, 500, (l) => textsFor(l).internal, { path: '/', label: (l) => textsFor(l).backToStart })
  })

  return router
}

/** Figures for every contest of the sheet, and a figure for exactly its candidates. */
function countsFitSheet(sheet: TallySheet, counts: Record<string, Counts>): boolean {
  return sheet.contests.every(({ contest }) => {
    const c = counts[contest.id]
    return c !== undefined && Object.keys(c.votes).length === contest.candidates.length && contest.candidates.every((k) => c.votes[k.id] !== undefined)
  })
}

/** A post whose Origin (or Sec-Fetch-Site) says it comes from another site. */
function crossSite(req: Request): boolean {
  if (req.get('Sec-Fetch-Site') === 'cross-site') return true
  const origin = req.get('Origin')
  if (origin === undefined || origin === 'null') return origin === 'null'
  try {
    return new URL(origin).host !== req.get('Host')
  } catch {
    return true
  }
}
