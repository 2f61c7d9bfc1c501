// What the dashboard shows, from the completeness figures: French labels and number formats, shares
// computed in integers (core/counts.ts) so a percentage never drifts with floating point.
import { formatCountFr, formatShareFr, sharePercent } from '../../core/counts.js'
import type { AreaCompleteness, CompletenessFigures, ElectionCompleteness } from './completeness-repository.js'

const DATE_TIME_FR = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'medium', timeZone: 'Europe/Paris' })

export function formatDateTimeFr(at: Date): string {
  return DATE_TIME_FR.format(at)
}

interface CompletenessRowView {
  areaCode: string
  areaLabel: string
  stations: string
  reported: string
  reportedShare: string
  validated: string
  published: string
  needsReview: string
  conflict: string
  registeredCovered: string
}

function rowView(areaCode: string, areaLabel: string, f: CompletenessFigures): CompletenessRowView {
  return {
    areaCode,
    areaLabel,
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

function departementRow(d: AreaCompleteness): CompletenessRowView {
  if (d.code === undefined) return rowView('', 'Sans département', d)
  return rowView(d.code, d.name === undefined ? d.code : `${d.code} · ${d.name}`, d)
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
      departementsHead: { areaHeading: 'Département' },
      overall: [rowView('all', 'Ensemble', e.overall)],
      departements: e.departements.map(departementRow),
    })),
  }
}
