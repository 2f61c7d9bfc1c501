// Rate limits over HTTP through the real app: per API client after authentication, per address
// before it, counted in the shared cache, failing open when the cache fails. The limiter's clock is
// pinned so every request of a test falls in one known window.
import t from 'tap'
import type { Cache } from '../../infra/cache/cache.js'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'
import { createRedisCache } from '../../infra/cache/redis-cache.js'
import { DEFAULT_RATE_PER_CLIENT, RATE_WINDOW_MS } from '../../ingest/rate-limit.js'
import { realService, uniqueName } from '../helpers/real-services.js'
import { startIngest, validReturn } from '../fixtures/ingest-harness.js'

const OTHER = { authorization: 'Bearer other-token-0123456789abcdef' }
const keyed = (i: number) => ({ 'Idempotency-Key': `sheet-${i}` })

t.test('a client over its limit gets 429 with Retry-After; below it all 202; another client is not affected', async (t) => {
  let now = 10 * RATE_WINDOW_MS + 400
  const h = await startIngest(t, { rateLimits: { perClient: 5, perAddress: 100, now: () => now } })
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) statuses.push((await h.post('/v1/returns', validReturn(), keyed(i))).status)
  t.same(statuses, [202, 202, 202, 202, 202], 'up to the limit, everything passes')

  const over = await h.post('/v1/returns', validReturn({ stationId: 'S2' }), keyed(5))
  t.equal(over.status, 429)
  t.equal(over.headers.get('retry-after'), '1')
  t.equal(over.json.error.code, 'rate-limited')
  t.match(over.json.error.message, /at most 5 per second/)
  t.same(Object.keys(over.json), ['error'])
  const batch = await h.post('/v1/returns/batch', { returns: [validReturn({ stationId: 'S3' })] })
  t.equal(batch.status, 429, 'a batch is one request, limited the same way')
  t.equal((await h.returnsOnBus()).length, 5, 'nothing over the limit was produced')

  const other = await h.post('/v1/returns', validReturn({ stationId: 'S3' }), OTHER)
  t.equal(other.status, 202, 'another client has its own count')

  now += RATE_WINDOW_MS
  t.equal((await h.post('/v1/returns', validReturn({ stationId: 'S2' }), keyed(5))).status, 202, 'the next window admits again')
  const metrics = await h.metricsText()
  t.match(metrics, /ingest_rate_limited_total\{limit="client"\} 2/)
  t.match(metrics, /ingest_returns_rejected_total\{code="rate-limited"\} 2/)
})

t.test('the per-address limit applies to every token, valid or not, before the body is read', async (t) => {
  const h = await startIngest(t, { rateLimits: { perClient: 100, perAddress: 4, now: () => 0 } })
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) statuses.push((await h.post('/v1/returns', validReturn(), { authorization: 'Bearer guessed-token-000' })).status)
  t.same(statuses, [401, 401, 401, 401])
  const flood = await h.post('/v1/returns', validReturn(), { authorization: 'Bearer guessed-token-000' })
  t.equal(flood.status, 429, 'cut by the address limit, not answered 401')
  t.equal(flood.headers.get('retry-after'), '1')
  t.same(flood.json.error.code, 'rate-limited')
  t.match(flood.json.error.message, /from this address/)
  t.equal((await h.post('/v1/returns', validReturn())).status, 429, 'a valid token from the same address is limited too')
  t.equal((await h.post('/v1/returns/batch', { returns: [validReturn()] }, OTHER)).status, 429)
  t.equal((await fetch(`${h.url}/v1/openapi.json`)).status, 200, 'only the write endpoints are limited')
  t.equal((await fetch(`${h.url}/v1/health`)).status, 200)
  const metrics = await h.metricsText()
  t.match(metrics, /ingest_rate_limited_total\{limit="address"\} 3/)
  t.match(metrics, /ingest_returns_rejected_total\{code="unauthorized"\} 4/, 'requests over the limit are refused as such, not as unauthorized')
})

t.test('the default limits: a client may make 50 requests in one second, the next is refused', async (t) => {
  const h = await startIngest(t, { rateLimits: { now: () => 0 } })
  let accepted = 0
  for (let i = 0; i < DEFAULT_RATE_PER_CLIENT; i++) {
    if ((await h.post('/v1/returns', validReturn(), keyed(i))).status === 202) accepted++
  }
  t.equal(accepted, 50)
  t.equal((await h.post('/v1/returns', validReturn(), keyed(99))).status, 429)
})

t.test('two ingest replicas sharing one cache share the limits', async (t) => {
  const cache = createMemoryCache()
  t.teardown(() => cache.close())
  const options = { cache, rateLimits: { perClient: 3, now: () => 0 } }
  const a = await startIngest(t, options)
  const b = await startIngest(t, options)
  const statuses = [
    (await a.post('/v1/returns', validReturn(), keyed(1))).status,
    (await b.post('/v1/returns', validReturn(), keyed(1))).status,
    (await a.post('/v1/returns', validReturn(), keyed(1))).status,
    (await b.post('/v1/returns', validReturn(), keyed(1))).status,
  ]
  t.same(statuses, [202, 202, 202, 429])
})

t.test('with the real Redis, replicas share the limits', async (t) => {
  const url = realService(t, 'TEST_REDIS_URL')
  if (!url) return
  const cache = createRedisCache(url, { keyPrefix: `${uniqueName('ratelimit')}:` })
  t.teardown(() => cache.close())
  const options = { cache, rateLimits: { perClient: 2, perAddress: 1000, now: () => 0 } }
  const a = await startIngest(t, options)
  const b = await startIngest(t, options)
  const first = await a.post('/v1/returns', validReturn(), keyed(1))
  const second = await b.post('/v1/returns', validReturn(), keyed(1))
  const third = await a.post('/v1/returns', validReturn(), keyed(1))
  t.same([first.status, second.status, third.status], [202, 202, 429])
  t.equal(third.headers.get('retry-after'), '1')
})

t.test('a cache that fails lets requests through (fail open), logged and counted', async (t) => {
  const memory = createMemoryCache()
  t.teardown(() => memory.close())
  const broken: Cache = {
    ...memory,
    increment: async () => {
      throw new Error('redis: connection refused')
    },
    incrementMany: async () => {
      throw new Error('redis: connection refused')
    },
  }
  const h = await startIngest(t, { cache: broken, rateLimits: { perClient: 1, perAddress: 1, now: () => 0 } })
  const statuses = []
  for (let i = 0; i < 3; i++) statuses.push((await h.post('/v1/returns', validReturn(), keyed(i))).status)
  t.same(statuses, [202, 202, 202])
  t.match(await h.metricsText(), /ingest_rate_limit_unavailable_total 3/, 'one check per request (both limits in one call), none possible')
})
