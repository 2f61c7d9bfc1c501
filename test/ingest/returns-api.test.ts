// POST /v1/returns through the real app: embedded bus in a temp dir, memory cache, HTTP on port 0.
import t from 'tap'
import { receiptFor } from '../../core/return-ids.js'
import type { Bus } from '../../infra/bus/bus.js'
import { busOutage, CLIENT, gatedBus, NOW, publishElection, ingestTestElection, startIngest, validReturn } from '../fixtures/ingest-harness.js'

t.test('a valid return is answered 202 with a receipt, and is on [returns] as a ReturnSubmitted', async (t) => {
  const h = await startIngest(t)
  const answer = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'sheet-1' })
  t.equal(answer.status, 202)
  t.same(answer.json, { receipt: receiptFor(`${CLIENT}:sheet-1`), returnId: `${CLIENT}:sheet-1`, status: 'accepted' })
  t.equal(answer.headers.get('idempotent-replayed'), null)

  const onBus = await h.returnsOnBus()
  t.equal(onBus.length, 1)
  const [only] = onBus
  t.equal(only?.record.key, 'S1', 'keyed by station, so one station stays in order on one partition')
  t.same(only?.message, {
    type: 'return',
    returnId: `${CLIENT}:sheet-1`,
    receipt: answer.json.receipt,
    electionId: 'e2024',
    contestId: 'pres',
    stationId: 'S1',
    channel: 'api',
    submittedBy: CLIENT,
    submittedAt: NOW.toISOString(),
    counts: validReturn().counts,
  })
})

t.test('202 comes only after the produce has resolved', async (t) => {
  let gate!: ReturnType<typeof gatedBus>
  const h = await startIngest(t, { wrapBus: (bus) => (gate = gatedBus(bus)).bus })
  let answered = false
  const pending = h.post('/v1/returns', validReturn()).then((a) => {
    answered = true
    return a
  })
  await gate.produced
  await new Promise((r) => setTimeout(r, 150))
  t.equal(answered, false, 'no answer while the bus has not confirmed')
  gate.open()
  const answer = await pending
  t.equal(answer.status, 202)
  t.equal((await h.returnsOnBus()).length, 1)
})

t.test('the same Idempotency-Key and body twice: same receipt, one record, marked replayed', async (t) => {
  const h = await startIngest(t)
  const first = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k-42' })
  const second = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k-42' })
  t.equal(first.status, 202)
  t.equal(second.status, 202)
  t.equal(second.json.receipt, first.json.receipt)
  t.equal(second.headers.get('idempotent-replayed'), 'true')
  t.equal((await h.returnsOnBus()).length, 1)
  t.match(await h.metricsText(), /ingest_returns_accepted_total\{endpoint="single",replayed="true"\} 1/)
})

t.test('body.returnId works as the key; a keyless repeat of the same sheet is the same return', async (t) => {
  const h = await startIngest(t)
  const a = await h.post('/v1/returns', validReturn({ returnId: 'row-7' }))
  const b = await h.post('/v1/returns', validReturn({ returnId: 'row-7' }))
  t.equal(a.json.returnId, `${CLIENT}:row-7`)
  t.equal(b.json.receipt, a.json.receipt)
  const c = await h.post('/v1/returns', validReturn({ stationId: 'S2' }))
  const d = await h.post('/v1/returns', validReturn({ stationId: 'S2' }))
  t.match(c.json.returnId, new RegExp(`^${CLIENT}:sha256:`))
  t.equal(d.json.receipt, c.json.receipt)
  t.equal((await h.returnsOnBus()).length, 2)
  const clash = await h.post('/v1/returns', validReturn({ returnId: 'row-7' }), { 'Idempotency-Key': 'row-8' })
  t.equal(clash.status, 400)
  t.same(clash.json.error.fields, [{ path: 'returnId', message: 'differs from the Idempotency-Key header' }])
})

