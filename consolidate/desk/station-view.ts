// What the station page shows, in French: the station, its state, its returns side by side in
// tally-sheet order with the figures that differ between them marked (in markup and in words, not
// by colour alone), each return's findings with code and sentence, its scan, the pending
// corrections, the history, and the forms of the actions the user's role allows.
import { CHECKS } from '../../core/checks.js'
import { formatCountFr } from '../../core/counts.js'
import type { Channel, Counts } from '../../core/schemas.js'
import type { StationRef } from '../returns-repository.js'
import type { StationResultRow } from '../station-result-row.js'
import { formatDateTimeFr } from './dashboard-view.js'
import type { DeskUser } from './desk-users.js'
import { stationStamp, SUPERVISOR_ROLES } from './station-actions.js'
import type { DeskCorrection, StationAuditEntry, StationFacts, StationReturn } from './station-repository.js'
import { STATE_LABELS } from './state-labels.js'

export interface StationPageData {
  ref: StationRef
  facts: StationFacts
  row: StationResultRow
  returns: StationReturn[]
  corrections: DeskCorrection[]
  audit: StationAuditEntry[]
}

/** What the page says after an action, or why the action was refused; and a refused correction's figures, given back. */
export interface StationPageNotice {
  done?: string
  problem?: string
  correctionForm?: { values: Record<string, string>; reason: string }
}

const CHANNEL_LABELS: Record<Channel, string> = {
  phone: 'Téléphone',
  form: 'Formulaire web',
  api: 'API',
  csv: 'Fichier CSV',
  import: 'Import',
  desk: 'Bureau des résultats',
}

const OUTCOME_LABELS = { checked: 'vérifiée', rejected: 'écartée', pending: 'en attente de la définition' } as const

const EVENT_LABELS: Record<string, string> = {
  'desk.return-validated': 'Remontée validée',
  'desk.return-rejected': 'Remontée rejetée',
  'desk.correction-entered': 'Correction saisie',
  'desk.correction-approved': 'Correction approuvée',
  'desk.correction-discarded': 'Correction écartée',
  'desk.result-withdrawn': 'Résultat retiré',
  'desk.action-refused': 'Action refusée',
  'security.pin-lockout': 'Code PIN bloqué',
}

/** The page's URL, as the desk's lists link to it. */
export function stationPath(ref: StationRef): string {
  return `/stations/${encodeURIComponent(ref.electionId)}/${encodeURIComponent(ref.contestId)}/${encodeURIComponent(ref.stationId)}`
}

export function scanPath(ref: StationRef, returnId: string): string {
  return `${stationPath(ref)}/returns/${encodeURIComponent(returnId)}/scan`
}

/** The tally sheet's lines, in its order: the five totals, then each candidate by ballot number. */
function sheetLines(facts: StationFacts): { field: string; label: string; value: (c: Counts) => number | undefined }[] {
  return [
    { field: 'registered', label: 'Inscrits', value: (c: Counts) => c.registered },
    { field: 'voters', label: 'Votants', value: (c: Counts) => c.voters },
    { field: 'blank', label: 'Blancs', value: (c: Counts) => c.blank },
    { field: 'invalid', label: 'Nuls', value: (c: Counts) => c.invalid },
    { field: 'valid', label: 'Exprimés', value: (c: Counts) => c.valid },
    ...facts.candidates.map((cand) => ({
      field: `votes.${cand.id}`,
      label: `${cand.ballot}. ${cand.name}`,
      value: (c: Counts) => c.votes[cand.id],
    })),
  ]
}

function at(iso: string | undefined): string {
  return iso === undefined ? '—' : formatDateTimeFr(new Date(iso))
}

function figure(n: number | undefined): string {
  return n === undefined ? '—' : formatCountFr(n)
}

function returnHeading(r: StationReturn, index: number): string {
  return `Remontée ${index + 1} · ${CHANNEL_LABELS[r.channel]}`
}

