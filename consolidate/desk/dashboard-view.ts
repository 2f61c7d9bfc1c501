// What the dashboard shows, from the completeness figures: French labels and number formats, shares
// computed in integers (core/counts.ts) so a percentage never drifts with floating point.
import { formatCountFr, formatShareFr, sharePercent } from '../../core/counts.js'
import type { AreaCompleteness, CompletenessFigures, DepartementDrillDown, ElectionCompleteness } from './completeness-repository.js'

const DATE_TIME_FR = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'medium', timeZone: 'Europe/Paris' })

export function formatDateTimeFr(at: Date): string {
  return DATE_TIME_FR.format(at)
}

interface CompletenessRowView {
  areaCode: string
  areaLabel: string
  /** The drill-down or list this row opens, if any. */
  href: string | undefined
  stations: string
  reported: string
  reportedShare: string
  validated: string
  published: string
  needsReview: string
  conflict: string
  registeredCovered: string
}

export function rowView(areaCode: string, areaLabel: string, f: CompletenessFigures, href?: string): CompletenessRowView {
  return {
    areaCode,
    areaLabel,
    href,
    stations: formatCountFr(f.stations),
    reported: formatCountFr(f.reported),
    reportedShare: formatShareFr(sharePercent(f.reported, f.stations)),
    validated: formatCountFr(f.validated),
    published: formatCountFr(f.published),
    needsReview: formatCountFr(f.needsReview),
    conflict: formatCountFr(f.conflict),
    registeredCovered: formatShareFr(sharePercent(f.registeredValidated, f.registered)),
  }
}

function areaLabel(a: AreaCompleteness): string {
  return a.code === undefined ? '' : a.name === undefined ? a.code : `${a.code} · ${a.name}`
}

function regionRow(r: AreaCompleteness): CompletenessRowView {
  return r.code === undefined ? rowView('', 'Sans région', r) : rowView(r.code, areaLabel(r), r)
}

/** The drill-down of a département: its communes. */
export function departementHref(electionId: string, departement: string): string {
  return `/areas/${encodeURIComponent(electionId)}/${encodeURIComponent(departement)}`
}

function departementRow(electionId: string, d: AreaCompleteness): CompletenessRowView {
  if (d.code === undefined) return rowView('', 'Sans département', d)
  return rowView(d.code, areaLabel(d), d, departementHref(electionId, d.code))
}

/** A commune's stations that have not reported yet. */
function communeRow(electionId: string, c: AreaCompleteness): CompletenessRowView {
  if (c.code === undefined) return rowView('', 'Commune inconnue', c)
  const chase = `/chase?election=${encodeURIComponent(electionId)}&commune=${encodeURIComponent(c.code)}`
  return rowView(c.code, areaLabel(c), c, c.reported < c.stations ? chase : undefined)
}

/** The communes of one département, with the département's total first. */
export function departementView(d: DepartementDrillDown, at: Date) {
  const label = d.departement.name === undefined ? d.departement.code : `${d.departement.code} · ${d.departement.name}`
  return {
    title: `Département ${label}`,
    asOf: formatDateTimeFr(at),
    electionName: d.electionName,
    departementLabel: label,
    electionId: d.electionId,
    chaseHref: `/chase?election=${encodeURIComponent(d.electionId)}&departement=${encodeURIComponent(d.departement.code)}`,
    totalHead: { areaHeading: 'Zone' },
    communesHead: { areaHeading: 'Commune' },
    total: [rowView('all', `Ensemble du département ${label}`, d.total)],
    communes: d.communes.map((c) => communeRow(d.electionId, c)),
  }
}

/** The line about officials' PIN locks in force, linked to their list. */
function lockoutsSummary(inForce: number): string {
  if (inForce === 0) return 'Aucun blocage de code PIN en cours.'
  return inForce === 1 ? '1 blocage de code PIN en cours.' : `${formatCountFr(inForce)} blocages de code PIN en cours.`
}

export function dashboardView(elections: readonly ElectionCompleteness[], lockoutsInForce: number, at: Date) {
  return {
    title: 'Tableau de bord',
    asOf: formatDateTimeFr(at),
    lockoutsInForce: lockoutsInForce > 0,
    lockoutsSummary: lockoutsSummary(lockoutsInForce),
    elections: elections.map((e) => ({
      electionId: e.electionId,
      name: e.name,
      pollsCloseAt: formatDateTimeFr(new Date(e.pollsCloseAt)),
      overallHead: { areaHeading: 'Zone' },
      regionsHead: { areaHeading: 'Région' },
      departementsHead: { areaHeading: 'Département' },
      overall: [rowView('all', 'Ensemble', e.overall)],
      regions: e.regions.map(regionRow),
      departements: e.departements.map((d) => departementRow(e.electionId, d)),
    })),
  }
}
