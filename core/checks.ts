// Coded checks on a station's return. Each check is data: a stable code, a severity, the fields it
// concerns and a sentence in French and English, so the desk can show why a return was held.
// Errors block automatic validation; warnings need a desk acknowledgement.
import type { Candidate, Counts, Station } from './schemas.js'
import { candidateVotesTotal, differingFields } from './counts.js'

export type Severity = 'error' | 'warning'

export interface CheckDefinition {
  code: string
  severity: Severity
  title: string
  fr: string
  en: string
}

/** The catalogue. Codes are public: the desk, the audit log and docs/checks.md name them. */
export const CHECKS = {
  E101: {
    code: 'E101', severity: 'error', title: 'not-non-negative-integer',
    fr: 'Un nombre saisi n’est pas un entier positif ou nul.',
    en: 'A figure is not a non-negative whole number.',
  },
  E102: {
    code: 'E102', severity: 'error', title: 'candidates-sum-not-valid',
    fr: 'La somme des voix des candidats n’est pas égale au nombre de suffrages exprimés.',
    en: 'The candidates’ votes do not add up to the valid votes.',
  },
  E103: {
    code: 'E103', severity: 'error', title: 'ballots-sum-not-voters',
    fr: 'Blancs + nuls + exprimés n’est pas égal au nombre de votants.',
    en: 'Blank + invalid + valid does not equal the number of voters.',
  },
  E104: {
    code: 'E104', severity: 'error', title: 'voters-exceed-registered',
    fr: 'Il y a plus de votants que d’inscrits.',
    en: 'There are more voters than registered voters.',
  },
  E105: {
    code: 'E105', severity: 'error', title: 'unknown-candidate',
    fr: 'Des voix sont attribuées à un candidat qui ne se présente pas dans ce scrutin.',
    en: 'Votes are given to a candidate who does not stand in this contest.',
  },
  E106: {
    code: 'E106', severity: 'error', title: 'missing-candidate',
    fr: 'Les voix d’un candidat du scrutin manquent.',
    en: 'A candidate of this contest has no figure.',
  },
  W201: {
    code: 'W201', severity: 'warning', title: 'registered-differs-from-reference',
    fr: 'Le nombre d’inscrits diffère de la liste électorale de référence du bureau.',
    en: 'The registered count differs from the station’s reference electoral roll.',
  },
  W202: {
    code: 'W202', severity: 'warning', title: 'blank-share-high',
    fr: 'La part des bulletins blancs parmi les votants dépasse le seuil.',
    en: 'Blank ballots are a larger share of voters than the threshold.',
  },
  W203: {
    code: 'W203', severity: 'warning', title: 'invalid-share-high',
    fr: 'La part des bulletins nuls parmi les votants dépasse le seuil.',
    en: 'Invalid ballots are a larger share of voters than the threshold.',
  },
  W204: {
    code: 'W204', severity: 'warning', title: 'turnout-outlier',
    fr: 'La participation s’écarte fortement de celle des bureaux voisins.',
    en: 'Turnout is far from that of the neighbouring stations.',
  },
  W205: {
    code: 'W205', severity: 'warning', title: 'channels-disagree',
    fr: 'Deux remontées indépendantes de ce bureau ne donnent pas les mêmes chiffres.',
    en: 'Two independent returns for this station give different figures.',
  },
  W206: {
    code: 'W206', severity: 'warning', title: 'return-after-validation',
    fr: 'Une remontée est arrivée après la validation du résultat du bureau : c’est une correction.',
    en: 'A return arrived after the station’s result was validated: it is a correction.',
  },
} as const satisfies Record<string, CheckDefinition>

export type CheckCode = keyof typeof CHECKS

export interface Finding {
  code: CheckCode
  severity: Severity
  /** Field paths the finding concerns ("voters", "votes.MACRON"). */
  fields: string[]
  /** Facts behind the finding, for the desk ("blank share 18.2 % > 15 %"). */
  detail?: string
}

export interface CheckThresholds {
  /** W202: blank ballots / voters above this fraction. */
  blankShareMax: number
  /** W203: invalid ballots / voters above this fraction. */
  invalidShareMax: number
  /** W204: |turnout − peers' median| above this many fraction points … */
  turnoutDeviationMax: number
  /** … and only when at least this many peers have reported. */
  turnoutMinPeers: number
}

