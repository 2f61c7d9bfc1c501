// The HTML of every page (area, polling station, contest), rendered from its public document
// (area-document.ts, station-document.ts, contest-document.ts) so the page and its index.json always
// say the same thing. The view holds ready-formatted strings in the page's language: templates stay
// logic-less and every value goes through mustache's escaping.
import { sharePercent } from '../core/counts.js'
import type { AreaDocument, ContestFigures, StationFigures } from './area-document.js'
import { rankCandidates } from './candidate-ranking.js'
import type { DepartementMap } from './departement-map.js'
import { barChartView, mapView, type DepartementLead } from './page-charts.js'
import { LABELS, type Labels, type PageLang } from './page-labels.js'
import { renderTemplate } from './templates.js'

/**
 * Beyond this many contests an area page lists them in one table (progress, turnout, leader, a
 * link to each contest's page) instead of a section each: France has 577 constituencies.
 */
const MAX_CONTEST_SECTIONS = 3

export interface PageExtras {
  /** National page: the département map, with who leads each département. */
  map?: { geometry: DepartementMap; leads: DepartementLead[] }
}

/**
 * `path` is the page's folder from the site root ("" for the country, "commune/75056/bureau/0101/"):
 * links are relative to it so the tree works under any prefix and straight from the folder.
 */
export function renderPage(doc: AreaDocument, path: string, lang: PageLang, extras: PageExtras = {}): string {
  return renderTemplate('area', pageView(doc, path, lang, extras))
}

/** What the `area` template renders: every string ready-formatted in the page's language. */
export function pageView(doc: AreaDocument, path: string, lang: PageLang, extras: PageExtras = {}) {
  const t = LABELS[lang]
  const depth = path.split('/').filter(Boolean).length
  const base = depth === 0 ? './' : '../'.repeat(depth)
  // French pages link to folders (the server's index.html); English ones to their sibling file.
  const href = (url: string) => `${base}${url.slice(1)}${lang === 'en' ? 'index.en.html' : ''}`
  const place = placeName(doc, t)
  const progress = t.progress(doc.stations.reported, doc.stations.total, doc.registeredCovered)
  const single = doc.contests.length === 1 ? doc.contests[0] : undefined
  const onlyContest = doc.page === 'contest' ? doc.contests[0] : single
  const contest = doc.contests[0]
  const listsContests = doc.page !== 'contest' && doc.contests.length > MAX_CONTEST_SECTIONS
  return {
    t,
    lang,
    base,
    title: `${doc.election.name} — ${place}`,
    heading: `${doc.election.name} — ${place}`,
    breadcrumb: (doc.page === 'contest' ? doc.ancestors : doc.ancestors.filter((a) => a.url !== `/${path}`)).map((a) => ({ name: a.level === 'country' ? t.country : a.name, href: href(a.url) })),
    current: doc.page === 'contest' && contest ? contest.name : doc.area.level === 'country' ? t.country : doc.area.name,
    summary: summarySentence(place, progress, onlyContest, t),
    progress,
    hasSnapshot: doc.updatedAt !== null,
    snapshotLine: doc.updatedAt === null ? '' : t.snapshot(String(doc.snapshot), t.dateTime(doc.updatedAt)),
    snapshot: String(doc.snapshot),
    updatedAt: doc.updatedAt ?? '',
    map: extras.map && contest ? mapView(extras.map.geometry, contest, extras.map.leads, t, href) : undefined,
    contests: listsContests ? [] : doc.contests.map((c) => contestView(c, doc, place, t, href)),
    contestList: listsContests ? contestListView(doc, place, t, href) : undefined,
    station: doc.station ? stationView(doc, t) : undefined,
    stationTables: doc.stationResults ? doc.contests.map((c) => stationTableView(c, doc.stationResults ?? [], t, href)) : [],
    contestAreas: doc.contestAreas && contest ? contestAreasView(doc, contest, t, href) : undefined,
    childrenHeading: t.children[doc.area.level],
    children: doc.page === 'contest' ? [] : doc.children.map((c) => ({ name: c.name, href: href(c.url), stations: t.stationsOf(t.count(c.stations.reported), t.count(c.stations.total)) })),
    otherLang: t.otherLang,
  }
}

function placeName(doc: AreaDocument, t: Labels): string {
  const first = doc.contests[0]
  if (doc.page === 'contest' && first) return first.name
  if (doc.page === 'station') return `${t.level.station} ${doc.area.code} — ${doc.area.name} (${doc.parent?.name ?? ''})`
  if (doc.area.level === 'country') return t.country
  return `${doc.area.name} (${t.level[doc.area.level].toLowerCase()} ${doc.area.code})`
}

function summarySentence(place: string, progress: string, c: ContestFigures | undefined, t: Labels): string {
  if (!c) return t.lang === 'fr' ? `${place} : ${progress}.` : `${place}: ${progress}.`
  const [lead, second] = c.valid > 0 ? rankCandidates(c.candidates) : []
  return t.summary(place, progress, lead, second, c.turnout)
}

