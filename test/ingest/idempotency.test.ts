// The idempotency rule across every write: a retry gets the same receipt, a different body under
// the same key is a 409, whether the two requests are single, batched, concurrent, or one of each.
// (Plain single and batch repeats are in returns-api and returns-batch.)
import t from 'tap'
import { CLIENT, gatedBus, startIngest, validReturn } from '../fixtures/ingest-harness.js'

const otherCounts = { ...validReturn().counts, blank: 11, valid: 684, votes: { ALICE: 400, BOB: 284 } }

t.test('a refused conflicting body leaves the first record intact: the original retry still gets its receipt', async (t) => {
  const h = await startIngest(t)
  const first = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k-1' })
  t.equal((await h.post('/v1/returns', validReturn({ counts: otherCounts }), { 'Idempotency-Key': 'k-1' })).status, 409)
  const retry = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k-1' })
  t.equal(retry.status, 202)
  t.equal(retry.json.receipt, first.json.receipt)
  t.equal((await h.returnsOnBus()).length, 1)
})

t.test('a key sent in the body of a single request, then in a batch item: same receipt, replayed', async (t) => {
  const h = await startIngest(t)
  const single = await h.post('/v1/returns', validReturn({ returnId: 'sheet-9' }))
  const batch = await h.post('/v1/returns/batch', {
    returns: [validReturn({ returnId: 'sheet-9' }), validReturn({ returnId: 'sheet-9', counts: otherCounts })],
  })
  t.equal(batch.status, 200)
  t.same(batch.json.results[0], { index: 0, status: 'accepted', receipt: single.json.receipt, returnId: `${CLIENT}:sheet-9`, replayed: true })
  t.equal(batch.json.results[1].error.code, 'idempotency-conflict')
  const back = await h.post('/v1/returns', validReturn({ returnId: 'sheet-9', counts: otherCounts }))
  t.equal(back.status, 409, 'and a changed sheet sent singly after the batch conflicts too')
  t.equal((await h.returnsOnBus()).length, 1)
})

t.test(
  'the same key in the Idempotency-Key header, then as a batch returnId: the same return',
  async (t) => {
    const h = await startIngest(t)
    const single = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'sheet-3' })
    const batch = await h.post('/v1/returns/batch', { returns: [validReturn({ returnId: 'sheet-3' })] })
    t.equal(batch.json.results[0].status, 'accepted')
    t.equal(batch.json.results[0].receipt, single.json.receipt)
    t.equal((await h.returnsOnBus()).length, 1)
  },
)

t.test('a retry while the first attempt is still being stored: 409 in progress, then the same receipt', async (t) => {
  let gate!: ReturnType<typeof gatedBus>
  const h = await startIngest(t, { wrapBus: (bus) => (gate = gatedBus(bus)).bus })
  const pending = h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k-7' })
  await gate.produced
  const early = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k-7' })
  t.equal(early.status, 409)
  t.equal(early.json.error.code, 'request-in-progress')
  t.equal(early.headers.get('retry-after'), '1')
  const changed = await h.post('/v1/returns', validReturn({ counts: otherCounts }), { 'Idempotency-Key': 'k-7' })
  t.equal(changed.json.error.code, 'idempotency-conflict', 'a different body is a conflict even before the first is stored')
  gate.open()
  const first = await pending
  t.equal(first.status, 202)
  const retry = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k-7' })
  t.equal(retry.json.receipt, first.json.receipt)
  t.equal(retry.headers.get('idempotent-replayed'), 'true')
  t.equal((await h.returnsOnBus()).length, 1)
})

t.test('two batches in flight with one row in common: the row is stored once; its retry gets the first receipt', async (t) => {
  let gate!: ReturnType<typeof gatedBus>
  const h = await startIngest(t, { wrapBus: (bus) => (gate = gatedBus(bus)).bus })
  const shared = validReturn({ returnId: 'common' })
  const firstBatch = h.post('/v1/returns/batch', { returns: [shared, validReturn({ stationId: 'S2', returnId: 'only-first' })] })
  await gate.produced
  const second = await h.post('/v1/returns/batch', { returns: [shared] })
  t.equal(second.status, 200)
  t.equal(second.json.results[0].error.code, 'request-in-progress', 'the common row is refused while the first batch stores it')
  gate.open()
  const first = await firstBatch
  const again = await h.post('/v1/returns/batch', { returns: [validReturn({ stationId: 'S3', returnId: 'only-second' }), shared] })
  t.same(again.json.results.map((r: { status: string; replayed?: boolean }) => [r.status, r.replayed]), [
    ['accepted', undefined],
    ['accepted', true],
  ])
  t.equal(again.json.results[1].receipt, first.json.results[0].receipt)
  t.same((await h.returnsOnBus()).map((r) => r.message.returnId).sort(), [`${CLIENT}:common`, `${CLIENT}:only-first`, `${CLIENT}:only-second`])
})
