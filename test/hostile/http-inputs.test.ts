// Hostile input at the officials' doors (issue 9): the JSON API and the IVR webhook, fed with
// thousands of generated requests. Whatever arrives, the answer is a clear refusal or an
// acceptance, never a server error; nothing refused reaches the bus, and what is accepted is a
// valid return.
import fc from 'fast-check'
import t from 'tap'
import { ReturnSubmittedSchema } from '../../core/schemas.js'
import { PhoneCall } from '../../bin/phone-caller.js'
import { startIngest, validReturn } from '../fixtures/ingest-harness.js'
import { startPhone } from '../fixtures/phone-harness.js'

const SEED = 20261122
const TECHNICAL_PROBLEM = /incident technique|technical problem/i

/** A valid return as is, or with one part replaced by anything: wrong types, huge numbers, nesting, odd keys. */
const mutatedReturn = fc
  .tuple(
    fc.nat(2),
    fc.option(
      fc.record({
        path: fc.constantFrom('electionId', 'stationId', 'channel', 'returnId', 'scan', 'comment', '__proto__', 'counts.voters', 'counts.blank', 'counts.votes', 'counts.votes.ALICE', 'counts.votes.MALLORY'),
        value: fc.oneof(
          fc.constantFrom('S1', 'S3', '../S1', 'S1\u0000', '<b>S1</b>', 'api', 'import', 'phone', -1, 0, 2 ** 53, 1e308, 0.5, '480', null, true, [], {}),
          fc.integer(),
          fc.string(),
          fc.anything(),
        ),
      }),
      { freq: 3 },
    ),
  )
  .map(([n, mutation]) => {
    const body = structuredClone(validReturn({ stationId: `S${n + 1}` })) as Record<string, unknown>
    if (mutation === null) return body
    const keys = mutation.path.split('.')
    let holder = body
    for (const key of keys.slice(0, -1)) holder = holder[key] as Record<string, unknown>
    // defineProperty: "__proto__" becomes a key of the JSON, as a hostile client would send it.
    Object.defineProperty(holder, keys.at(-1) as string, { value: mutation.value, enumerable: true, configurable: true, writable: true })
    return body
  })

t.test('the JSON API: generated bodies get 202 or a 4xx with the error shape, and only valid returns reach the bus', async (t) => {
  const h = await startIngest(t, { rateLimits: { perClient: 1_000_000, perAddress: 1_000_000 } })
  const bodies = fc.sample(fc.oneof(mutatedReturn, fc.anything(), fc.json().map((j) => ({ raw: j }))), { numRuns: 400, seed: SEED })
  const statuses = new Map<number, number>()
  let i = 0
  for (const body of bodies) {
    const raw = typeof body === 'object' && body !== null && 'raw' in body ? (body as { raw: string }).raw : JSON.stringify(body) ?? 'undefined'
    const answer = await h.post('/v1/returns', raw, { 'Idempotency-Key': `hostile-${i++}` })
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
    if (answer.status >= 500 || (answer.status !== 202 && !(answer.status >= 400 && answer.status < 500))) {
      t.fail(`${answer.status} for ${raw.slice(0, 200)}`)
      continue
    }
    if (answer.status !== 202) {
      const error = answer.json?.error
      if (typeof error?.code !== 'string' || typeof error?.message !== 'string' || error.message.length === 0) t.fail(`no error shape for ${raw.slice(0, 200)}`)
    }
  }
  const onBus = await h.returnsOnBus()
  t.equal(onBus.length, statuses.get(202) ?? 0, 'one record on the bus per 202, none for a refusal')
  t.ok(onBus.every((r) => ReturnSubmittedSchema.safeParse(r.message).success), 'every record on the bus is a valid return')
  t.ok((statuses.get(202) ?? 0) > 0 && (statuses.get(400) ?? 0) > 0, `both sides were reached: ${JSON.stringify(Object.fromEntries(statuses))}`)
  t.notOk([...statuses.keys()].some((s) => s >= 500), 'no server error')
})

