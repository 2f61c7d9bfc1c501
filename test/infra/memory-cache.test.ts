import t from 'tap'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'

t.test('get, set, expiry, setIfAbsent, increment, delete', async (t) => {
  let now = 1_000
  const cache = createMemoryCache(() => now)
  t.equal(await cache.get('k'), undefined)
  await cache.set('k', 'v', 100)
  t.equal(await cache.get('k'), 'v')
  now += 100
  t.equal(await cache.get('k'), undefined, 'expired exactly at its TTL')
  t.equal(await cache.setIfAbsent('lock', 'a', 50), true)
  t.equal(await cache.setIfAbsent('lock', 'b', 50), false, 'held')
  t.equal(await cache.get('lock'), 'a')
  now += 50
  t.equal(await cache.setIfAbsent('lock', 'b'), true, 'free again after expiry')
  t.equal(await cache.increment('n', 1000), 1)
  t.equal(await cache.increment('n', 1000), 2)
  now += 999
  t.equal(await cache.increment('n', 1000), 3, 'the TTL runs from the first increment')
  now += 1
  t.equal(await cache.increment('n', 1000), 1, 'a new window')
  await cache.delete('lock')
  t.equal(await cache.get('lock'), undefined)
  await cache.close()
})
