// What the chase list and the review queue show: each row in French, with the link to the station
// view (built by the station actions, /stations/{election}/{contest}/{station}), the time since
// polls closed or since a result was held, and the pagination links. Pure: figures in, view out.
import { formatCountFr } from '../../core/counts.js'
import type { ChaseFilter, ChasePage, UnreportedStation } from './chase-list-repository.js'
import { CHECKS, type CheckDefinition } from '../../core/checks.js'
import type { CorrectionAwaitingApproval, HeldResult, ReviewQueuePage } from './review-queue-repository.js'
import { formatDateTimeFr } from './dashboard-view.js'

export const LIST_PAGE_SIZE = 50

const MINUTE_MS = 60_000

export function stationHref(electionId: string, contestId: string, stationId: string): string {
  return `/stations/${[electionId, contestId, stationId].map(encodeURIComponent).join('/')}`
}

/** "2 h 05 min", "12 min", "moins d’une minute". */
export function formatDurationFr(ms: number): string {
  const minutes = Math.floor(ms / MINUTE_MS)
  if (minutes < 1) return 'moins d’une minute'
  if (minutes < 60) return `${minutes} min`
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

function communeLabel(commune: string, name: string | undefined): string {
  return name === undefined ? commune : `${name} (${commune})`
}

interface PageLink {
  href: string
  label: string
}

/** Previous and next links, keeping the other query parameters. */
function pagination(path: string, params: Record<string, string | undefined>, offset: number, shown: number, total: number) {
  const href = (page: number) => {
    const query = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, v)
    if (page > 1) query.set('page', String(page))
    const q = query.toString()
    return q === '' ? path : `${path}?${q}`
  }
  const page = Math.floor(offset / LIST_PAGE_SIZE) + 1
  const pages = Math.max(1, Math.ceil(total / LIST_PAGE_SIZE))
  const previous: PageLink | undefined = page > 1 ? { href: href(page - 1), label: 'Page précédente' } : undefined
  const next: PageLink | undefined = page < pages ? { href: href(page + 1), label: 'Page suivante' } : undefined
  return {
    range:
      total === 0
        ? 'aucun'
        : shown === 0
          ? `rien sur cette page (${formatCountFr(total)} en tout)`
          : `${formatCountFr(offset + 1)} à ${formatCountFr(offset + shown)} sur ${formatCountFr(total)}`,
    pageLabel: `page ${page} sur ${pages}`,
    previous,
    next,
  }
}

export function chaseView(
  page: ChasePage,
  filter: ChaseFilter,
  elections: readonly { electionId: string; name: string }[],
  now: Date,
) {
  const sinceClose = now.getTime() - new Date(page.pollsCloseAt).getTime()
  const waited = sinceClose > 0 ? formatDurationFr(sinceClose) : undefined
  const row = (s: UnreportedStation) => ({
    stationId: s.stationId,
    href: stationHref(page.electionId, s.contestId, s.stationId),
    station: `${s.code} · ${s.name}`,
    commune: communeLabel(s.commune, s.communeName),
    departement: s.departement ?? '—',
    registered: formatCountFr(s.registered),
    sinceClose: waited ?? 'pas encore fermé',
    contactName: s.contactName ?? '',
    contactPhone: s.contactPhone ?? '',
    telHref: s.contactPhone === undefined ? undefined : `tel:${s.contactPhone.replace(/[^0-9+]/g, '')}`,
    noContact: s.contactName === undefined && s.contactPhone === undefined,
    address: s.address ?? '',
  })
  const params = {
    election: page.electionId,
    departement: filter.departement,
    commune: filter.commune,
    order: filter.order === 'registered' ? undefined : filter.order,
  }
  return {
    title: 'Bureaux à relancer',
    asOf: formatDateTimeFr(now),
    electionName: page.electionName,
    pollsCloseAt: formatDateTimeFr(new Date(page.pollsCloseAt)),
    sinceClose: waited === undefined ? 'Les bureaux ne sont pas encore fermés.' : `Bureaux fermés depuis ${waited}.`,
    total: formatCountFr(page.total),
    elections: elections.map((e) => ({ ...e, selected: e.electionId === page.electionId })),
    departement: filter.departement ?? '',
    commune: filter.commune ?? '',
    orderRegistered: filter.order === 'registered',
    orderArea: filter.order === 'area',
    stations: page.stations.map(row),
    pages: pagination('/chase', params, filter.offset, page.stations.length, page.total),
  }
}

/** A code stored by an older catalogue may be gone from this one: say so rather than fail. */
function checkSentenceFr(code: string): string {
  const known: Partial<Record<string, CheckDefinition>> = CHECKS
  return known[code]?.fr ?? 'Contrôle inconnu de cette version du bureau.'
}

const STATE_LABELS: Record<HeldResult['state'], string> = { conflict: 'En conflit', 'needs-review': 'À revoir' }

export function reviewView(
  page: ReviewQueuePage,
  corrections: readonly CorrectionAwaitingApproval[] | undefined,
  filter: { electionId: string | undefined; offset: number },
  elections: readonly { electionId: string; name: string }[],
  now: Date,
) {
  const item = (h: HeldResult) => ({
    key: `${h.electionId}/${h.contestId}/${h.stationId}`,
    href: stationHref(h.electionId, h.contestId, h.stationId),
    state: STATE_LABELS[h.state],
    stateClass: h.state,
    station: `${h.code} · ${h.name}`,
    commune: communeLabel(h.commune, h.communeName),
    departement: h.departement ?? '—',
    election: elections.length > 1 ? h.electionName : undefined,
    contestId: h.contestId,
    registered: formatCountFr(h.registered),
    waiting: formatDurationFr(Math.max(0, now.getTime() - new Date(h.since).getTime())),
    findings: h.findings.map((f) => ({ code: f.code, severity: f.severity, sentence: checkSentenceFr(f.code) })),
  })
  return {
    title: 'À examiner',
    asOf: formatDateTimeFr(now),
    total: formatCountFr(page.total),
    elections: elections.map((e) => ({ ...e, selected: e.electionId === filter.electionId })),
    allElections: filter.electionId === undefined,
    items: page.items.map(item),
    // Undefined (no section) when the desk was built without a source of corrections.
    corrections:
      corrections === undefined
        ? undefined
        : {
            count: formatCountFr(corrections.length),
            items: corrections.map((c) => ({
              href: stationHref(c.electionId, c.contestId, c.stationId),
              station: c.stationLabel,
              enteredBy: c.enteredBy,
              waiting: formatDurationFr(Math.max(0, now.getTime() - c.enteredAt.getTime())),
            })),
          },
    pages: pagination('/review', { election: filter.electionId }, filter.offset, page.items.length, page.total),
  }
}
