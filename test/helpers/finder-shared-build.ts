// The finder built from the real data in ../shared/data, for Paris and the Val-de-Marne only (the
// 2017 stations of those two départements, the Paris places and areas, the Val-de-Marne address
// table, La Poste's postcodes): what the look-up and browser tests read. Undefined (skipped, or
// failed in CI) when the data is absent.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { readResultsFile } from '../../bin/import/results-file.js'
import { createFsStorage } from '../../infra/storage/fs-storage.js'
import { buildFinder, type FinderBuildSummary } from '../../polling-finder/finder-build.js'
import type { FinderInputs } from '../../polling-finder/finder-model.js'
import { readAddressTable } from '../../polling-finder/inputs/address-table.js'
import { readBureauAreas } from '../../polling-finder/inputs/bureau-areas.js'
import { readPollingPlaces } from '../../polling-finder/inputs/polling-places.js'
import { readPostcodes } from '../../polling-finder/inputs/postcodes.js'
import { ROUND1_FILE, sharedDataFile } from './shared-data.js'

export interface SharedFinder {
  dir: string
  inputs: FinderInputs
  summary: FinderBuildSummary
}

const DEPARTEMENTS = new Set(['75', '94'])

export async function buildSharedFinder(t: Test): Promise<SharedFinder | undefined> {
  const files = [ROUND1_FILE, 'paris-bureaux-de-vote-2017.csv', 'paris-secteurs-bureaux-de-vote-2017.geojson', 'val-de-marne-adresses-bureaux-2016.csv.gz', 'laposte_hexasmal-2020.csv']
  const paths: string[] = []
  for (const f of files) {
    const p = sharedDataFile(t, f)
    if (p === undefined) return undefined
    paths.push(p)
  }
  const [results, places, areas, addresses, postcodes] = paths as [string, string, string, string, string]
  const { definition } = await readResultsFile(results)
  const communes = new Set(definition.areas.filter((a) => a.level === 'commune' && DEPARTEMENTS.has(a.parent ?? '')).map((a) => a.code))
  const inputs: FinderInputs = {
    definition: {
      ...definition,
      areas: definition.areas.filter((a) => a.level !== 'commune' || communes.has(a.code)),
      stations: definition.stations.filter((s) => communes.has(s.commune)),
    },
    places: [await readPollingPlaces(places)],
    areas: [await readBureauAreas(areas)],
    addresses: [await readAddressTable(addresses)],
    postcodes: await readPostcodes(postcodes),
  }
  const dir = await mkdtemp(join(tmpdir(), 'finder-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  const summary = await buildFinder(inputs, { storage: createFsStorage(dir) })
  return { dir: join(dir, 'finder'), inputs, summary }
}
