// The form's pages: mustache templates read once per process and rendered on the server, so the
// form works without JavaScript. Data goes in through {{ }} only (mustache's HTML escaping),
// never {{{ }}}: a candidate or commune name holding markup is shown as text. Each view gives
// every key its sections test, so a missing key never falls back to a parent's value.
import { readFileSync } from 'node:fs'
import Mustache from 'mustache'
import { checkReturn, type CheckCode } from '../../core/checks.js'
import type { Counts } from '../../core/schemas.js'
import type { AttachedScan, FormSession } from './form-session.js'
import { FORM_PATH } from './form-session.js'
import { formatBytes, formatDateTime, formatNumber, formatTime, LANGS, textsFor, type Lang } from './form-text.js'
import type { FigureProblem } from './sheet-entry.js'
import type { SheetFigure, TallySheet } from '../tally-sheet.js'

const TEMPLATE_DIR = new URL('./templates/', import.meta.url)
const PAGES = ['login', 'sheet', 'confirm', 'receipt', 'message'] as const
const PARTIALS = ['header', 'footer', 'figures'] as const
type Page = (typeof PAGES)[number]

interface Templates {
  pages: Record<Page, string>
  partials: Record<string, string>
  css: string
}

let templates: Templates | undefined

function load(): Templates {
  if (!templates) {
    const read = (file: string) => readFileSync(new URL(file, TEMPLATE_DIR), 'utf8')
    const pages = Object.fromEntries(PAGES.map((p) => [p, read(`${p}.mustache`)])) as Record<Page, string>
    const partials = Object.fromEntries(PARTIALS.map((p) => [p, read(`${p}.mustache`)]))
    for (const source of [...Object.values(pages), ...Object.values(partials)]) Mustache.parse(source)
    templates = { pages, partials, css: read('form.css') }
  }
  return templates
}

export function formCss(): string {
  return load().css
}

/** Who is asking and in which language; the path is the GET page the language link leads to. */
export interface PageContext {
  lang: Lang
  helpline: string | undefined
  path: string
  session?: FormSession
  sheet?: TallySheet
}

/** The sentences without parameters, for the templates ({{t.loginTitle}}). */
function plainTexts(lang: Lang): Record<string, string> {
  return Object.fromEntries(Object.entries(textsFor(lang)).filter((e): e is [string, string] => typeof e[1] === 'string'))
}

function render(page: Page, ctx: PageContext, title: string, view: object): string {
  const t = textsFor(ctx.lang)
  const other = LANGS.find((l) => l !== ctx.lang) ?? 'en'
  const { sheet, session } = ctx
  const base = {
    lang: ctx.lang,
    base: FORM_PATH,
    title,
    t: plainTexts(ctx.lang),
    otherLang: { code: other, label: t.otherLanguage, href: `${FORM_PATH}${ctx.path}?lang=${other}` },
    signedIn: sheet !== undefined && session !== undefined,
    stationLine: sheet ? t.station(sheet.station.code, sheet.station.name, sheet.communeName) : '',
    token: session?.id ?? '',
    helpline: t.helpline(ctx.helpline),
  }
  const { pages, partials } = load()
  return Mustache.render(pages[page], { ...base, ...view }, partials)
}

export interface LoginView {
  code?: string
  codeError?: string
  pinError?: string
  problem?: string
  notice?: string
  locked?: { until: Date; retryAfterSeconds: number }
}

export function renderLogin(ctx: PageContext, v: LoginView): string {
  const t = textsFor(ctx.lang)
  const locked = v.locked && {
    until: t.locked(formatTime(ctx.lang, v.locked.until), Math.max(1, Math.ceil(v.locked.retryAfterSeconds / 60))),
    call: t.lockedCall(ctx.helpline),
  }
  return render('login', ctx, locked ? t.lockedTitle : t.loginTitle, {
    code: v.code ?? '',
    codeError: v.codeError ?? '',
    pinError: v.pinError ?? '',
    problem: v.problem ?? '',
    notice: v.notice ?? '',
    locked: locked ?? false,
  })
}

function figureLabel(lang: Lang, figure: SheetFigure): string {
  const t = textsFor(lang)
  if (figure.kind !== 'candidate') return t[figure.kind]
  return figure.candidate ? t.candidate(figure.candidate.ballot, figure.candidate.name) : figure.name
}

export interface SheetView {
  values: ReadonlyMap<string, string>
  problems: ReadonlyMap<string, FigureProblem>
  scan: AttachedScan | undefined
  scanError: string | undefined
  maxScanBytes: number
}

