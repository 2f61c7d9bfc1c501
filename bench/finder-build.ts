// Benchmark (not a test): `elections finder build` over every input in ../shared/data (all 69,242
// stations of 2017, the Paris places and areas, the Val-de-Marne addresses, La Poste's postcodes)
// into a fresh temporary folder. Prints the build time (goal ≤ 20 s), the total size, the largest
// shard gzipped (limit 100 KB), and the requests one look-up needs once the page is loaded
// (goal ≤ 2), counted from the paths finder-lookup.js asks for.
//
// usage: npx tsx bench/finder-build.ts
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { loadStations, readFinderInputs } from '../bin/finder-build.js'
import { createFsStorage } from '../infra/storage/fs-storage.js'
import { communeShardPath, firstShardPath, geoTilePath, parseQuery } from '../polling-finder/browser/finder-lookup.js'
import { buildFinder } from '../polling-finder/finder-build.js'

const data = resolve(import.meta.dirname, '..', '..', 'shared', 'data')
const out = mkdtempSync(join(tmpdir(), 'bench-finder-'))
try {
  const started = performance.now()
  const cpuStarted = process.cpuUsage()
  const definition = await loadStations(join(data, '2017-presidentielle-1_par_bureau_large.csv.gz'))
  const inputs = await readFinderInputs(
    {
      places: [join(data, 'paris-bureaux-de-vote-2017.csv')],
      areas: [join(data, 'paris-secteurs-bureaux-de-vote-2017.geojson')],
      addresses: [join(data, 'val-de-marne-adresses-bureaux-2016.csv.gz')],
      postcodes: join(data, 'laposte_hexasmal-2020.csv'),
    },
    definition,
  )
  const read = performance.now()
  const summary = await buildFinder(inputs, { storage: createFsStorage(out) })
  const done = performance.now()
  // On a shared machine wall time depends on the neighbours; CPU time (all threads: the
  // compression pool included) does much less.
  const cpu = process.cpuUsage(cpuStarted)
  // Requests after the page: a postcode or an address with a postcode reads its postcode shard;
  // a commune name reads the name index, then the commune's shard; "my location" reads one tile.
  const requests = {
    postcode: [firstShardPath(parseQuery('94200'))].length,
    address: [firstShardPath(parseQuery('12 rue Marat, 94200'))].length,
    communeName: [firstShardPath(parseQuery('Ivry-sur-Seine')), communeShardPath('94041')].length,
    location: [geoTilePath(48.85, 2.35)].length,
  }
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`
  process.stdout.write(
    [
      `build: ${((done - started) / 1000).toFixed(1)} s (reading inputs ${((read - started) / 1000).toFixed(1)} s, writing ${((done - read) / 1000).toFixed(1)} s); goal ≤ 20 s`,
      `CPU: ${(cpu.user / 1e6).toFixed(1)} s user + ${(cpu.system / 1e6).toFixed(1)} s system`,
      `stations ${summary.stations}, communes ${summary.communes}, files ${summary.files}, of which ${summary.precompressed} with .gz and .br (${summary.files + 2 * summary.precompressed} files in all)`,
      `total ${mb(summary.bytes)} plain; the precompressed ones ${mb(summary.gzipBytes)} gzipped`,
      `largest shard ${summary.largestShard.key}: ${(summary.largestShard.gzipBytes / 1024).toFixed(1)} KB gzipped (limit 100 KB); oversized: ${summary.oversizedShards.length}`,
      `requests per look-up after the page: postcode ${requests.postcode}, address ${requests.address}, commune name ${requests.communeName}, my location ${requests.location}; goal ≤ 2`,
      '',
    ].join('\n'),
  )
} finally {
  rmSync(out, { recursive: true, force: true })
}
