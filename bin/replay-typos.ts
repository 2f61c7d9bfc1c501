// Deliberate typos for a rehearsal of double data entry (`replay --typo-rate R`): a seeded random
// share of the stations get one figure of their phone return mistyped, so the desk can watch each
// of them end in conflict — phone and upload disagree — and stay unpublished until resolved.
//
// The figure mistyped is one candidate's votes (drawn with the seed), off by 1 to 9 as a slipped
// last digit would be: the phone return then also breaks an identity of the sheet (an E1xx
// finding), and disagrees with the upload, which makes the station a conflict whichever of the
// two arrives first (docs/station-state.md).
import { mulberry32 } from '../core/demo-election.js'
import type { ReplayItem } from './replay-client.js'

export const DEFAULT_TYPO_SEED = 1

export interface Typos {
  /** The stations whose phone return was mistyped, sorted. */
  stationIds: string[]
  /** The phone channel's items: the file's, with the typos. */
  phoneItems: ReplayItem[]
}

/** Math.round(rate × stations) stations, the same for the same file, rate and seed. */
export function mistypePhoneReturns(items: readonly ReplayItem[], rate: number, seed = DEFAULT_TYPO_SEED): Typos {
  if (!(rate >= 0 && rate <= 1)) throw new Error(`the typo rate is a share between 0 and 1, not ${rate}`)
  const random = mulberry32(seed)
  const stations = [...new Set(items.map((i) => i.stationId))].sort()
  // A partial Fisher–Yates shuffle: the first `count` places are a uniform sample.
  const count = Math.round(rate * stations.length)
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (stations.length - i))
    ;[stations[i], stations[j]] = [stations[j] as string, stations[i] as string]
  }
  const chosen = new Set(stations.slice(0, count))
  // One figure per station: on its first contest's return only.
  const slipped = new Set<string>()
  const phoneItems = items.map((item) => {
    if (!chosen.has(item.stationId) || slipped.has(item.stationId)) return item
    slipped.add(item.stationId)
    const candidates = Object.keys(item.counts.votes).sort()
    const candidate = candidates[Math.floor(random() * candidates.length)]
    if (candidate === undefined) return item
    const votes = item.counts.votes[candidate] ?? 0
    const slip = 1 + Math.floor(random() * 9)
    // Down when there is room, so the figure stays a count.
    const mistyped = votes >= slip && random() < 0.5 ? votes - slip : votes + slip
    return { ...item, counts: { ...item.counts, votes: { ...item.counts.votes, [candidate]: mistyped } } }
  })
  return { stationIds: [...chosen].sort(), phoneItems }
}