export function renderSheet(ctx: PageContext & { sheet: TallySheet }, v: SheetView): string {
  const { lang, sheet } = ctx
  const t = textsFor(lang)
  const n = (x: number) => formatNumber(lang, x)
  const problemOf = (f: SheetFigure) => {
    const p = v.problems.get(f.name)
    return p ? t.figureProblem(p, n) : ''
  }
  const contests = sheet.contests.map(({ contest, figures }) => ({
    contestName: contest.name,
    figures: figures.map((f) => ({
      id: f.id,
      name: f.name,
      label: figureLabel(lang, f),
      party: f.candidate?.party ?? '',
      candidate: f.kind === 'candidate',
      value: v.values.get(f.name) ?? '',
      figureError: problemOf(f),
    })),
  }))
  const problems = sheet.contests.flatMap(({ contest, figures }) =>
    figures
      .filter((f) => v.problems.has(f.name))
      .map((f) => ({
        fieldId: f.id,
        fieldLabel: sheet.contests.length > 1 ? `${contest.name} : ${figureLabel(lang, f)}` : figureLabel(lang, f),
        message: problemOf(f),
      })),
  )
  return render('sheet', ctx, t.sheetTitle, {
    registered: t.registered(n(sheet.station.registered)),
    contests,
    hasProblems: problems.length > 0,
    problems,
    scanHint: t.scanHint(formatBytes(lang, v.maxScanBytes)),
    scanAttached: v.scan ? t.scanAttached(v.scan.filename, formatBytes(lang, v.scan.bytes)) : '',
    scanError: v.scanError ?? '',
  })
}

/** What the confirmation and receipt pages show: one table per contest, and the scan. */
function figuresView(lang: Lang, sheet: TallySheet, counts: Readonly<Record<string, Counts>>, scan: AttachedScan | undefined) {
  const t = textsFor(lang)
  const n = (x: number) => formatNumber(lang, x)
  const tables = sheet.contests.flatMap(({ contest, figures }) => {
    const c = counts[contest.id]
    if (!c) return []
    const row = (f: SheetFigure) => ({
      label: figureLabel(lang, f),
      value: n(f.kind === 'candidate' ? (c.votes[f.candidate?.id ?? ''] ?? 0) : c[f.kind]),
      total: false,
    })
    const base = figures.filter((f) => f.kind !== 'candidate').map(row)
    const candidates = figures.filter((f) => f.kind === 'candidate').map(row)
    return [{ contestId: contest.id, contestName: contest.name, rows: [...base, ...candidates, { label: t.valid, value: n(c.valid), total: true }] }]
  })
  const scanLine = scan ? t.scanSummary(scan.filename, formatBytes(lang, scan.bytes), scan.sha256) : t.noScan
  return { tables, scanLine }
}

/** The arithmetic an official can still fix before confirming; the desk sees the same findings. */
const WARNED_CHECKS: readonly CheckCode[] = ['E103', 'E104', 'W202', 'W203']

export function sheetWarnings(lang: Lang, sheet: TallySheet, counts: Readonly<Record<string, Counts>>): string[] {
  const t = textsFor(lang)
  return sheet.contests.flatMap(({ contest }) => {
    const c = counts[contest.id]
    if (!c) return []
    return checkReturn(c, { station: sheet.station, candidates: contest.candidates })
      .filter((f) => WARNED_CHECKS.includes(f.code))
      .map((f) => {
        const sentence = `${t.warning(f.code)}${f.detail === undefined ? '' : ` (${f.detail})`}`
        return sheet.contests.length > 1 ? `${contest.name} : ${sentence}` : sentence
      })
  })
}

export function renderConfirm(ctx: PageContext & { sheet: TallySheet }, counts: Readonly<Record<string, Counts>>, scan: AttachedScan | undefined, problem?: string): string {
  const warnings = sheetWarnings(ctx.lang, ctx.sheet, counts)
  return render('confirm', ctx, textsFor(ctx.lang).confirmTitle, {
    ...figuresView(ctx.lang, ctx.sheet, counts, scan),
    hasWarnings: warnings.length > 0,
    warnings,
    problem: problem ?? '',
  })
}

export interface ReceiptView {
  counts: Readonly<Record<string, Counts>>
  scan: AttachedScan | undefined
  receipts: readonly { contestId: string; receipt: string }[]
  submittedAt: Date
}

export function renderReceipt(ctx: PageContext & { sheet: TallySheet }, v: ReceiptView): string {
  const t = textsFor(ctx.lang)
  const names = new Map(ctx.sheet.contests.map(({ contest }) => [contest.id, contest.name]))
  return render('receipt', ctx, t.receiptTitle, {
    ...figuresView(ctx.lang, ctx.sheet, v.counts, v.scan),
    receipts: v.receipts.map((r) => ({ receipt: r.receipt, contestName: names.get(r.contestId) ?? r.contestId, showContest: v.receipts.length > 1 })),
    submittedAt: t.receiptAt(formatDateTime(ctx.lang, v.submittedAt)),
  })
}

export interface MessageView {
  title: string
  paragraphs: { text: string; alert: boolean }[]
  link?: { href: string; label: string }
}

export function renderMessage(ctx: PageContext, v: MessageView): string {
  return render('message', ctx, v.title, { paragraphs: v.paragraphs, link: v.link ?? false })
}
