// Behind nginx, the per-address rate limit must count each client, not nginx. With express's
// `trust proxy` set to the proxy's address (TRUST_PROXY), ingest reads the client from the
// proxy's X-Forwarded-For; without it, X-Forwarded-For is a header anyone can write, and ignored.
import t from 'tap'
import { startIngest, validReturn } from '../fixtures/ingest-harness.js'

const from = (address: string, i: number) => ({ 'X-Forwarded-For': address, 'Idempotency-Key': `xff-${address}-${i}` })

t.test('trusting the loopback proxy: each forwarded client has its own per-address budget', async (t) => {
  const h = await startIngest(t, { rateLimits: { perClient: 1_000, perAddress: 2, now: () => 0 } })
  h.ingest.app.set('trust proxy', 'loopback')
  const statuses = []
  for (const address of ['203.0.113.7', '203.0.113.8']) for (let i = 0; i < 3; i++) statuses.push((await h.post('/v1/returns', validReturn(), from(address, i))).status)
  t.same(statuses, [202, 202, 429, 202, 202, 429], 'two per second each, counted per forwarded client')
})

t.test('without trust proxy, a forged X-Forwarded-For changes nothing: the peer is the client', async (t) => {
  const h = await startIngest(t, { rateLimits: { perClient: 1_000, perAddress: 2, now: () => 0 } })
  const statuses = []
  for (const address of ['203.0.113.7', '203.0.113.8', '203.0.113.9']) statuses.push((await h.post('/v1/returns', validReturn(), from(address, 0))).status)
  t.same(statuses, [202, 202, 429], 'one budget for the one peer, whatever the header says')
})
