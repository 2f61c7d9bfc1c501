// The HTML of an area page, rendered from its public document (area-document.ts) so the page and
// its index.json always say the same thing. The view holds ready-formatted French strings:
// templates stay logic-less and every value goes through mustache's escaping.
import { formatCountFr, formatShareFr, sharePercent } from '../core/counts.js'
import type { AreaLevel } from '../core/schemas.js'
import type { AreaDocument, AreaLink, CandidateFigures, ContestFigures, StationFigures } from './area-document.js'
import { renderTemplate } from './templates.js'

const LEVEL_HEADINGS: Record<AreaLevel, string> = {
  country: 'France entière',
  region: 'Région',
  departement: 'Département',
  commune: 'Commune',
  station: 'Bureau de vote',
}

const CHILDREN_HEADINGS: Record<AreaLevel, string> = {
  country: 'Régions',
  region: 'Départements',
  departement: 'Communes',
  commune: 'Bureaux de vote',
  station: '',
}

// Results are read in metropolitan France's time, whatever the server's zone; one formatter for all pages.
const DATE_TIME_FR = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'medium' })

export function renderAreaPage(doc: AreaDocument): string {
  // Links are relative so the tree works under any prefix and straight from the folder:
  // every page but the national one sits two levels down ("commune/75056/").
  const base = doc.parent === null ? './' : '../../'
  const href = (link: AreaLink) => base + link.url.slice(1)
  const heading =
    doc.area.level === 'country' ? LEVEL_HEADINGS.country : `${doc.area.name} (${LEVEL_HEADINGS[doc.area.level].toLowerCase()} ${doc.area.code})`
  const view = {
    title: `${doc.election.name} — ${doc.area.name}`,
    electionName: doc.election.name,
    areaName: doc.area.name,
    heading,
    breadcrumb: doc.ancestors.map((a) => ({ name: a.name, href: href(a) })),
    progress: progressLine(doc.stations.reported, doc.stations.total, doc.registeredCovered),
    hasSnapshot: doc.updatedAt !== null,
    snapshot: String(doc.snapshot),
    updatedAt: doc.updatedAt ?? '',
    updatedAtFr: doc.updatedAt === null ? '' : DATE_TIME_FR.format(new Date(doc.updatedAt)),
    contests: doc.contests.map((c) => contestView(c, doc.contests.length > 1)),
    stationTables: doc.stationResults ? doc.contests.map((c) => stationTableView(c, doc.stationResults ?? [])) : [],
    childrenHeading: CHILDREN_HEADINGS[doc.area.level],
    children: doc.children.map((c) => ({ name: c.name, href: href(c), reported: formatCountFr(c.stations.reported), total: formatCountFr(c.stations.total) })),
  }
  return renderTemplate('area', view)
}

export function progressLine(reported: number, total: number, registeredCovered: number): string {
  const bureaux = total === 1 ? 'bureau' : 'bureaux'
  const counted = reported === 1 ? 'dépouillé' : 'dépouillés'
  return `${formatCountFr(reported)} ${bureaux} sur ${formatCountFr(total)} ${counted} (${formatShareFr(registeredCovered)} des inscrits)`
}

/** Ranked as readers expect: most votes first, ties in ballot order. */
export function rankCandidates(candidates: readonly CandidateFigures[]): CandidateFigures[] {
  return [...candidates].sort((a, b) => b.votes - a.votes || a.ballot - b.ballot)
}

function contestView(c: ContestFigures, showProgress: boolean) {
  const ofVoters = (n: number) => formatShareFr(sharePercent(n, c.voters))
  return {
    id: c.id,
    name: c.name,
    showProgress,
    progress: progressLine(c.stations.reported, c.stations.total, c.registeredCovered),
    candidates: rankCandidates(c.candidates).map((k) => ({
      name: k.name,
      party: k.party ?? '',
      votes: formatCountFr(k.votes),
      share: formatShareFr(k.share),
    })),
    summary: [
      { label: 'Inscrits', count: formatCountFr(c.registered), ofRegistered: '', ofVoters: '' },
      { label: 'Votants', count: formatCountFr(c.voters), ofRegistered: formatShareFr(c.turnout), ofVoters: '' },
      { label: 'Blancs', count: formatCountFr(c.blank), ofRegistered: formatShareFr(sharePercent(c.blank, c.registered)), ofVoters: ofVoters(c.blank) },
      { label: 'Nuls', count: formatCountFr(c.invalid), ofRegistered: formatShareFr(sharePercent(c.invalid, c.registered)), ofVoters: ofVoters(c.invalid) },
      { label: 'Exprimés', count: formatCountFr(c.valid), ofRegistered: formatShareFr(sharePercent(c.valid, c.registered)), ofVoters: ofVoters(c.valid) },
    ],
  }
}

function stationTableView(c: ContestFigures, stations: readonly StationFigures[]) {
  const rows = []
  for (const s of stations) {
    const r = s.results.find((x) => x.contestId === c.id)
    if (!r) continue
    const label = `${s.code} — ${s.name}`
    switch (r.status) {
      case 'awaiting':
      case 'withdrawn':
        rows.push({
          label,
          state: r.status === 'awaiting' ? 'en attente' : 'retiré',
          cells: [formatCountFr(s.registered), ...Array<string>(4 + c.candidates.length).fill('—')],
        })
        break
      case 'validated':
        rows.push({
          label,
          state: 'dépouillé',
          cells: [r.registered, r.voters, r.blank, r.invalid, r.valid, ...c.candidates.map((k) => r.votes[k.id] ?? 0)].map(formatCountFr),
        })
        break
      default: {
        const never: never = r
        throw new Error(`unknown station status ${JSON.stringify(never)}`)
      }
    }
  }
  return { name: c.name, candidateNames: c.candidates.map((k) => k.name), rows }
}
