// One publisher writes, the others stand by: two publishers on one cache (as two hosts on one
// Redis), each with its own output folder, so whatever a standby wrote would show.
import t, { type Test } from 'tap'
import { join } from 'node:path'
import type { Bus } from '../../infra/bus/bus.js'
import type { Cache } from '../../infra/cache/cache.js'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { ACTIVE_LOCK_KEY } from '../../publish/active-lock.js'
import { buildPublisher } from '../../publish/publisher.js'
import { smallElection, smallStationResult } from '../fixtures/small-election.js'
import { openTestBus, produceDefinition, produceResults } from '../helpers/publisher-harness.js'
import { memoryStorage } from '../helpers/recording-outputs.js'

const INTERVAL_MS = 20
const WAIT_LIMIT_MS = 15_000

async function busWithResults(t: Test): Promise<Bus> {
  const bus = await openTestBus(t, join(t.testdir(), 'bus'))
  const def = smallElection()
  await produceDefinition(bus, def)
  await produceResults(bus, def.stations.map((s, i) => smallStationResult(s, { seed: i + 2 })))
  return bus
}

function startOn(t: Test, bus: Bus, cache: Cache, name: string, lockTtlMs: number) {
  const storage = memoryStorage(name)
  const registry = createMetricsRegistry(false)
  const publisher = buildPublisher({ bus, storage, cache, logger: silentLogger(), metrics: registry, intervalMs: INTERVAL_MS, lockTtlMs })
  t.teardown(() => publisher.stop())
  return { name, publisher, storage, registry }
}

async function until(condition: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + WAIT_LIMIT_MS
  while (Date.now() < deadline) {
    if (await condition()) return true
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS))
  }
  return false
}

function sharedCache(t: Test): Cache {
  const cache = createMemoryCache()
  t.teardown(() => cache.close())
  return cache
}

t.test('only the lock holder writes; the other takes over when it stops', async (t) => {
  const bus = await busWithResults(t)
  const cache = sharedCache(t)
  const a = startOn(t, bus, cache, 'out-a', 1_000)
  const b = startOn(t, bus, cache, 'out-b', 1_000)
  await Promise.all([a.publisher.start(), b.publisher.start()])
  const [reportA, reportB] = await Promise.all([a.publisher.publishNow(), b.publisher.publishNow()])
  t.same([reportA.active, reportB.active].sort(), [false, true], 'exactly one is active')
  const [active, standby] = reportA.active ? [a, b] : [b, a]
  t.ok(active.storage.objects.has('status.json'), `${active.name}: the site is written`)
  t.equal(standby.storage.objects.size, 0, `${standby.name}: nothing written on standby`)
  t.same([active.publisher.status().active, standby.publisher.status().active], [true, false])
  t.match(await standby.registry.metrics(), /publish_active 0/)
  t.match(await active.registry.metrics(), /publish_active 1/)
  t.equal(standby.publisher.status().snapshot, 9, 'the standby keeps its tally up to date')

  // Quiet for well over the TTL: the holder renews at every tick, so the standby never gets it.
  await new Promise((resolve) => setTimeout(resolve, 2_500))
  t.notOk((await standby.publisher.publishNow()).active, 'still on standby after a quiet spell')
  t.equal(standby.storage.objects.size, 0)

  await active.publisher.stop()
  t.ok(await until(() => standby.storage.objects.has('status.json')), `${standby.name} took over and wrote the site`)
  t.ok(standby.publisher.status().active)
  t.match(await standby.registry.metrics(), /publish_active 1/)
  t.notOk(active.publisher.status().active, 'the stopped one says it is not active')
})

t.test('a holder that dies without releasing the lock is replaced once it expires', async (t) => {
  const bus = await busWithResults(t)
  const cache = sharedCache(t)
  // A killed process never releases: this cache forgets the call.
  const neverReleases: Cache = { ...cache, releaseLock: async () => {} }
  const dying = startOn(t, bus, neverReleases, 'out-a', 2_000)
  await dying.publisher.start()
  t.ok((await dying.publisher.publishNow()).active)

  const standby = startOn(t, bus, cache, 'out-b', 2_000)
  await standby.publisher.start()
  t.notOk((await standby.publisher.publishNow()).active, 'standby while the holder renews')
  await dying.publisher.stop()
  t.ok(await cache.get(ACTIVE_LOCK_KEY), 'the lock is still held after the holder stopped')
  t.ok(await until(() => standby.storage.objects.has('status.json')), 'the standby took over after the TTL')
  t.equal(standby.storage.objects.get('status.json')?.body.toString().includes('"snapshot":9'), true)
})