export const DEFAULT_THRESHOLDS: CheckThresholds = {
  blankShareMax: 0.15,
  invalidShareMax: 0.15,
  turnoutDeviationMax: 0.25,
  turnoutMinPeers: 5,
}

export interface CheckContext {
  station: Station
  candidates: readonly Candidate[]
  thresholds?: CheckThresholds
  /** Turnouts (voters / registered) of the station's peers that have reported. */
  peerTurnouts?: readonly number[]
  /** Counts of other, independent returns for this station and contest. */
  otherReturns?: readonly Counts[]
  /** True when the station's result is already validated or published. */
  alreadyValidated?: boolean
}

function finding(code: CheckCode, fields: string[], detail?: string): Finding {
  return detail === undefined
    ? { code, severity: CHECKS[code].severity, fields }
    : { code, severity: CHECKS[code].severity, fields, detail }
}

const BASE_FIELDS = ['registered', 'voters', 'blank', 'invalid', 'valid'] as const

/** Runs every check; returns the findings, errors first. An empty list means a clean return. */
export function checkReturn(counts: Counts, ctx: CheckContext): Finding[] {
  const t = ctx.thresholds ?? DEFAULT_THRESHOLDS
  const findings: Finding[] = []

  const badFields = [
    ...BASE_FIELDS.filter((f) => !isNonNegativeInteger(counts[f])),
    ...Object.entries(counts.votes).filter(([, v]) => !isNonNegativeInteger(v)).map(([k]) => `votes.${k}`),
  ]
  if (badFields.length > 0) {
    // The arithmetic checks below would only repeat this one.
    return [finding('E101', badFields)]
  }

  const known = new Set(ctx.candidates.map((c) => c.id))
  const unknown = Object.keys(counts.votes).filter((id) => !known.has(id))
  if (unknown.length > 0) findings.push(finding('E105', unknown.map((id) => `votes.${id}`), unknown.join(', ')))
  const missing = ctx.candidates.filter((c) => counts.votes[c.id] === undefined).map((c) => c.id)
  if (missing.length > 0) findings.push(finding('E106', missing.map((id) => `votes.${id}`), missing.join(', ')))

  const candidatesTotal = candidateVotesTotal(counts)
  if (candidatesTotal !== counts.valid) {
    findings.push(finding('E102', ['valid', 'votes'], `${candidatesTotal} ≠ ${counts.valid}`))
  }
  const ballots = counts.blank + counts.invalid + counts.valid
  if (ballots !== counts.voters) {
    findings.push(finding('E103', ['blank', 'invalid', 'valid', 'voters'], `${ballots} ≠ ${counts.voters}`))
  }
  if (counts.voters > counts.registered) {
    findings.push(finding('E104', ['voters', 'registered'], `${counts.voters} > ${counts.registered}`))
  }

  if (counts.registered !== ctx.station.registered) {
    findings.push(finding('W201', ['registered'], `${counts.registered} ≠ ${ctx.station.registered}`))
  }
  if (counts.voters > 0 && counts.blank / counts.voters > t.blankShareMax) {
    findings.push(finding('W202', ['blank'], shareDetail(counts.blank / counts.voters, t.blankShareMax)))
  }
  if (counts.voters > 0 && counts.invalid / counts.voters > t.invalidShareMax) {
    findings.push(finding('W203', ['invalid'], shareDetail(counts.invalid / counts.voters, t.invalidShareMax)))
  }
  const peers = ctx.peerTurnouts ?? []
  if (counts.registered > 0 && peers.length >= t.turnoutMinPeers) {
    const turnout = counts.voters / counts.registered
    const peerMedian = median(peers)
    if (Math.abs(turnout - peerMedian) > t.turnoutDeviationMax) {
      findings.push(finding('W204', ['voters'], `${pct(turnout)} vs ${pct(peerMedian)} (median of ${peers.length} peers)`))
    }
  }
  for (const other of ctx.otherReturns ?? []) {
    const fields = differingFields(counts, other)
    if (fields.length > 0) {
      findings.push(finding('W205', fields))
      break
    }
  }
  if (ctx.alreadyValidated === true) findings.push(finding('W206', []))

  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1))
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error')
}

export function hasWarnings(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'warning')
}

function isNonNegativeInteger(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`
}

function shareDetail(share: number, max: number): string {
  return `${pct(share)} > ${pct(max)}`
}
