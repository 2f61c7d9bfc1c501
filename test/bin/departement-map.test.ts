// The national map's shapes as `elections` opens them: a named file that is not GeoJSON stops
// the start with a configuration error naming the variable and the file; unset, the demo's
// shapes beside the repository are used when present.
import t from 'tap'
import { join } from 'node:path'
import { existsSync } from 'node:fs'
import { openDepartementMap } from '../../bin/adapters.js'
import { silentLogger } from '../../infra/logging.js'
import { SHARED_DATA_DIR } from '../helpers/shared-data.js'

t.test('a named map file that is not GeoJSON is a configuration error', async (t) => {
  const dir = t.testdir({ 'shapes.geojson': '{"type":"Topology"}' })
  t.throws(() => openDepartementMap([join(dir, 'shapes.geojson')], silentLogger()), {
    name: 'ConfigError',
    message: /PUBLISH_MAP_GEOJSON: .*shapes\.geojson: not a GeoJSON FeatureCollection/,
  })
})

t.test('unset: the demo shapes when ../shared/data has them, else no map', async (t) => {
  const map = openDepartementMap(undefined, silentLogger())
  const present = existsSync(join(SHARED_DATA_DIR, 'departements-version-simplifiee.geojson')) && existsSync(join(SHARED_DATA_DIR, 'departements-avec-outre-mer.geojson'))
  if (!present) {
    t.equal(map, undefined, 'no map without the shapes')
    return
  }
  t.equal(map?.shapes.length, 101, '96 metropolitan départements and 5 overseas')
  t.equal(map?.insets.length, 5, 'one inset per overseas département')
  t.ok(map?.shapes.every((s) => /^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+)+Z/.test(s.d)), 'every shape is a drawable path')
})
