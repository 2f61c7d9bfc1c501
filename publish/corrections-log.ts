// The public corrections log: every station result whose published figures changed (a version
// after the first) or were withdrawn, with the time and the reason the desk gave.
//
// It is a function of `[results]` like every other file, and `[results]` is compacted: Kafka keeps
// only the latest message per contest and station. So the log holds one entry per corrected
// station result, its *current* version — the number of the version says how many times it
// changed, the reason and time are those of the latest change, and the figures are the ones now
// counted (none when withdrawn). The figures a correction replaced, and the reasons of earlier
// corrections, are not on the topic once compaction has run; a log built from what the publisher
// happened to read before compaction would lose entries at its next restart, and a public log
// that shrinks is worse than one that says what it keeps. The full history stays in the desk's
// hash-chained audit log (`elections audit verify`); carrying it to the public would mean
// consolidation putting the replaced figures in each result message (its outbox), a change to
// the `[results]` contract left for later.
import type { StationResult } from '../core/schemas.js'
import { areaLink, type AreaLink } from './area-document.js'
import { renderStandalone } from './standalone-templates.js'
import { compareCodes, type TallyTree } from './tally-tree.js'

export interface CorrectionEntry {
  contestId: string
  stationId: string
  stationCode: string
  stationName: string
  commune: AreaLink
  /** 2 for a first correction; the version now published. */
  version: number
  status: 'validated' | 'withdrawn'
  /** When the desk validated this version (ISO 8601). */
  at: string
  reason: string | null
  /** The figures now counted; null when withdrawn. */
  figures: { registered: number; voters: number; blank: number; invalid: number; valid: number; votes: Record<string, number> } | null
}

export interface CorrectionsLog {
  electionId: string
  /** Latest first; ties by station then contest, so the bytes never depend on reading order. */
  corrections: CorrectionEntry[]
}

export function isCorrection(result: StationResult): boolean {
  return result.version > 1 || result.status === 'withdrawn'
}

export function buildCorrectionsLog(tallies: TallyTree): CorrectionsLog {
  const corrections: CorrectionEntry[] = []
  for (const result of tallies.currentResults()) {
    if (!isCorrection(result)) continue
    const station = tallies.tree.stations.get(result.stationId)
    const commune = tallies.tree.ancestorsOfStation(result.stationId)[0]
    if (!station || !commune) continue
    const { registered, voters, blank, invalid, valid, votes } = result.counts
    corrections.push({
      contestId: result.contestId,
      stationId: station.id,
      stationCode: station.code,
      stationName: station.name,
      commune: areaLink(commune),
      version: result.version,
      status: result.status,
      at: new Date(result.validatedAt).toISOString(),
      reason: result.reason ?? null,
      figures: result.status === 'withdrawn' ? null : { registered, voters, blank, invalid, valid, votes: sortedVotes(votes) },
    })
  }
  corrections.sort((a, b) => compareCodes(b.at, a.at) || compareCodes(a.stationId, b.stationId) || compareCodes(a.contestId, b.contestId))
  return { electionId: tallies.electionId, corrections }
}

function sortedVotes(votes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(votes).sort(([a], [b]) => compareCodes(a, b)))
}

const AT_FR = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'medium' })

/** corrections/index.html: the log as a table, readable without JavaScript. */
export function renderCorrectionsPage(tallies: TallyTree, log: CorrectionsLog): string {
  const contestName = new Map(tallies.definition.election.contests.map((c) => [c.id, c.name]))
  return renderStandalone('corrections', {
    electionName: tallies.definition.election.name,
    showContest: tallies.definition.election.contests.length > 1,
    hasCorrections: log.corrections.length > 0,
    corrections: log.corrections.map((c) => ({
      at: c.at,
      atFr: AT_FR.format(new Date(c.at)),
      stationLabel: `${c.stationCode} — ${c.stationName}`,
      communeName: c.commune.name,
      communeHref: `..${c.commune.url}`,
      contestName: contestName.get(c.contestId) ?? c.contestId,
      what: c.status === 'withdrawn' ? 'Résultat retiré' : `Résultat corrigé (version ${c.version})`,
      reason: c.reason ?? 'Motif non communiqué',
    })),
  })
}
