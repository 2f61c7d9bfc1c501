// `elections finder build`: reads the finder's inputs, reports every line it could not use, and
// writes the static finder to the output (OUTPUT_DIR and/or S3, like the published pages).
import type { Config } from '../infra/config.js'
import type { ElectionDefinition } from '../core/schemas.js'
import { demoElection } from '../core/demo-election.js'
import { buildFinder, PRECOMPRESS_MIN_BYTES, type FinderBuildSummary } from '../polling-finder/finder-build.js'
import type { FinderInputs } from '../polling-finder/finder-model.js'
import { readAddressTable } from '../polling-finder/inputs/address-table.js'
import { readBureauAreas } from '../polling-finder/inputs/bureau-areas.js'
import { readOpeningHours } from '../polling-finder/inputs/opening-hours.js'
import { readPollingPlaces } from '../polling-finder/inputs/polling-places.js'
import { readPostcodes } from '../polling-finder/inputs/postcodes.js'
import type { ParsedInput } from '../polling-finder/inputs/text-table.js'
import { openStorage } from './adapters.js'
import { readResultsFile } from './import/results-file.js'
import { createProgress } from './progress.js'

export interface FinderBuildArgs {
  /** A results file (its stations); undefined means the built-in demo election. */
  stations?: string
  places: string[]
  areas: string[]
  addresses: string[]
  postcodes?: string
  hours?: string
}

/** Problems printed per input; the rest are counted. */
const PROBLEMS_SHOWN = 20

export async function readFinderInputs(args: FinderBuildArgs, definition: ElectionDefinition): Promise<FinderInputs> {
  return {
    definition,
    places: await Promise.all(args.places.map(readPollingPlaces)),
    areas: await Promise.all(args.areas.map(readBureauAreas)),
    addresses: await Promise.all(args.addresses.map(readAddressTable)),
    ...(args.postcodes === undefined ? {} : { postcodes: await readPostcodes(args.postcodes) }),
    ...(args.hours === undefined ? {} : { hours: await readOpeningHours(args.hours) }),
  }
}

export async function loadStations(file: string | undefined): Promise<ElectionDefinition> {
  if (file === undefined) return demoElection().definition
  const imported = await readResultsFile(file)
  for (const w of imported.warnings) process.stderr.write(`warning: ${file}: ${w}\n`)
  return imported.definition
}

export async function runFinderBuild(config: Config, args: FinderBuildArgs): Promise<number> {
  const started = performance.now()
  const definition = await loadStations(args.stations)
  const inputs = await readFinderInputs(args, definition)
  const parsed: ParsedInput<unknown>[] = [...(inputs.places ?? []), ...(inputs.areas ?? []), ...(inputs.addresses ?? []), ...(inputs.postcodes ? [inputs.postcodes] : []), ...(inputs.hours ? [inputs.hours] : [])]
  for (const input of parsed) reportProblems(input)
  for (const input of inputs.addresses ?? []) {
    for (const [reason, n] of Object.entries(input.unlocated)) process.stderr.write(`${input.file}: ${n} line(s) not indexed by street: ${reason}\n`)
  }
  const storage = await openStorage(config)
  const progress = createProgress('finder')
  const summary = await buildFinder(inputs, { storage, onProgress: (done, total) => progress.update(done, total) })
  progress.stop()
  for (const line of summary.unmatched) process.stderr.write(`unmatched: ${line}\n`)
  process.stdout.write(describeSummary(summary, storage.describe(), performance.now() - started))
  return summary.oversizedShards.length > 0 ? 1 : 0
}

function reportProblems(input: ParsedInput<unknown>): void {
  if (input.problems.length === 0) return
  for (const p of input.problems.slice(0, PROBLEMS_SHOWN)) process.stderr.write(`${input.file}: ${p}\n`)
  const more = input.problems.length - PROBLEMS_SHOWN
  process.stderr.write(`${input.file}: ${input.problems.length} line(s) set aside${more > 0 ? ` (${more} not shown)` : ''}, ${input.rows.length} used\n`)
}

export function describeSummary(s: FinderBuildSummary, where: string, elapsedMs: number): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`
  return [
    `finder written to ${where}/finder/ in ${(elapsedMs / 1000).toFixed(1)} s`,
    `  ${s.stations} stations in ${s.communes} communes; ${s.stationsWithPlace} with a polling place, ${s.stationsWithArea} with an area; ${s.communesWithAddresses} communes with a street index`,
    `  ${s.files} files, ${kb(s.bytes)}; ${s.precompressed} of them with .gz and .br (${kb(s.gzipBytes)} gzipped), the other pages under ${kb(PRECOMPRESS_MIN_BYTES)} without`,
    `  ${s.shards} shards, largest ${s.largestShard.key} ${kb(s.largestShard.gzipBytes)} gzipped`,
    s.oversizedShards.length > 0 ? `  OVERSIZED (> 100 KB gzipped): ${s.oversizedShards.join(', ')}` : '  every shard under 100 KB gzipped',
    s.unmatched.length > 0 ? `  ${s.unmatched.length} input group(s) matched no station of the election (listed above)` : '',
    '',
  ].filter((l, i, all) => l !== '' || i === all.length - 1).join('\n')
}
