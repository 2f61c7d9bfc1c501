// The purge after a large cycle (a France rebuild: 420,000 files) goes out a share of keys at a
// time, so the publisher never holds every path at once; a failure part-way keeps exactly the
// paths not yet purged for the next cycle.
import t from 'tap'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { createNoPurger } from '../../infra/purge/purger.js'
import { createPublisherMetrics } from '../../publish/publisher-metrics.js'
import { createPurgeQueue, KEYS_PER_PURGE, sitePathsOf } from '../../publish/purge-queue.js'
import { recordingPurger } from '../helpers/recording-outputs.js'

/** 2.5 shares of keys: half of them a page's index.html, which is also purged as its folder. */
const keys = Array.from({ length: Math.floor(KEYS_PER_PURGE * 2.5) }, (_, i) => `commune/${String(i).padStart(6, '0')}/${i % 2 === 0 ? 'index.html' : 'results.csv'}`)
const allPaths = keys.flatMap(sitePathsOf).sort()

function queue() {
  const registry = createMetricsRegistry(false)
  const purger = recordingPurger()
  return { purger, registry, queue: createPurgeQueue(purger, silentLogger(), createPublisherMetrics(registry)) }
}

t.test('a large purge goes in shares of keys, every path once', async (t) => {
  const { purger, queue: q } = queue()
  q.add(keys)
  q.add(keys.slice(0, 100)) // written again before the purge: still purged once
  t.equal(await q.flush(), allPaths.length)
  const calls = purger.take()
  t.equal(calls.length, 3, 'three shares')
  for (const call of calls) t.ok(call.length <= 2 * KEYS_PER_PURGE, `a share of at most ${KEYS_PER_PURGE} keys' paths (${call.length})`)
  t.same(calls.flat().sort(), allPaths, 'every path, once')
  t.equal(await q.flush(), 0, 'nothing left')
  t.same(purger.take(), [])
})

t.test('a failure part-way keeps the paths not purged, and only those', async (t) => {
  const { purger, registry, queue: q } = queue()
  q.add(keys)
  t.match(await registry.metrics(), new RegExp(`publish_purge_pending_paths ${allPaths.length}\\b`))
  // The first share goes, the second fails: the third is not attempted.
  const purgeOnce = purger.purge.bind(purger)
  let call = 0
  purger.purge = async (paths) => {
    call++
    if (call === 2) throw new Error('varnish http://127.0.0.1:6081: connection refused')
    return purgeOnce(paths)
  }
  const first = await q.flush()
  const [done] = purger.take()
  t.equal(first, done?.length, 'reports the paths of the share that went')
  t.ok(first > 0 && first < allPaths.length)
  const metrics = await registry.metrics()
  t.match(metrics, /publish_purge_failures_total 1/)
  t.match(metrics, new RegExp(`publish_purge_pending_paths ${allPaths.length - first}\\b`))
  const second = await q.flush()
  t.equal(first + second, allPaths.length)
  t.same([...(done ?? []), ...purger.take().flat()].sort(), allPaths, 'the rest went next, none twice')
  t.match(await registry.metrics(), /publish_purge_pending_paths 0\b/)
})

t.test('with nothing in front, the queue keeps no key', async (t) => {
  const registry = createMetricsRegistry(false)
  let purges = 0
  const none = createNoPurger()
  const counted = {
    ...none,
    async purge(paths: readonly string[]) {
      purges++
      await none.purge(paths)
    },
  }
  const q = createPurgeQueue(counted, silentLogger(), createPublisherMetrics(registry))
  q.add(keys)
  t.match(await registry.metrics(), /publish_purge_pending_paths 0\b/, 'none pending')
  t.equal(await q.flush(), 0)
  t.equal(purges, 0, 'the no-op purger is not even called')
})
