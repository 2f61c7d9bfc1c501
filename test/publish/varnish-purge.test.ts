// The publisher against the real stack (TEST_VARNISH_URL in front of TEST_NGINX_URL, whose root is
// TEST_NGINX_ROOT): after a cycle, the next request through Varnish shows the new figures at once
// (the changed URLs were purged, not left to expire), while an unchanged page stays cached; and
// `elections publish warm` through Varnish leaves every page in its cache.
import t from 'tap'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Station } from '../../core/schemas.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import type { Purger } from '../../infra/purge/purger.js'
import { createVarnishPurger } from '../../infra/purge/varnish-purger.js'
import { createFsStorage } from '../../infra/storage/fs-storage.js'
import { buildPublisher } from '../../publish/publisher.js'
import { smallElection, smallStationResult } from '../fixtures/small-election.js'
import { openTestBus, produceDefinition, produceResults } from '../helpers/publisher-harness.js'
import { realService, uniqueName } from '../helpers/real-services.js'
import { runElections } from '../helpers/run-elections.js'

const def = smallElection()
const station = (id: string): Station => {
  const s = def.stations.find((x) => x.id === id)
  if (!s) throw new Error(`no station ${id}`)
  return s
}

/** This test's site lives in a folder of the shared nginx root: its paths carry that prefix. */
function underPrefix(purger: Purger, prefix: string): Purger {
  return { purge: (paths) => purger.purge(paths.map((p) => `${prefix}${p}`)), describe: () => `${purger.describe()} ${prefix}` }
}

t.test('after a cycle, the next request through Varnish shows the new figures', async (t) => {
  const varnish = realService(t, 'TEST_VARNISH_URL')
  if (!varnish) return
  const root = process.env.TEST_NGINX_ROOT ?? process.env.OUTPUT_DIR
  if (!root) {
    t.fail('TEST_NGINX_ROOT (or OUTPUT_DIR) is not set: name the folder nginx serves (ops/stack env prints it)')
    return
  }
  const name = uniqueName('publish')
  const out = join(root, name)
  t.teardown(() => rm(out, { recursive: true, force: true }))
  const bus = await openTestBus(t, join(t.testdir(), 'bus'))
  const publisher = buildPublisher({
    bus,
    storage: createFsStorage(out),
    purger: underPrefix(createVarnishPurger([varnish]), `/${name}`),
    logger: silentLogger(),
    metrics: createMetricsRegistry(false),
    intervalMs: 3_600_000,
    siteUrl: `${varnish}/${name}`,
  })
  await publisher.start()
  t.teardown(() => publisher.stop())
  const get = async (path: string) => {
    // As a browser asks (and as `publish warm` does): Varnish keeps one object per encoding.
    const res = await fetch(`${varnish}/${name}/${path}`, { headers: { 'accept-encoding': 'br, gzip' } })
    t.equal(res.status, 200, `GET ${path}`)
    return { body: await res.text(), cache: res.headers.get('x-cache') }
  }
  const valid = async (path: string) => {
    const r = await get(path)
    return { valid: (JSON.parse(r.body) as { valid: number }).valid, cache: r.cache }
  }

  const creteil = station('94028-0001')
  const v1 = smallStationResult(creteil, { seed: 3 })
  await produceDefinition(bus, def)
  await produceResults(bus, [v1, smallStationResult(station('69123-0101'), { seed: 4 })])
  await publisher.publishNow()
  t.same(await valid('departement/94/index.json'), { valid: v1.counts.valid, cache: 'MISS' })
  t.same(await valid('departement/94/index.json'), { valid: v1.counts.valid, cache: 'HIT' }, 'cached')
  t.equal((await get('departement/69/index.json')).cache, 'MISS')
  const page = await get('commune/94028/')
  t.match(page.body, 'Créteil')

  const v2 = { ...smallStationResult(creteil, { version: 2, seed: 30 }), reason: 'Erreur de report' }
  t.not(v2.counts.valid, v1.counts.valid, 'the correction changes the figures')
  await produceResults(bus, [v2])
  const report = await publisher.publishNow()
  t.ok(report.pathsPurged > 0)
  t.same(await valid('departement/94/index.json'), { valid: v2.counts.valid, cache: 'MISS' }, 'the next reader gets the new figures')
  t.same(await valid('index.json'), { valid: v2.counts.valid + (await valid('departement/69/index.json')).valid, cache: 'MISS' }, 'the national page too')
  t.equal((await get('departement/69/index.json')).cache, 'HIT', 'an unchanged page stays cached')
  t.not((await get('commune/94028/')).body, page.body, 'the commune page, by its folder URL, is fresh')
  t.match((await get('data/corrections.json')).body, 'Erreur de report', 'the corrections log, through Varnish')

  // Warming through Varnish: afterwards every page is a hit.
  await fetch(`${varnish}/${name}/commune/69266/`) // one page already cached, the rest not
  const warm = await runElections(['publish', 'warm', '--target', `${varnish}/${name}`], {})
  t.equal(warm.code, 0, warm.stderr)
  t.match(warm.stdout, /\n {2}200 +\d+\n$/)
  for (const path of ['commune/69266/', 'commune/69266/results.csv', 'region/84/index.json', 'corrections/', 'feed.xml']) {
    t.equal((await get(path)).cache, 'HIT', `${path} cached by the warm-up`)
  }
})