function contestView(c: ContestFigures, doc: AreaDocument, place: string, t: Labels, href: (url: string) => string) {
  const ofVoters = (n: number) => t.share(sharePercent(n, c.voters))
  const ofRegistered = (n: number) => t.share(sharePercent(n, c.registered))
  const several = doc.contests.length > 1
  return {
    id: c.id,
    name: c.name,
    several,
    summary: several ? summarySentence(c.name, t.progress(c.stations.reported, c.stations.total, c.registeredCovered), c, t) : '',
    pageHref: doc.page !== 'contest' && c.url !== null ? href(c.url) : '',
    chart: barChartView(c, place, t),
    votesCaption: t.votesCaption(c.name),
    turnoutCaption: t.turnoutCaption(c.name),
    candidates: rankCandidates(c.candidates).map((k) => ({ name: k.name, party: k.party ?? '', votes: t.count(k.votes), share: t.share(k.share) })),
    summaryRows: [
      { label: t.registered, count: t.count(c.registered), ofRegistered: '', ofVoters: '' },
      { label: t.voters, count: t.count(c.voters), ofRegistered: t.share(c.turnout), ofVoters: '' },
      { label: t.blank, count: t.count(c.blank), ofRegistered: ofRegistered(c.blank), ofVoters: ofVoters(c.blank) },
      { label: t.invalid, count: t.count(c.invalid), ofRegistered: ofRegistered(c.invalid), ofVoters: ofVoters(c.invalid) },
      { label: t.valid, count: t.count(c.valid), ofRegistered: ofRegistered(c.valid), ofVoters: ofVoters(c.valid) },
    ],
  }
}

function stationView(doc: AreaDocument, t: Labels) {
  const station = doc.station
  if (!station) return undefined
  return {
    address: station.address ?? '',
    results: station.results.map((r) => {
      const contest = doc.contests.find((c) => c.id === r.contestId)
      return {
        contestName: contest?.name ?? r.contestId,
        several: doc.contests.length > 1,
        validatedAt: r.validatedAt === null ? '' : t.dateTime(r.validatedAt),
        validatedAtIso: r.validatedAt ?? '',
        isValidated: r.status === 'validated',
        note: r.status === 'awaiting' ? t.awaitingNote : r.status === 'withdrawn' ? t.withdrawnNote : '',
        version: r.version === null ? '' : String(r.version),
        reason: r.reason ?? '',
        scan: r.scan ? { sha256: r.scan.sha256, url: r.scan.url ?? '', hasUrl: r.scan.url !== null } : undefined,
        noScan: r.status !== 'awaiting' && r.scan === null,
      }
    }),
  }
}

function stationTableView(c: ContestFigures, stations: readonly StationFigures[], t: Labels, href: (url: string) => string) {
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
          href: href(s.url),
          state: r.status === 'awaiting' ? t.stateAwaiting : t.stateWithdrawn,
          cells: [t.count(s.registered), ...Array<string>(4 + c.candidates.length).fill('—')],
        })
        break
      case 'validated':
        rows.push({
          label,
          href: href(s.url),
          state: t.stateValidated,
          cells: [r.registered, r.voters, r.blank, r.invalid, r.valid, ...c.candidates.map((k) => r.votes[k.id] ?? 0)].map(t.count),
        })
        break
      default: {
        const never: never = r
        throw new Error(`unknown station status ${JSON.stringify(never)}`)
      }
    }
  }
  return { caption: t.stationsCaption(c.name), candidateNames: c.candidates.map((k) => k.name), rows }
}

function contestAreasView(doc: AreaDocument, c: ContestFigures, t: Labels, href: (url: string) => string) {
  return {
    caption: t.areasCaption(c.name),
    firstColumn: t.area,
    rows: (doc.contestAreas ?? []).map((a) => ({
      name: `${a.name} (${a.code})`,
      href: href(a.url),
      stations: t.stationsOf(t.count(a.stations.reported), t.count(a.stations.total)),
      turnout: a.voters > 0 ? t.share(a.turnout) : '—',
      leader: a.leader ? `${a.leader.name} (${t.share(a.leader.share)})` : '—',
    })),
  }
}

function contestListView(doc: AreaDocument, place: string, t: Labels, href: (url: string) => string) {
  return {
    caption: t.contestsCaption(place),
    firstColumn: t.contest,
    rows: doc.contests.map((c) => {
      const [lead] = c.valid > 0 ? rankCandidates(c.candidates) : []
      return {
        name: c.name,
        href: c.url === null ? '' : href(c.url),
        stations: t.stationsOf(t.count(c.stations.reported), t.count(c.stations.total)),
        turnout: c.voters > 0 ? t.share(c.turnout) : '—',
        leader: lead ? `${lead.name} (${t.share(lead.share)})` : '—',
      }
    }),
  }
}
