// Counts arithmetic: adding station counts into area totals, and shares the way the Ministry of
// the Interior prints them (percentages with two decimals, half rounded up).
import type { Counts } from './schemas.js'

export function emptyCounts(): Counts {
  return { registered: 0, voters: 0, blank: 0, invalid: 0, valid: 0, votes: {} }
}

/** Adds `b` into `a` in place (aggregation runs over tens of thousands of stations). */
export function addCountsInto(a: Counts, b: Counts): void {
  a.registered += b.registered
  a.voters += b.voters
  a.blank += b.blank
  a.invalid += b.invalid
  a.valid += b.valid
  for (const [candidate, votes] of Object.entries(b.votes)) {
    a.votes[candidate] = (a.votes[candidate] ?? 0) + votes
  }
}

/** Subtracts `b` from `a` in place: used when a station's result is replaced by a correction. */
export function subtractCountsInto(a: Counts, b: Counts): void {
  a.registered -= b.registered
  a.voters -= b.voters
  a.blank -= b.blank
  a.invalid -= b.invalid
  a.valid -= b.valid
  for (const [candidate, votes] of Object.entries(b.votes)) {
    a.votes[candidate] = (a.votes[candidate] ?? 0) - votes
  }
}

export function sumCounts(all: Iterable<Counts>): Counts {
  const total = emptyCounts()
  for (const c of all) addCountsInto(total, c)
  return total
}

export function candidateVotesTotal(c: Counts): number {
  let sum = 0
  for (const v of Object.values(c.votes)) sum += v
  return sum
}

/**
 * `part / whole` as a percentage with two decimals, half rounded up, computed in integers so
 * 24.005 % is never printed as 24.00 % because of binary floating point. 0 when `whole` is 0.
 */
export function sharePercent(part: number, whole: number): number {
  if (whole <= 0) return 0
  const hundredths = Math.floor((part * 20000 + whole) / (2 * whole))
  return hundredths / 100
}

/** French notation of a share: "24,01 %". */
export function formatShareFr(share: number): string {
  return `${share.toFixed(2).replace('.', ',')}\u00a0%`
}

export function formatShareEn(share: number): string {
  return `${share.toFixed(2)}%`
}

/** Thousands separated by a narrow no-break space, as French typography wants. */
export function formatCountFr(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f')
}

export function countsEqual(a: Counts, b: Counts): boolean {
  if (
    a.registered !== b.registered ||
    a.voters !== b.voters ||
    a.blank !== b.blank ||
    a.invalid !== b.invalid ||
    a.valid !== b.valid
  ) {
    return false
  }
  const keys = new Set([...Object.keys(a.votes), ...Object.keys(b.votes)])
  for (const k of keys) if ((a.votes[k] ?? 0) !== (b.votes[k] ?? 0)) return false
  return true
}

/** The fields of two counts that differ, as field paths ("voters", "votes.MACRON"). */
export function differingFields(a: Counts, b: Counts): string[] {
  const fields: string[] = []
  for (const f of ['registered', 'voters', 'blank', 'invalid', 'valid'] as const) {
    if (a[f] !== b[f]) fields.push(f)
  }
  const keys = [...new Set([...Object.keys(a.votes), ...Object.keys(b.votes)])].sort()
  for (const k of keys) if ((a.votes[k] ?? 0) !== (b.votes[k] ?? 0)) fields.push(`votes.${k}`)
  return fields
}
