// The public JSON of one polling station's page ("commune/75056/bureau/0101/"): its figures per
// contest, when they were validated, and the SHA-256 of the tally sheet's scan behind them, so a
// reader can check a published copy of the sheet. Same rules as area-document.ts: a function of
// the results held, no clock.
import type { AreaNode } from '../core/area-tree.js'
import { emptyCounts } from '../core/counts.js'
import { scanStorageKey } from '../core/scans.js'
import type { Station } from '../core/schemas.js'
import {
  ancestorLinks,
  areaLink,
  contestPath,
  figuresOf,
  pickFigures,
  type AreaDocument,
  type ContestFigures,
  type StationResultDetails,
} from './area-document.js'
import type { TallyTree } from './tally-tree.js'

export interface StationPageOptions {
  /**
   * Where tally-sheet scans are published (e.g. "https://scans.example.fr/2027/"), keyed as
   * core/scans.ts stores them; unset: pages give the SHA-256 without a link.
   */
  scansBaseUrl?: string
}

export function buildStationDocument(tallies: TallyTree, commune: AreaNode, station: Station, options: StationPageOptions = {}): AreaDocument {
  const election = tallies.definition.election
  const multi = election.contests.length > 1
  const communeTally = tallies.tallyOf(commune)
  const covering = tallies.contestsCovering(station.id)
  const contests: ContestFigures[] = []
  const results: StationResultDetails[] = []
  let snapshot = 0
  let latest: string | null = null
  let validated = 0
  for (const ct of communeTally.contests) {
    if (!covering.includes(ct.contest.id)) continue
    const r = tallies.resultOf(ct.contest.id, station.id)
    const counted = r?.status === 'validated'
    if (counted) validated += 1
    if (r) {
      snapshot += r.version
      if (latest === null || r.validatedAt > latest) latest = r.validatedAt
    }
    contests.push({
      id: ct.contest.id,
      name: ct.contest.name,
      seats: ct.contest.seats,
      url: multi ? `/${contestPath(ct.contest)}` : null,
      stations: { reported: counted ? 1 : 0, total: 1 },
      registeredCovered: counted ? 100 : 0,
      ...figuresOf(ct.contest, counted ? r.counts : emptyCounts()),
    })
    results.push({
      contestId: ct.contest.id,
      status: r?.status ?? 'awaiting',
      version: r?.version ?? null,
      validatedAt: r?.validatedAt ?? null,
      reason: r?.reason ?? null,
      scan: r?.scan ? { sha256: r.scan.sha256, contentType: r.scan.contentType, url: scanUrl(options.scansBaseUrl, r.scan) } : null,
    })
  }
  const complete = contests.length > 0 && validated === contests.length
  const single = contests.length === 1 ? contests[0] : undefined
  return {
    page: 'station',
    area: { level: 'station', code: station.code, name: station.name },
    election: { id: election.id, name: election.name, round: election.round },
    snapshot,
    // validatedAt strings are ISO instants; normalised so the page's time reads like every other page's.
    updatedAt: latest === null ? null : new Date(latest).toISOString(),
    stations: { reported: complete ? 1 : 0, total: 1 },
    registeredCovered: complete ? 100 : 0,
    ...(single ? pickFigures(single) : {}),
    contests,
    parent: areaLink(commune),
    ancestors: ancestorLinks(commune),
    children: [],
    station: {
      id: station.id,
      code: station.code,
      name: station.name,
      address: station.address ?? null,
      registered: station.registered,
      results,
    },
  }
}

function scanUrl(base: string | undefined, scan: Parameters<typeof scanStorageKey>[0]): string | null {
  if (base === undefined) return null
  return `${base.endsWith('/') ? base : `${base}/`}${scanStorageKey(scan)}`
}