export function stationView(data: StationPageData, user: DeskUser, notice: StationPageNotice = {}) {
  const { ref, facts, row, returns } = data
  const lines = sheetLines(facts)
  const stamp = stationStamp(row)
  const canDecideReturn = row.state === 'received' || row.state === 'needs-review' || row.state === 'conflict'
  const supervisor = SUPERVISOR_ROLES.includes(user.role)
  const path = stationPath(ref)

  const comparison = lines.map((line) => {
    const values = returns.map((r) => line.value(r.counts))
    const differs = returns.length > 1 && new Set(values.map((v) => v ?? -1)).size > 1
    return {
      field: line.field,
      label: line.label,
      differs,
      cells: values.map((v) => ({ value: figure(v), differs })),
      validated: row.counts === undefined ? undefined : figure(line.value(row.counts)),
    }
  })

  const returnViews = returns.map((r, i) => {
    const errors = r.findings.filter((f) => f.severity === 'error')
    const warnings = r.findings.filter((f) => f.severity === 'warning')
    return {
      id: `return-${i + 1}`,
      returnId: r.returnId,
      heading: returnHeading(r, i),
      channel: CHANNEL_LABELS[r.channel],
      submittedBy: r.submittedBy,
      submittedAt: at(r.submittedAt),
      receivedAt: at(r.receivedAt),
      outcome: r.status === undefined ? '—' : OUTCOME_LABELS[r.status],
      outcomeReason: r.status === 'rejected' ? r.reason : undefined,
      isCurrent: r.returnId === row.currentReturnId,
      isValidated: r.returnId === row.validatedReturnId,
      findings: r.findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        severityLabel: f.severity === 'error' ? 'erreur' : 'avertissement',
        sentence: CHECKS[f.code].fr,
        detail: f.detail,
        fields: f.fields.join(', '),
      })),
      noFindings: r.findings.length === 0,
      scan: r.scan === undefined ? undefined : {
        href: scanPath(ref, r.returnId),
        sha256: r.scan.sha256,
        isImage: r.scan.contentType !== 'application/pdf',
        typeLabel: r.scan.contentType === 'application/pdf' ? 'PDF' : r.scan.contentType === 'image/png' ? 'PNG' : 'JPEG',
        size: formatCountFr(r.scan.bytes),
      },
      decidable: canDecideReturn && r.status === 'checked',
      hasErrors: errors.length > 0,
      errorCodes: errors.map((f) => f.code).join(', '),
      hasWarnings: warnings.length > 0,
      warningCodes: warnings.map((f) => f.code).join(', '),
    }
  })

  const base = notice.correctionForm?.values
  const prefill = row.counts ?? returns[returns.length - 1]?.counts
  const correctionFields = lines.map((line) => ({
    name: line.field,
    label: line.label,
    value: base?.[line.field] ?? (prefill === undefined ? '' : String(line.value(prefill) ?? '')),
  }))

  const pending = data.corrections.filter((c) => c.status === 'pending').map((c) => ({
    id: c.id,
    reason: c.reason,
    enteredBy: c.enteredBy,
    enteredAt: at(c.enteredAt),
    baseVersion: c.baseVersion,
    lines: lines.map((line) => {
      const now = row.counts === undefined ? undefined : line.value(row.counts)
      const proposed = line.value(c.counts)
      return { label: line.label, current: figure(now), proposed: figure(proposed), changed: now !== proposed }
    }),
    ownEntry: c.enteredBy === user.username,
    canApprove: supervisor,
    canDiscard: supervisor || c.enteredBy === user.username,
  }))

  return {
    title: `Bureau ${facts.code} · ${facts.name}`,
    path,
    csrfStamp: stamp,
    done: notice.done,
    problem: notice.problem,
    station: {
      code: facts.code,
      name: facts.name,
      commune: facts.communeName === undefined ? facts.commune : `${facts.communeName} (${facts.commune})`,
      registered: formatCountFr(facts.registered),
      election: facts.electionName,
      contest: facts.contestName,
      state: STATE_LABELS[row.state],
      stateCode: row.state,
      version: row.version,
      validatedAt: at(row.validatedAt),
      hasValidated: row.counts !== undefined,
      withdrawn: row.version > 0 && row.counts === undefined,
      publishedVersion: row.publishedVersion,
    },
    hasReturns: returns.length > 0,
    returnHeads: returnViews.map((r) => ({ heading: r.heading, submittedBy: r.submittedBy, submittedAt: r.submittedAt, isCurrent: r.isCurrent, isValidated: r.isValidated })),
    comparison,
    anyDifference: comparison.some((c) => c.differs),
    differingLabels: comparison.filter((c) => c.differs).map((c) => c.label).join(', '),
    returns: returnViews,
    canDecideReturn,
    correctionFields,
    correctionReason: notice.correctionForm?.reason ?? '',
    pending,
    hasPending: pending.length > 0,
    canWithdraw: supervisor && (row.state === 'validated' || row.state === 'published'),
    history: historyOf(data),
  }
}

interface HistoryItem {
  at: string
  sortKey: string
  what: string
  who: string
  detail: string
}

/** Arrivals and outcomes of returns, and the audit entries naming the station, in time order. */
function historyOf(data: StationPageData): Omit<HistoryItem, 'sortKey'>[] {
  const items: HistoryItem[] = []
  data.returns.forEach((r, i) => {
    const outcome = r.stateAfter === undefined ? '' : `état après : ${STATE_LABELS[r.stateAfter as keyof typeof STATE_LABELS] ?? r.stateAfter}`
    items.push({
      at: at(r.receivedAt),
      sortKey: `${r.receivedAt}.0`,
      what: `${returnHeading(r, i)} reçue`,
      who: r.submittedBy,
      detail: [outcome, r.findings.map((f) => f.code).join(' ')].filter((s) => s !== '').join(' · '),
    })
  })
  for (const e of data.audit) {
    const d = e.detail
    const parts = [
      typeof d.version === 'number' ? `version ${d.version}` : '',
      typeof d.correctionId === 'number' ? `correction n° ${d.correctionId}` : '',
      typeof d.reason === 'string' ? `motif : ${d.reason}` : '',
      typeof d.problem === 'string' ? d.problem : '',
    ]
    items.push({
      at: at(e.at),
      sortKey: `${e.at}.1.${String(e.seq).padStart(12, '0')}`,
      what: EVENT_LABELS[e.event] ?? e.event,
      who: e.actor,
      detail: parts.filter((s) => s !== '').join(' · '),
    })
  }
  return items.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0)).map(({ sortKey: _, ...rest }) => rest)
}
