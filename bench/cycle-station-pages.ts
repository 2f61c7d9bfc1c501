// Count (not a timing): how many station pages the publisher's timed cycles write while France's
// returns arrive, with and without a result, for two arrival orders: the file's (département by
// département, commune by commune) and a random one, closer to a real night where results come
// from everywhere at once. It drives TallyTree as the publisher does (takeDirty with the
// publisher's budget of pages without results, stationsToWrite, stationsWritten), one cycle per
// --per-cycle returns, then cycles until nothing is left to write.
//
// usage: npx tsx bench/cycle-station-pages.ts [FILE] [--per-cycle 1000] [--budget 100] [--seed 9]
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { readResultsFile } from '../bin/import/results-file.js'
import { mulberry32 } from '../core/demo-election.js'
import type { StationResult } from '../core/schemas.js'
import { TallyTree } from '../publish/tally-tree.js'
import { shuffled } from './lib/shuffled.js'

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'per-cycle': { type: 'string', default: '1000' }, budget: { type: 'string', default: '100' }, seed: { type: 'string', default: '9' } },
})
const file = positionals[0] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', '2017-presidentielle-1_par_bureau_large.csv.gz')
const perCycle = Number(opts['per-cycle'])
const budget = Number(opts.budget)
const { definition, returns } = await readResultsFile(file)
const validatedAt = new Date(Date.parse(definition.election.pollsCloseAt) + 3_600_000).toISOString()
const results: StationResult[] = returns.map((r) => ({ type: 'station-result', electionId: definition.election.id, contestId: r.contestId, stationId: r.stationId, version: 1, status: 'validated', counts: r.counts, validatedAt }))

console.log(`baseline: ${new Set(results.map((r) => r.stationId)).size} station pages, each written once with its result`)
for (const order of ['file', 'random'] as const) {
  const arrivals = order === 'file' ? results : shuffled(results, mulberry32(Number(opts.seed)))
  const tallies = new TallyTree(definition)
  const hasResult = new Set<string>()
  const count = { cycles: 0, areas: 0, withResult: 0, withoutResult: 0, mostInOneCycle: 0 }
  const cycle = () => {
    count.cycles++
    const dirty = tallies.takeDirty(budget)
    count.areas += dirty.length
    let stationPages = 0
    for (const tally of dirty) {
      if (tally.node.area.level !== 'commune') continue
      for (const station of tallies.stationsToWrite(tally.node)) {
        stationPages++
        if (hasResult.has(station.id)) count.withResult++
        else count.withoutResult++
      }
      tallies.stationsWritten(tally.node)
    }
    count.mostInOneCycle = Math.max(count.mostInOneCycle, stationPages)
  }
  arrivals.forEach((r, i) => {
    tallies.apply(r)
    hasResult.add(r.stationId)
    if ((i + 1) % perCycle === 0) cycle()
  })
  do cycle()
  while (tallies.dirtyCount > 0 || tallies.stationPagesWithoutResultsLeft > 0)
  console.log(
    `${order} order: ${count.cycles} cycles, ${count.areas} area pages, station pages ${count.withResult} with a result + ${count.withoutResult} without, at most ${count.mostInOneCycle} in one cycle`,
  )
}
