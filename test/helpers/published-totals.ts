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
