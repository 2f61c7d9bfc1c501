// The public corrections log: every change of a published station result (each version after the
// first) and every withdrawal, with the time, the reason the desk gave, the figures it put in place
// and the figures it replaced.
//
// It is a function of `[results]` like every other file, and `[results]` is compacted: Kafka keeps
// only the latest message per contest and station. So each correction's message carries the
// versions it replaces (`history`, written by consolidation from its outbox), and the log is read
// from the current messages alone: it never shrinks when the publisher restarts after compaction.
// A message from before `history` existed gives its own version only, without what it replaced.
import type { Counts, PublishedVersion } from '../core/schemas.js'
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
  /** The figures this version put in place; null for a withdrawal. */
  figures: Figures | null
  /** The version it replaced and its figures (null if that one was a withdrawal); null when the message did not carry it. */
  replaced: { version: number; status: 'validated' | 'withdrawn'; figures: Figures | null } | null
}

/** A version's counts, votes in candidate-id order. */
export type Figures = Counts

export interface CorrectionsLog {
  electionId: string
  /** Latest first; ties by station then contest, so the bytes never depend on reading order. */
  corrections: CorrectionEntry[]
}

export function isCorrection(result: PublishedVersion): boolean {
  return result.version > 1 || result.status === 'withdrawn'
}

export function buildCorrectionsLog(tallies: TallyTree): CorrectionsLog {
  const corrections: CorrectionEntry[] = []
  for (const result of tallies.currentResults()) {
    if (!isCorrection(result)) continue
    const station = tallies.tree.stations.get(result.stationId)
    const commune = tallies.tree.ancestorsOfStation(result.stationId)[0]
    if (!station || !commune) continue
    const versions: PublishedVersion[] = [...(result.history ?? []), result]
    versions.forEach((v, i) => {
      if (!isCorrection(v)) return
      const before = versions[i - 1]
      corrections.push({
        contestId: result.contestId,
        stationId: station.id,
        stationCode: station.code,
        stationName: station.name,
        commune: areaLink(commune),
        version: v.version,
        status: v.status,
        at: new Date(v.validatedAt).toISOString(),
        reason: v.reason ?? null,
        figures: figuresOf(v),
        replaced: before === undefined ? null : { version: before.version, status: before.status, figures: figuresOf(before) },
      })
    })
  }
  corrections.sort((a, b) => compareCodes(b.at, a.at) || compareCodes(a.stationId, b.stationId) || compareCodes(a.contestId, b.contestId) || b.version - a.version)
  return { electionId: tallies.electionId, corrections }
}

function figuresOf(v: PublishedVersion): Figures | null {
  if (v.status === 'withdrawn') return null
  const { registered, voters, blank, invalid, valid, votes } = v.counts
  return { registered, voters, blank, invalid, valid, votes: sortedVotes(votes) }
}

function sortedVotes(votes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(votes).sort(([a], [b]) => compareCodes(a, b)))
}

const NUMBER_FR = new Intl.NumberFormat('fr-FR')
const COUNT_LABELS: [keyof Omit<Counts, 'votes'>, string][] = [
  ['registered', 'inscrits'],
  ['voters', 'votants'],
  ['blank', 'blancs'],
  ['invalid', 'nuls'],
  ['valid', 'exprimés'],
]

/** "exprimés 512 → 498 ; Mme Martin 120 → 118": each figure that differs between two versions. */
export function changedFigures(before: Figures, after: Figures, candidateName: (id: string) => string): string[] {
  const changes: string[] = []
  const change = (label: string, a: number | undefined, b: number | undefined) => {
    if (a !== b) changes.push(`${label} ${a === undefined ? '—' : NUMBER_FR.format(a)} → ${b === undefined ? '—' : NUMBER_FR.format(b)}`)
  }
  for (const [key, label] of COUNT_LABELS) change(label, before[key], after[key])
  const ids = [...new Set([...Object.keys(before.votes), ...Object.keys(after.votes)])].sort(compareCodes)
  for (const id of ids) change(candidateName(id), before.votes[id], after.votes[id])
  return changes
}

const AT_FR = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'medium' })

/** corrections/index.html: the log as a table, readable without JavaScript. */
export function renderCorrectionsPage(tallies: TallyTree, log: CorrectionsLog): string {
  const contestName = new Map(tallies.definition.election.contests.map((c) => [c.id, c.name]))
  const candidateName = new Map(tallies.definition.election.contests.flatMap((c) => c.candidates.map((k) => [`${c.id}/${k.id}`, k.name] as const)))
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
      changes: c.figures && c.replaced?.figures ? changedFigures(c.replaced.figures, c.figures, (id) => candidateName.get(`${c.contestId}/${id}`) ?? id).join(' ; ') : '',
      reason: c.reason ?? 'Motif non communiqué',
    })),
  })
}
