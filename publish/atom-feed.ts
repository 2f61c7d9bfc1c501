// feed.xml: an Atom 1.0 feed (RFC 4287) of what changed, for newsrooms' feed readers and bots.
// Entries are derived from the results, not from publication cycles (whose timing varies), so
// the same results give the same feed: one entry per area at its current snapshot for the
// country, the régions and the départements (an area's entry id carries its snapshot, so a new
// count is a new entry), and one per correction or withdrawal. Only the FEED_ENTRIES most recent
// are kept: a feed is a window, the pages and downloads are the record. Not written under embargo.
import type { AreaNode } from '../core/area-tree.js'
import { formatCountFr } from '../core/counts.js'
import { areaPath } from './area-document.js'
import type { CorrectionsLog } from './corrections-log.js'
import { compareCodes, type TallyTree } from './tally-tree.js'
import { escapeXml, siteBase } from './xml-text.js'

export const FEED_ENTRIES = 50

interface FeedEntry {
  id: string
  title: string
  updated: string
  link: string
  summary: string
}

export function renderAtomFeed(tallies: TallyTree, log: CorrectionsLog, siteUrl: string): string {
  const base = siteBase(siteUrl)
  const election = tallies.definition.election
  const entries = [...areaEntries(tallies, base), ...correctionEntries(log, base)]
    .sort((a, b) => compareCodes(b.updated, a.updated) || compareCodes(a.id, b.id))
    .slice(0, FEED_ENTRIES)
  const updated = entries[0]?.updated ?? new Date(election.pollsCloseAt).toISOString()
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">',
    `<id>${escapeXml(`${base}/feed.xml`)}</id>`,
    `<title>${escapeXml(`${election.name} — résultats`)}</title>`,
    `<updated>${updated}</updated>`,
    '<author><name>Publication des résultats électoraux</name></author>',
    `<link rel="self" type="application/atom+xml" href="${escapeXml(`${base}/feed.xml`)}"/>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(`${base}/`)}"/>`,
    ...entries.map(
      (e) =>
        `<entry><id>${escapeXml(e.id)}</id><title>${escapeXml(e.title)}</title><updated>${e.updated}</updated>` +
        `<link rel="alternate" type="text/html" href="${escapeXml(e.link)}"/><summary>${escapeXml(e.summary)}</summary></entry>`,
    ),
    '</feed>',
  ]
  return `${lines.join('\n')}\n`
}

function areaEntries(tallies: TallyTree, base: string): FeedEntry[] {
  const entries: FeedEntry[] = []
  const visit = (node: AreaNode) => {
    const tally = tallies.tallyOf(node)
    if (tally.snapshot > 0 && tally.updatedAtMs !== undefined) {
      const url = `${base}/${areaPath(node)}`
      const name = node.parent === undefined ? 'France entière' : `${node.area.name} (${node.area.code})`
      const progress = `${formatCountFr(tally.stationsReported)} bureaux sur ${formatCountFr(tally.stationsTotal)} dépouillés`
      entries.push({
        id: `${url}#instantane-${tally.snapshot}`,
        title: `${name} : ${progress}`,
        updated: new Date(tally.updatedAtMs).toISOString(),
        link: url,
        summary: `Résultats mis à jour pour ${name} : ${progress} (instantané n° ${tally.snapshot}).`,
      })
    }
    if (node.area.level === 'departement') return
    for (const child of node.children) if (child.area.level !== 'station' && child.area.level !== 'commune') visit(child)
  }
  visit(tallies.tree.root)
  return entries
}

function correctionEntries(log: CorrectionsLog, base: string): FeedEntry[] {
  return log.corrections.map((c) => {
    const what = c.status === 'withdrawn' ? 'Résultat retiré' : `Résultat corrigé (version ${c.version})`
    return {
      id: `${base}/corrections/#${c.contestId}-${c.stationId}-v${c.version}`,
      title: `${what} : bureau ${c.stationCode} de ${c.commune.name}`,
      updated: c.at,
      link: `${base}${c.commune.url}`,
      summary: `${what} pour le bureau ${c.stationCode} (${c.stationName}) de ${c.commune.name}. Motif : ${c.reason ?? 'non communiqué'}.`,
    }
  })
}