t.test('the same key with a different body is a 409 conflict and is not produced', async (t) => {
  const h = await startIngest(t)
  t.equal((await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k-1' })).status, 202)
  const other = validReturn({ counts: { ...validReturn().counts, blank: 11, valid: 684, votes: { ALICE: 400, BOB: 284 } } })
  const answer = await h.post('/v1/returns', other, { 'Idempotency-Key': 'k-1' })
  t.equal(answer.status, 409)
  t.equal(answer.json.error.code, 'idempotency-conflict')
  t.equal((await h.returnsOnBus()).length, 1)
})

t.test('keys are scoped to the client: another client may use the same key', async (t) => {
  const h = await startIngest(t)
  const mine = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k' })
  const theirs = await h.post('/v1/returns', validReturn({ stationId: 'S3' }), {
    'Idempotency-Key': 'k',
    authorization: 'Bearer other-token-0123456789abcdef',
  })
  t.equal(theirs.status, 202)
  t.equal(theirs.json.returnId, 'other:k')
  t.not(theirs.json.receipt, mine.json.receipt)
})

t.test('401 without a valid token, and nothing is produced', async (t) => {
  const h = await startIngest(t)
  for (const authorization of ['', 'Bearer nope-nope-nope-nope', 'Basic dmVuZG9yOnRva2Vu', 'Bearer']) {
    const answer = await h.post('/v1/returns', validReturn(), { authorization })
    t.equal(answer.status, 401, `refused: "${authorization}"`)
    t.equal(answer.json.error.code, 'unauthorized')
  }
  t.equal((await h.returnsOnBus()).length, 0)
  t.match(await h.metricsText(), /ingest_returns_rejected_total\{code="unauthorized"\} 4/)
})

t.test('unreadable bodies: invalid JSON 400, wrong media type 415, oversized 413', async (t) => {
  const h = await startIngest(t, { maxBodyBytes: 2048 })
  const broken = await h.post('/v1/returns', '{"electionId": "e2024",')
  t.equal(broken.status, 400)
  t.equal(broken.json.error.code, 'invalid-json')
  const scalar = await h.post('/v1/returns', '42')
  t.equal(scalar.json.error.code, 'invalid-json', 'strict JSON: only objects and arrays')
  const text = await h.post('/v1/returns', JSON.stringify(validReturn()), { 'content-type': 'text/plain' })
  t.equal(text.status, 415)
  t.equal(text.json.error.code, 'unsupported-media-type')
  const big = await h.post('/v1/returns', validReturn({ returnId: 'x'.repeat(100), pad: 'y'.repeat(4000) }))
  t.equal(big.status, 413)
  t.equal(big.json.error.code, 'body-too-large')
  t.equal((await h.returnsOnBus()).length, 0)
})

t.test('invalid bodies are 400 invalid-body with every problem at its field path', async (t) => {
  const h = await startIngest(t)
  const { stationId: _dropped, ...noStation } = validReturn()
  const answer = await h.post('/v1/returns', {
    ...noStation,
    counts: { ...validReturn().counts, voters: -3, valid: 1.5, turnout: 70 },
    comment: 'hello',
    channel: 'phone',
  })
  t.equal(answer.status, 400)
  t.equal(answer.json.error.code, 'invalid-body')
  t.type(answer.json.error.message, 'string')
  const paths = answer.json.error.fields.map((f: { path: string }) => f.path).sort()
  t.same(paths, ['channel', 'comment', 'counts.turnout', 'counts.valid', 'counts.voters', 'stationId'])
  t.same(
    answer.json.error.fields.find((f: { path: string }) => f.path === 'stationId'),
    { path: 'stationId', message: 'required' },
  )
  const badKey = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k'.repeat(201) })
  t.equal(badKey.status, 400)
  t.equal(badKey.json.error.code, 'invalid-header')
  t.equal((await h.returnsOnBus()).length, 0)
})

t.test('returns naming what the election lacks are 422 with a clear code and path', async (t) => {
  const h = await startIngest(t)
  const cases: [Record<string, unknown>, string, string][] = [
    [{ electionId: 'e1999' }, 'unknown-election', 'electionId'],
    [{ contestId: 'mayor' }, 'unknown-contest', 'contestId'],
    [{ stationId: 'S9' }, 'unknown-station', 'stationId'],
    [{ contestId: 'leg1', stationId: 'S3', counts: { ...validReturn().counts, votes: { CAROL: 685 } } }, 'unknown-station', 'stationId'],
    [{ counts: { ...validReturn().counts, votes: { ALICE: 400, BOB: 280, ZED: 5 } } }, 'unknown-candidate', 'counts.votes.ZED'],
  ]
  for (const [overrides, code, path] of cases) {
    const answer = await h.post('/v1/returns', validReturn(overrides))
    t.equal(answer.status, 422, code)
    t.equal(answer.json.error.code, code)
    t.same(answer.json.error.fields.map((f: { path: string }) => f.path), [path])
  }
  t.equal((await h.returnsOnBus()).length, 0)
  const arithmeticSlip = await h.post('/v1/returns', validReturn({ counts: { ...validReturn().counts, valid: 999 } }))
  t.equal(arithmeticSlip.status, 202, 'a sheet that does not add up is still stored: consolidation flags it')
})

t.test('a bus whose produce rejects: 503 not-durable with Retry-After, nothing acknowledged, retry succeeds', async (t) => {
  const outage = busOutage('disk full')
  const h = await startIngest(t, { wrapBus: outage.wrap })
  const answer = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k-9' })
  t.equal(answer.status, 503)
  t.equal(answer.json.error.code, 'not-durable')
  t.equal(answer.headers.get('retry-after'), '5')
  t.notOk('receipt' in answer.json)
  t.equal((await h.returnsOnBus()).length, 0)
  outage.recover()
  const retry = await h.post('/v1/returns', validReturn(), { 'Idempotency-Key': 'k-9' })
  t.equal(retry.status, 202, 'the failed attempt left no idempotency record behind')
  t.equal(retry.headers.get('idempotent-replayed'), null)
  t.equal((await h.returnsOnBus()).length, 1)
  t.match(await h.metricsText(), /ingest_produce_duration_seconds_count\{outcome="failed"\} 1/)
})

t.test('a bus whose produce hangs: 503 not-durable after the produce deadline', async (t) => {
  const h = await startIngest(t, {
    produceTimeoutMs: 200,
    wrapBus: (bus): Bus => ({ ...bus, produce: () => new Promise<void>(() => undefined) }),
  })
  const started = Date.now()
  const answer = await h.post('/v1/returns', validReturn())
  t.equal(answer.status, 503)
  t.equal(answer.json.error.code, 'not-durable')
  t.ok(Date.now() - started >= 190)
  t.equal(answer.headers.get('retry-after'), '5')
})

t.test('no election loaded: 503 election-not-loaded, until a definition arrives on [elections]', async (t) => {
  const h = await startIngest(t, { election: undefined })
  t.equal(h.ingest.ready(), true)
  const answer = await h.post('/v1/returns', validReturn())
  t.equal(answer.status, 503)
  t.equal(answer.json.error.code, 'election-not-loaded')
  t.equal(answer.headers.get('retry-after'), '10')
  const health = await fetch(`${h.url}/v1/health`)
  t.equal(health.status, 503)

  await t.rejects(h.ingest.waitForElection('e2024', 100), /not loaded/)
  const waiting = h.ingest.waitForElection('e2024', 5000)
  await publishElection(h.bus, ingestTestElection())
  await waiting
  t.equal((await fetch(`${h.url}/v1/health`)).status, 200)
  const later = await h.post('/v1/returns', validReturn())
  t.equal(later.status, 202)
})

t.test('health, healthz and metrics', async (t) => {
  const h = await startIngest(t)
  const health = await fetch(`${h.url}/v1/health`)
  t.equal(health.status, 200)
  t.same(await health.json(), {
    status: 'ok',
    ready: true,
    elections: [{ id: 'e2024', name: 'Test election 2024', contests: 2, stations: 3 }],
  })
  t.equal((await fetch(`${h.url}/healthz`)).status, 200)
  await h.post('/v1/returns', validReturn())
  const metrics = await h.metricsText()
  t.match(metrics, /ingest_returns_accepted_total\{endpoint="single",replayed="false"\} 1/)
  t.match(metrics, /ingest_produce_duration_seconds_count\{outcome="ok"\} 1/)
})
