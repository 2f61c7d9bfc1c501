// The embargo: before the election's `pollsCloseAt` no figure reaches the public output. The tally
// keeps accumulating (overseas départements vote and count a day early), but every file a cycle
// writes is its embargoed form, which holds only what is public before the polls close:
//
// - names: the election, the areas and their links, the contests and their candidates;
// - the instant results will appear, in UTC (JSON) and in Paris time (pages).
//
// Not even "N of M stations reported", a snapshot number or an update time: each tells how far
// the count has gone (and so, with the stations' sizes, where). Station totals and registered
// voters are reference data, but they are left out too so the rule stays simple to check: an
// embargoed file carries no number but the dates above (and the NIST report's fixed sequence).
import type { AreaNode } from '../core/area-tree.js'
import type { ElectionDefinition } from '../core/schemas.js'
import { areaLink, type AreaLink } from './area-document.js'
import { renderStandalone } from './standalone-templates.js'
import type { AreaTally, TallyTree } from './tally-tree.js'

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

/** index.json of an area under embargo: names and links, and when results will appear. */
export interface EmbargoedAreaDocument {
  area: { level: string; code: string; name: string }
  election: { id: string; name: string; round: number }
  embargo: { resultsFrom: string }
  contests: { id: string; name: string; candidates: { id: string; name: string; party: string | null }[] }[]
  parent: AreaLink | null
  ancestors: AreaLink[]
  children: AreaLink[]
}

export function buildEmbargoedDocument(tallies: TallyTree, tally: AreaTally): EmbargoedAreaDocument {
  const { node } = tally
  const election = tallies.definition.election
  const ancestors: AreaLink[] = []
  for (let p = node.parent; p; p = p.parent) ancestors.unshift(areaLink(p))
  return {
    area: { level: node.area.level, code: node.area.code, name: node.area.name },
    election: { id: election.id, name: election.name, round: election.round },
    embargo: { resultsFrom: embargoNotice(tallies.definition).resultsFrom },
    contests: tally.contests.map(({ contest }) => ({
      id: contest.id,
      name: contest.name,
      candidates: [...contest.candidates].sort((a, b) => a.ballot - b.ballot).map((c) => ({ id: c.id, name: c.name, party: c.party ?? null })),
    })),
    parent: node.parent ? areaLink(node.parent) : null,
    ancestors,
    children: node.children.filter((c: AreaNode) => c.area.level !== 'station').map(areaLink),
  }
}

export function renderEmbargoedPage(tallies: TallyTree, doc: EmbargoedAreaDocument): string {
  const notice = embargoNotice(tallies.definition)
  const base = doc.parent === null ? './' : '../../'
  const href = (link: AreaLink) => base + link.url.slice(1)
  return renderStandalone('embargo', {
    title: `${doc.election.name} — ${doc.area.name}`,
    electionName: doc.election.name,
    areaName: doc.area.name,
    breadcrumb: doc.ancestors.map((a) => ({ name: a.name, href: href(a) })),
    ...notice,
    contests: doc.contests.map((c) => ({ name: c.name, showName: doc.contests.length > 1, candidates: c.candidates })),
    children: doc.children.map((c) => ({ name: c.name, href: href(c) })),
  })
}

/** status.json under embargo: which election, and when its results will appear. */
export function embargoedStatus(tallies: TallyTree): object {
  return { electionId: tallies.electionId, embargo: { resultsFrom: embargoNotice(tallies.definition).resultsFrom } }
}

