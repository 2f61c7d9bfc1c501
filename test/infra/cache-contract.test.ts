// The cache contract (test/helpers/cache-contract.ts) on the memory cache and on a real Redis
// (TEST_REDIS_URL), then what only Redis must do: share state between replicas, stay inside its
// key prefix, fail fast with a clear error when Redis is away, and reconnect after a restart.
import t from 'tap'
import type { Test } from 'tap'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'
import { connectRedisCache, createRedisCache } from '../../infra/cache/redis-cache.js'
import { cacheContract } from '../helpers/cache-contract.js'
import { realService, uniqueName } from '../helpers/real-services.js'

t.test('memory cache', async (t) => {
  cacheContract(t, async () => createMemoryCache())
})

/** A key prefix for this test alone, and a raw client that deletes its keys at the end. */
function isolatedPrefix(t: Test, url: string): { prefix: string; raw: Redis } {
  const prefix = `${uniqueName('test_cache')}:`
  const raw = new Redis(url)
  t.teardown(async () => {
    const keys = await raw.keys(`${prefix}*`)
    if (keys.length > 0) await raw.del(...keys)
    await raw.quit()
  })
  return { prefix, raw }
}

t.test('redis cache', async (t) => {
  const url = realService(t, 'TEST_REDIS_URL')
  if (!url) return
  const { prefix } = isolatedPrefix(t, url)
  // Each case gets a fresh cache, as on memory: a prefix of its own under the test's prefix.
  let cases = 0
  cacheContract(t, () => connectRedisCache(url, { keyPrefix: `${prefix}${cases++}:` }))
})

t.test('two replicas on one Redis see each other\'s writes and locks', async (t) => {
  const url = realService(t, 'TEST_REDIS_URL')
  if (!url) return
  const { prefix } = isolatedPrefix(t, url)
  const one = await connectRedisCache(url, { keyPrefix: prefix })
  const two = await connectRedisCache(url, { keyPrefix: prefix })
  t.teardown(async () => {
    await one.close()
    await two.close()
  })
  await one.set('session', 'alice', 60_000)
  t.equal(await two.get('session'), 'alice')
  await two.setMany([{ key: 'digest/a', value: '1' }, { key: 'digest/b', value: '2' }])
  t.same(await one.getMany(['digest/a', 'digest/b']), ['1', '2'])
  t.equal(await one.setIfAbsent('seen', 'x'), true)
  t.equal(await two.setIfAbsent('seen', 'y'), false)
  t.equal(await one.increment('hits', 60_000), 1)
  t.equal(await two.increment('hits', 60_000), 2)
  t.equal(await one.holdLock('publisher', 'replica-1', 60_000), true)
  t.equal(await two.holdLock('publisher', 'replica-2', 60_000), false, 'the standby is refused')
  await two.releaseLock('publisher', 'replica-2')
  t.equal(await one.holdLock('publisher', 'replica-1', 60_000), true, 'the standby cannot release it')
  await one.releaseLock('publisher', 'replica-1')
  t.equal(await two.holdLock('publisher', 'replica-2', 60_000), true, 'released: the standby takes over')
})

t.test('keys stay inside the key prefix', async (t) => {
  const url = realService(t, 'TEST_REDIS_URL')
  if (!url) return
  const { prefix, raw } = isolatedPrefix(t, url)
  const other = isolatedPrefix(t, url)
  const mine = await connectRedisCache(url, { keyPrefix: prefix })
  const theirs = await connectRedisCache(url, { keyPrefix: other.prefix })
  t.teardown(async () => {
    await mine.close()
    await theirs.close()
  })
  await mine.set('k', 'v')
  await mine.increment('n', 60_000)
  await mine.holdLock('lock', 'me', 60_000)
  t.same((await raw.keys(`${prefix}*`)).sort(), [`${prefix}k`, `${prefix}lock`, `${prefix}n`])
  t.equal(await theirs.get('k'), undefined, 'another prefix does not see it')
  t.equal(await theirs.holdLock('lock', 'them', 60_000), true, 'nor its locks')
})

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

t.test('with no Redis there, calls and start-up fail with an error naming Redis', async (t) => {
  const url = `redis://127.0.0.1:${await closedPort()}`
  await t.rejects(connectRedisCache(url), { message: new RegExp(`^cannot reach Redis at ${url} within \\d+ s: .*ECONNREFUSED`) })
  const cache = createRedisCache(url)
  t.teardown(() => cache.close())
  await t.rejects(cache.get('k'), { message: new RegExp(`^Redis at ${url}: GET k failed`) })
  await t.rejects(cache.holdLock('lock', 'me', 1000), { message: new RegExp(`^Redis at ${url}: lock lock failed`) })
})

/** A private redis-server on a free port, so the test can stop and restart it. */
async function startRedisServer(t: Test, port: number) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  child.on('error', (err) => t.fail(`cannot start redis-server (is it installed?): ${err.message}`))
  let output = ''
  child.stdout.setEncoding('utf8')
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      output += chunk
      if (output.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)))
  })
  return child
}

t.test('a Redis restart is survived: calls fail while it is down, then work again', async (t) => {
  // The stack's Redis is shared; a private redis-server (the same binary) is restarted instead.
  if (!realService(t, 'TEST_REDIS_URL')) return
  const port = await closedPort()
  const url = `redis://127.0.0.1:${port}`
  let server = await startRedisServer(t, port)
  t.teardown(() => {
    server.kill('SIGKILL')
  })
  const cache = await connectRedisCache(url)
  t.teardown(() => cache.close())
  t.equal(await cache.holdLock('publisher', 'me', 60_000), true)

  server.kill('SIGKILL')
  await once(server, 'exit')
  await t.rejects(cache.get('k'), { message: new RegExp(`^Redis at ${url}: GET k failed`) }, 'down: a clear error')

  server = await startRedisServer(t, port)
  let answer: string | undefined | Error = new Error('never reconnected')
  for (let attempt = 0; attempt < 50 && answer instanceof Error; attempt++) {
    answer = await cache.set('k', 'back').then(() => cache.get('k'), (err: Error) => err)
    if (answer instanceof Error) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  t.equal(answer, 'back', 'the same client works again once Redis is back')
  t.equal(await cache.holdLock('publisher', 'me', 60_000), true, 'the lock script runs again (script cache was lost)')
  t.equal(await cache.holdLock('publisher', 'other', 60_000), false)
})
