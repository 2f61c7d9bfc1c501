// The embargo: before the election's `pollsCloseAt` no figure reaches the public output. The tally
// keeps accumulating (overseas départements vote and count a day early), but every file a cycle
// writes is its embargoed form, which holds only what is public before the polls close:
//
// - names: the election, the areas and their links, the polling stations (code, name, address),
//   the contests and their candidates;
// - the instant results will appear, in UTC (JSON) and in Paris time (pages, French and English).
//
// Every page kind (area, station, contest) and language gets the same rule: its embargoed document
// is derived from its full one by keeping only the above. Not even "N of M stations reported", a
// snapshot number or an update time: each tells how far the count has gone (and so, with the
// stations' sizes, where). Station totals and registered voters are reference data, but they are
// left out too so the rule stays simple to check: an embargoed file carries no number but codes,
// addresses, the dates above (and the NIST report's fixed sequence).
import type { ElectionDefinition } from '../core/schemas.js'
import type { AreaDocument, AreaLink } from './area-document.js'
import { HTML_FILE, LABELS, type PageLang } from './page-labels.js'
import { renderStandalone } from './standalone-templates.js'
import type { TallyTree } from './tally-tree.js'

/** The instant the embargo lifts (ms since the epoch). */
export function embargoLiftsAtMs(definition: ElectionDefinition): number {
  return Date.parse(definition.election.pollsCloseAt)
}

export function isEmbargoed(definition: ElectionDefinition, now: Date): boolean {
  return now.getTime() < embargoLiftsAtMs(definition)
}

const WHEN_FR = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' })
const WHEN_EN = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'short' })

export interface EmbargoNotice {
  /** ISO 8601, UTC. */
  resultsFrom: string
  /** "dimanche 11 avril 2027 à 20:00" (Paris time). */
  resultsFromFr: string
  resultsFromEn: string
}

export function embargoNotice(definition: ElectionDefinition): EmbargoNotice {
  const at = new Date(embargoLiftsAtMs(definition))
  return { resultsFrom: at.toISOString(), resultsFromFr: WHEN_FR.format(at), resultsFromEn: WHEN_EN.format(at) }
}

/** index.json of a page (area, station or contest) under embargo: names and links, and when results will appear. */
export interface EmbargoedDocument {
  page: AreaDocument['page']
  area: AreaDocument['area']
  election: AreaDocument['election']
  embargo: { resultsFrom: string }
  contests: { id: string; name: string; candidates: { id: string; name: string; party: string | null }[] }[]
  parent: AreaLink | null
  ancestors: AreaLink[]
  /** Sub-areas; on a contest page, the communes it covers. */
  children: AreaLink[]
  /** Station pages: which station, where (its roll's size is left out with every other number). */
  station?: { id: string; code: string; name: string; address: string | null }
}

/**
 * The embargoed form of a page's document: what is public before the polls close is kept, the
 * rest dropped. Derived from the full document so every page kind gets the same rule.
 */
export function embargoedDocument(definition: ElectionDefinition, doc: AreaDocument): EmbargoedDocument {
  const links = doc.page === 'contest' ? (doc.contestAreas ?? []) : doc.children
  return {
    page: doc.page,
    area: doc.area,
    election: doc.election,
    embargo: { resultsFrom: embargoNotice(definition).resultsFrom },
    contests: doc.contests.map((c) => ({ id: c.id, name: c.name, candidates: c.candidates.map(({ id, name, party }) => ({ id, name, party })) })),
    parent: doc.parent,
    ancestors: doc.ancestors,
    children: links.map(({ level, code, name, url }) => ({ level, code, name, url })),
    ...(doc.station ? { station: { id: doc.station.id, code: doc.station.code, name: doc.station.name, address: doc.station.address } } : {}),
  }
}

/** The page of `dir` ("" for the country) in `lang`, with links relative to it as area-page.ts makes them. */
export function renderEmbargoedPage(definition: ElectionDefinition, doc: EmbargoedDocument, dir: string, lang: PageLang): string {
  const t = LABELS[lang]
  const notice = embargoNotice(definition)
  const depth = dir.split('/').filter(Boolean).length
  const base = depth === 0 ? './' : '../'.repeat(depth)
  const href = (url: string) => `${base}${url.slice(1)}${lang === 'en' ? HTML_FILE.en : ''}`
  const place = doc.page === 'contest' ? (doc.contests[0]?.name ?? doc.area.name) : doc.area.level === 'country' ? t.country : doc.area.name
  const heading = doc.station ? `${t.level.station} ${doc.station.code} — ${doc.station.name}` : place
  return renderStandalone('embargo', {
    t,
    lang,
    title: `${doc.election.name} — ${heading}`,
    electionName: doc.election.name,
    areaName: heading,
    breadcrumb: doc.ancestors.filter((a) => a.url !== `/${dir}`).map((a) => ({ name: a.level === 'country' ? t.country : a.name, href: href(a.url) })),
    resultsFrom: notice.resultsFrom,
    resultsFromLocal: lang === 'fr' ? notice.resultsFromFr : notice.resultsFromEn,
    address: doc.station?.address ?? null,
    contests: doc.contests.map((c) => ({ name: c.name, showName: doc.contests.length > 1, candidates: c.candidates })),
    children: doc.children.map((c) => ({ name: c.name, href: href(c.url) })),
  })
}

/** status.json under embargo: which election, and when its results will appear. */
export function embargoedStatus(tallies: TallyTree): object {
  return { electionId: tallies.electionId, embargo: { resultsFrom: embargoNotice(tallies.definition).resultsFrom } }
}

