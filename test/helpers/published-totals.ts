// Published figures against sums computed straight from the results file.
import { readFileSync } from 'node:fs'
import type { Test } from 'tap'
import type { WideTotals } from './wide-results.js'
import { nameKey } from './run-elections.js'

export interface PublishedContest {
  registered: number
  voters: number
  blank: number
  invalid: number
  valid: number
  candidates: { id: string; name: string; votes: number }[]
}

export interface PublishedArea extends PublishedContest {
  snapshot: number
  stations: { reported: number; total: number }
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T
}

export function assertTotals(t: Test, published: PublishedArea, expected: WideTotals, label: string): void {
  t.equal(published.stations.reported, expected.stations, `${label}: stations reported`)
  t.equal(published.stations.total, expected.stations, `${label}: stations total`)
  for (const f of ['registered', 'voters', 'blank', 'invalid', 'valid'] as const) {
    t.equal(published[f], expected[f], `${label}: ${f}`)
  }
  const votes = Object.fromEntries(published.candidates.map((c) => [nameKey(c.name), c.votes]))
  const want = Object.fromEntries(Object.entries(expected.candidates).map(([n, v]) => [nameKey(n), v]))
  t.same(votes, want, `${label}: every candidate's votes`)
}

/** What differs between published figures and the file's sums, as sentences; empty when equal. */
export function totalsDifferences(published: PublishedArea, expected: WideTotals, label: string): string[] {
  const out: string[] = []
  const differ = (what: string, got: unknown, want: unknown) => {
    if (got !== want) out.push(`${label}: ${what} published ${String(got)}, file ${String(want)}`)
  }
  differ('stations reported', published.stations.reported, expected.stations)
  differ('stations total', published.stations.total, expected.stations)
  for (const f of ['registered', 'voters', 'blank', 'invalid', 'valid'] as const) differ(f, published[f], expected[f])
  const votes = new Map(published.candidates.map((c) => [nameKey(c.name), c.votes]))
  for (const [name, want] of Object.entries(expected.candidates)) differ(`votes of ${name}`, votes.get(nameKey(name)), want)
  if (votes.size !== Object.keys(expected.candidates).length) out.push(`${label}: ${votes.size} candidates published, ${Object.keys(expected.candidates).length} in the file`)
  return out
}