t.test('the IVR webhook: forged posts with any Digits, CallSid or query get TwiML or a 400, never a server error', async (t) => {
  const h = await startPhone(t)
  const posts = fc.sample(
    fc.record({
      CallSid: fc.oneof(fc.constantFrom('CA1', 'CA2'), fc.string(), fc.constant(undefined)),
      Digits: fc.oneof(fc.stringMatching(/^[0-9*#]{0,40}$/), fc.string({ unit: 'binary', maxLength: 200 }), fc.constant(undefined)),
      From: fc.oneof(fc.constantFrom('+33600000000', 'anonymous'), fc.string()),
      CallStatus: fc.oneof(fc.constantFrom('in-progress', 'completed', 'ringing'), fc.string()),
      query: fc.constantFrom('', '?s=1', '?s=2&lang=en', '?s=abc', '?lang=de', '?s=1&s=2', '?s=999999999'),
    }),
    { numRuns: 400, seed: SEED },
  )
  for (const post of posts) {
    const form = new URLSearchParams()
    for (const key of ['CallSid', 'Digits', 'From', 'CallStatus'] as const) if (post[key] !== undefined) form.set(key, post[key])
    const res = await fetch(`${h.voiceUrl}${post.query}`, { method: 'POST', body: form })
    const text = await res.text()
    if (res.status === 200 && /^<\?xml[^>]*>\s*(<Response>[\s\S]*<\/Response>|<Response\/>)\s*$/.test(text) && !TECHNICAL_PROBLEM.test(text)) continue
    // A post without a well-formed CallSid is not a webhook: refused as such.
    if (res.status === 400 && !/^[A-Za-z0-9_-]{1,64}$/.test(post.CallSid ?? '') && /CallSid/.test(text)) continue
    t.fail(`${res.status} for ${JSON.stringify(post)}: ${text.slice(0, 300)}`)
  }
  t.same(await h.returnsOnBus(), [], 'no forged post submitted anything')
  t.pass(`${posts.length} forged posts`)
})

t.test('the IVR: random callers (right or wrong PIN, random keys, silences) always hear a prompt and submit at most one valid return', async (t) => {
  const h = await startPhone(t, { deps: { pinLockout: { maxCodeFailures: 1_000, maxCallerFailures: 1_000 } } })
  const { code, pin } = h.login('S3')
  const step = fc.oneof(
    { weight: 6, arbitrary: fc.stringMatching(/^[0-9]{1,4}#$/) },
    { weight: 2, arbitrary: fc.stringMatching(/^[0-9*#]{1,12}$/) },
    { weight: 2, arbitrary: fc.constantFrom('1', '2', '1#', '3#', '#', '*') },
    { weight: 1, arbitrary: fc.constant('silence') },
  )
  const walks = fc.sample(fc.record({ knowsPin: fc.boolean(), steps: fc.array(step, { minLength: 1, maxLength: 40 }) }), { numRuns: 60, seed: SEED })
  let calls = 0
  const silentLines: string[][] = []
  for (const walk of walks) {
    const call = new PhoneCall({ voiceUrl: h.voiceUrl, from: `+3361234${String(calls++).padStart(4, '0')}` })
    let heard = await call.dial()
    const keys = walk.knowsPin ? [`${code}#`, `${pin}#`, ...walk.steps] : walk.steps
    for (const k of keys) {
      if (call.over) break
      heard = k === 'silence' ? await call.silence() : await call.press(k)
      if (TECHNICAL_PROBLEM.test(heard.twiml)) t.fail(`a technical problem after ${JSON.stringify(keys)}`)
    }
    if (!call.over && heard.gather === undefined && heard.redirect === undefined) silentLines.push(keys)
  }
  t.same(silentLines, [], 'every call not over is waiting for the caller (a prompt to answer or a redirect)')
  const onBus = await h.returnsOnBus()
  t.ok(onBus.length <= walks.filter((w) => w.knowsPin).length, `at most one return per call that knew the PIN (${onBus.length})`)
  t.ok(onBus.every((r) => r.message.stationId === 'S3' && ReturnSubmittedSchema.safeParse(r.message).success), 'every submitted return is a valid return for the caller\'s station')
})
