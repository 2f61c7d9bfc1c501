// POST /v1/returns/batch: one produce for the valid items, a result per item, nothing
// acknowledged before the bus confirms.
import t from 'tap'
import type { Bus } from '../../infra/bus/bus.js'
import { CLIENT, gatedBus, startIngest, validReturn } from '../fixtures/ingest-harness.js'

t.test('one bad item is rejected on its own; the others are accepted in one produce', async (t) => {
  let produces = 0
  const h = await startIngest(t, {
    wrapBus: (bus): Bus => ({
      ...bus,
      produce: async (topic, records) => {
        produces++
        await bus.produce(topic, records)
      },
    }),
  })
  const answer = await h.post('/v1/returns/batch', {
    returns: [
      validReturn({ stationId: 'S1', returnId: 'r1' }),
      validReturn({ stationId: 'S9', returnId: 'r2' }),
      validReturn({ stationId: 'S2', returnId: 'r3', counts: { ...validReturn().counts, blank: -1 } }),
      validReturn({ stationId: 'S3', returnId: 'r4', channel: 'import' }),
      'not an object',
    ],
  })
  t.equal(answer.status, 200)
  t.equal(answer.json.accepted, 2)
  t.equal(answer.json.rejected, 3)
  const results = answer.json.results
  t.same(results.map((r: { index: number; status: string }) => [r.index, r.status]), [
    [0, 'accepted'],
    [1, 'rejected'],
    [2, 'rejected'],
    [3, 'accepted'],
    [4, 'rejected'],
  ])
  t.equal(results[0].returnId, `${CLIENT}:r1`)
  t.type(results[0].receipt, 'string')
  t.equal(results[1].error.code, 'unknown-station')
  t.equal(results[2].error.code, 'invalid-body')
  t.same(results[2].error.fields, [{ path: 'counts.blank', message: 'Too small: expected number to be >=0' }])
  t.equal(results[4].error.code, 'invalid-body')

  t.equal(produces, 1, 'one produce for the whole batch')
  const onBus = await h.returnsOnBus()
  t.same(onBus.map((r) => [r.record.key, r.message.returnId, r.message.channel]), [
    ['S1', `${CLIENT}:r1`, 'api'],
    ['S3', `${CLIENT}:r4`, 'import'],
  ])
  t.match(await h.metricsText(), /ingest_returns_rejected_total\{code="unknown-station"\} 1/)
})

t.test('replaying a batch: same receipts, marked replayed, nothing produced twice; a changed row conflicts', async (t) => {
  const h = await startIngest(t)
  const batch = { returns: [validReturn({ returnId: 'a' }), validReturn({ stationId: 'S2', returnId: 'b' })] }
  const first = await h.post('/v1/returns/batch', batch)
  const changed = { ...batch, returns: [batch.returns[0], validReturn({ stationId: 'S3', returnId: 'b' })] }
  const second = await h.post('/v1/returns/batch', changed)
  t.equal(second.json.results[0].receipt, first.json.results[0].receipt)
  t.equal(second.json.results[0].replayed, true)
  t.equal(second.json.results[1].error.code, 'idempotency-conflict')
  t.equal((await h.returnsOnBus()).length, 2)
})

t.test('a return id repeated inside one batch is produced once; a different body under it conflicts', async (t) => {
  const h = await startIngest(t)
  const answer = await h.post('/v1/returns/batch', {
    returns: [
      validReturn({ returnId: 'dup' }),
      validReturn({ returnId: 'dup' }),
      validReturn({ returnId: 'dup', stationId: 'S2' }),
    ],
  })
  t.same(answer.json.results.map((r: { status: string }) => r.status), ['accepted', 'accepted', 'rejected'])
  t.equal(answer.json.results[1].receipt, answer.json.results[0].receipt)
  t.equal(answer.json.results[2].error.code, 'idempotency-conflict')
  t.equal((await h.returnsOnBus()).length, 1)
})

t.test('nothing of a batch is answered before the produce resolves; a failed produce is a 503 for all', async (t) => {
  let gate!: ReturnType<typeof gatedBus>
  const h = await startIngest(t, { wrapBus: (bus) => (gate = gatedBus(bus)).bus })
  let answered = false
  const pending = h.post('/v1/returns/batch', { returns: [validReturn(), validReturn({ stationId: 'S2' })] }).then((a) => {
    answered = true
    return a
  })
  await gate.produced
  await new Promise((r) => setTimeout(r, 150))
  t.equal(answered, false)
  gate.open()
  t.equal((await pending).json.accepted, 2)

  const failing = await startIngest(t, {
    wrapBus: (bus): Bus => ({
      ...bus,
      produce: async () => {
        throw new Error('broker unreachable')
      },
    }),
  })
  const refused = await failing.post('/v1/returns/batch', { returns: [validReturn(), validReturn({ stationId: 'S9' })] })
  t.equal(refused.status, 503)
  t.equal(refused.json.error.code, 'not-durable')
  t.equal(refused.headers.get('retry-after'), '5')
  t.notOk('results' in refused.json, 'no per-item receipts')
  t.equal((await failing.returnsOnBus()).length, 0)
})

t.test('batch envelope: 1 to 1000 items, strict, no Idempotency-Key header; election must be loaded', async (t) => {
  const h = await startIngest(t, { maxBodyBytes: 1024 * 1024 })
  const empty = await h.post('/v1/returns/batch', { returns: [] })
  t.equal(empty.status, 400)
  t.same(empty.json.error.fields.map((f: { path: string }) => f.path), ['returns'])
  const tooMany = await h.post('/v1/returns/batch', { returns: Array.from({ length: 1001 }, () => validReturn()) })
  t.equal(tooMany.status, 400)
  const extra = await h.post('/v1/returns/batch', { returns: [validReturn()], dryRun: true })
  t.same(extra.json.error.fields, [{ path: 'dryRun', message: 'unknown field' }])
  const keyed = await h.post('/v1/returns/batch', { returns: [validReturn()] }, { 'Idempotency-Key': 'k' })
  t.equal(keyed.status, 400)
  t.equal(keyed.json.error.code, 'invalid-header')
  const noToken = await h.post('/v1/returns/batch', { returns: [validReturn()] }, { authorization: '' })
  t.equal(noToken.status, 401)
  t.equal((await h.returnsOnBus()).length, 0)

  const unloaded = await startIngest(t, { election: undefined })
  const notLoaded = await unloaded.post('/v1/returns/batch', { returns: [validReturn()] })
  t.equal(notLoaded.status, 503)
  t.equal(notLoaded.json.error.code, 'election-not-loaded')
})

t.test('a replay-sized batch of 500 goes through in one request', async (t) => {
  const h = await startIngest(t, { maxBodyBytes: 256 * 1024 })
  const returns = Array.from({ length: 500 }, (_, i) =>
    validReturn({ stationId: ['S1', 'S2', 'S3'][i % 3], returnId: `replay:e2024:pres:row-${i}`, channel: 'import' }),
  )
  const answer = await h.post('/v1/returns/batch', { returns })
  t.equal(answer.status, 200)
  t.equal(answer.json.accepted, 500)
  t.equal((await h.returnsOnBus()).length, 500)
})
