// What every Cache must do (infra/cache/cache.ts), written once and run on each implementation,
// so the memory cache and Redis cannot drift apart. Expiry is checked by waiting past short TTLs;
// whatever must still be there uses TTLs far longer than the test, so a slow machine cannot fail it.
import type { Test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Cache } from '../../infra/cache/cache.js'

const SHORT_TTL_MS = 100
const PAST_SHORT_TTL_MS = 250
const LONG_TTL_MS = 60_000

export function cacheContract(t: Test, makeCache: () => Promise<Cache>): void {
  const open = async (t: Test) => {
    const cache = await makeCache()
    t.teardown(() => cache.close())
    return cache
  }

  t.test('get, set, overwrite, delete', async (t) => {
    const cache = await open(t)
    t.equal(await cache.get('absent'), undefined, 'a key never set')
    await cache.set('k', 'v1')
    t.equal(await cache.get('k'), 'v1')
    await cache.set('k', 'v2')
    t.equal(await cache.get('k'), 'v2', 'set overwrites')
    await cache.set('unicode', 'Île-de-France → 75')
    t.equal(await cache.get('unicode'), 'Île-de-France → 75', 'values are any string')
    await cache.delete('k')
    t.equal(await cache.get('k'), undefined, 'deleted')
    await cache.delete('never-there')
    t.pass('deleting an absent key is fine')
  })

  t.test('set with a TTL expires; without one it stays', async (t) => {
    const cache = await open(t)
    await cache.set('short', 'v', SHORT_TTL_MS)
    await cache.set('long', 'v', LONG_TTL_MS)
    await cache.set('forever', 'v')
    await cache.set('renewed', 'v', SHORT_TTL_MS)
    await cache.set('renewed', 'w')
    await sleep(PAST_SHORT_TTL_MS)
    t.equal(await cache.get('short'), undefined, 'expired')
    t.equal(await cache.get('long'), 'v')
    t.equal(await cache.get('forever'), 'v')
    t.equal(await cache.get('renewed'), 'w', 'a set without TTL replaces the old expiry')
  })

  t.test('getMany answers in the order asked, undefined for missing keys', async (t) => {
    const cache = await open(t)
    t.same(await cache.getMany([]), [])
    await cache.set('a', '1')
    await cache.set('b', '2')
    await cache.set('gone', 'x', SHORT_TTL_MS)
    await sleep(PAST_SHORT_TTL_MS)
    t.same(await cache.getMany(['b', 'missing', 'a', 'gone', 'b']), ['2', undefined, '1', undefined, '2'])
  })

  t.test('setMany sets every entry, with or without a TTL', async (t) => {
    const cache = await open(t)
    await cache.setMany([])
    await cache.setMany([
      { key: 'x', value: '1' },
      { key: 'y', value: '2' },
    ])
    await cache.setMany(
      [
        { key: 'p', value: '3' },
        { key: 'q', value: '4' },
      ],
      SHORT_TTL_MS,
    )
    t.same(await cache.getMany(['x', 'y']), ['1', '2'])
    await sleep(PAST_SHORT_TTL_MS)
    t.same(await cache.getMany(['x', 'y', 'p', 'q']), ['1', '2', undefined, undefined], 'only the TTL entries expired')
  })

  t.test('setIfAbsent sets only a missing or expired key', async (t) => {
    const cache = await open(t)
    t.equal(await cache.setIfAbsent('first', 'a'), true)
    t.equal(await cache.setIfAbsent('first', 'b'), false)
    t.equal(await cache.get('first'), 'a', 'the loser does not overwrite')
    await cache.delete('first')
    t.equal(await cache.setIfAbsent('first', 'c'), true, 'free again once deleted')
    t.equal(await cache.setIfAbsent('marker', 'a', SHORT_TTL_MS), true)
    t.equal(await cache.setIfAbsent('marker', 'b', LONG_TTL_MS), false)
    await sleep(PAST_SHORT_TTL_MS)
    t.equal(await cache.setIfAbsent('marker', 'b', LONG_TTL_MS), true, 'free again once expired')
    t.equal(await cache.get('marker'), 'b')
  })

  t.test('increment counts from 1 and sets the TTL only when it creates the counter', async (t) => {
    const cache = await open(t)
    t.equal(await cache.increment('plain'), 1)
    t.equal(await cache.increment('plain'), 2)
    t.equal(await cache.get('plain'), '2', 'stored as a decimal string')

    const windowMs = 400
    t.equal(await cache.increment('window', windowMs), 1)
    t.equal(await cache.increment('window', LONG_TTL_MS), 2, 'the second increment finds the counter')
    await sleep(windowMs + 150)
    t.equal(await cache.increment('window', LONG_TTL_MS), 1, 'a later TTL did not extend the window: a new one began')

    await cache.set('existing', '5', SHORT_TTL_MS)
    t.equal(await cache.increment('existing', LONG_TTL_MS), 6, 'counts on from a value set before')
    await sleep(PAST_SHORT_TTL_MS)
    t.equal(await cache.get('existing'), undefined, 'and keeps that value\'s expiry')
  })

  t.test('incrementMany counts several windows in one call, each as increment would', async (t) => {
    const cache = await open(t)
    t.same(await cache.incrementMany([], LONG_TTL_MS), [], 'no keys, no counts')
    const windowMs = 400
    t.same(await cache.incrementMany(['a', 'b'], windowMs), [1, 1])
    await cache.set('c', '41', SHORT_TTL_MS)
    t.same(await cache.incrementMany(['b', 'c', 'a'], LONG_TTL_MS), [2, 42, 2], 'in the order of the keys')
    await sleep(windowMs + 150)
    t.same(await cache.incrementMany(['a', 'b'], LONG_TTL_MS), [1, 1], 'the first call set the windows; a later TTL did not extend them')
    t.equal(await cache.get('c'), undefined, 'a counter set before kept its own (short) expiry')
  })

  t.test('a lock is exclusive and released only by its owner', async (t) => {
    const cache = await open(t)
    t.equal(await cache.holdLock('lock', 'a', LONG_TTL_MS), true, 'free: taken')
    t.equal(await cache.holdLock('lock', 'b', LONG_TTL_MS), false, 'held by a: refused to b')
    t.equal(await cache.holdLock('lock', 'a', LONG_TTL_MS), true, 'a renews its own lock')
    await cache.releaseLock('lock', 'b')
    t.equal(await cache.holdLock('lock', 'b', LONG_TTL_MS), false, 'b cannot release a\'s lock')
    await cache.releaseLock('lock', 'a')
    t.equal(await cache.holdLock('lock', 'b', LONG_TTL_MS), true, 'released by a: b takes it')
    await cache.releaseLock('never-taken', 'a')
    t.pass('releasing a free lock is fine')
  })

  t.test('a lock expires unless renewed, and a late release does not free the next owner\'s lock', async (t) => {
    const cache = await open(t)
    t.equal(await cache.holdLock('expiring', 'a', SHORT_TTL_MS), true)
    await sleep(PAST_SHORT_TTL_MS)
    t.equal(await cache.holdLock('expiring', 'b', LONG_TTL_MS), true, 'a let it expire: b takes it')
    await cache.releaseLock('expiring', 'a')
    t.equal(await cache.holdLock('expiring', 'c', LONG_TTL_MS), false, 'a\'s late release left b\'s lock alone')

    const firstTtlMs = 400
    t.equal(await cache.holdLock('renewed', 'a', firstTtlMs), true)
    t.equal(await cache.holdLock('renewed', 'a', LONG_TTL_MS), true, 'renewed with a longer TTL')
    await sleep(firstTtlMs + 150)
    t.equal(await cache.holdLock('renewed', 'b', LONG_TTL_MS), false, 'the renewal pushed the expiry')
  })
}
