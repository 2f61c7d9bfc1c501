// A commune's street index: for each street, the stations its voters go to and, when there are
// several, runs of house numbers (per side of the street) that tell them apart. Exact for every
// number in the address table; a number between two runs of the same station falls inside, and
// one between two stations gets both as candidates (finder-lookup.js says so).
import { SIDE_ALL, SIDE_EVEN, SIDE_ODD, streetKey, type NumberRun, type ShardStreet, type Side } from './browser/finder-lookup.js'

export interface StreetAddress {
  street: string
  number?: number
  station: number
}

export function buildStreetIndex(addresses: readonly StreetAddress[]): ShardStreet[] {
  const byKey = new Map<string, { names: Map<string, number>; numbers: Map<number, Set<number>>; stations: Set<number> }>()
  for (const a of addresses) {
    const key = streetKey(a.street)
    if (key === '') continue
    let entry = byKey.get(key)
    if (entry === undefined) {
      entry = { names: new Map(), numbers: new Map(), stations: new Set() }
      byKey.set(key, entry)
    }
    entry.names.set(a.street, (entry.names.get(a.street) ?? 0) + 1)
    entry.stations.add(a.station)
    if (a.number !== undefined) {
      let at = entry.numbers.get(a.number)
      if (at === undefined) entry.numbers.set(a.number, (at = new Set()))
      at.add(a.station)
    }
  }
  const streets: ShardStreet[] = []
  for (const [key, entry] of byKey) {
    const stations = [...entry.stations].sort((a, b) => a - b)
    const runs = stations.length === 1 ? [] : [...numberRuns(entry.numbers, SIDE_ODD), ...numberRuns(entry.numbers, SIDE_EVEN)]
    streets.push({ key, name: mostCommon(entry.names), stations, runs: mergeSides(runs) })
  }
  return streets.sort((a, b) => a.key.localeCompare(b.key))
}

/** Maximal runs of one side's numbers going to the same single station; a shared number is its own run per station. */
function numberRuns(numbers: Map<number, Set<number>>, side: Side): NumberRun[] {
  const parity = side === SIDE_ODD ? 1 : 0
  const sorted = [...numbers.keys()].filter((n) => n % 2 === parity).sort((a, b) => a - b)
  const runs: NumberRun[] = []
  let current: NumberRun | undefined
  for (const n of sorted) {
    const at = [...(numbers.get(n) ?? [])].sort((a, b) => a - b)
    if (at.length === 1 && current !== undefined && current[3] === at[0]) {
      current[1] = n
      continue
    }
    current = undefined
    for (const station of at) runs.push([n, n, side, station])
    if (at.length === 1) current = runs[runs.length - 1]
  }
  return runs
}

/** Both sides in one run of one station over the same numbers read better as "all numbers". */
function mergeSides(runs: NumberRun[]): NumberRun[] {
  const odd = runs.filter((r) => r[2] === SIDE_ODD)
  const even = runs.filter((r) => r[2] === SIDE_EVEN)
  if (odd.length === 1 && even.length === 1 && odd[0]?.[3] === even[0]?.[3]) {
    const [o, e] = [odd[0] as NumberRun, even[0] as NumberRun]
    return [[Math.min(o[0], e[0]), Math.max(o[1], e[1]), SIDE_ALL, o[3]]]
  }
  return runs
}

function mostCommon(names: Map<string, number>): string {
  let best = ''
  let count = -1
  for (const [name, n] of names) if (n > count || (n === count && name < best)) [best, count] = [name, n]
  return best
}
