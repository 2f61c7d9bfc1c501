// GET /v1/openapi.json: the document is the zod schemas the handlers parse with, it accepts and
// refuses the same bodies they do, and every answer the routes really give is documented with
// its real shape.
import { get } from 'node:http'
import t from 'tap'
import { z } from 'zod'
import type { Bus } from '../../infra/bus/bus.js'
import { buildOpenApiDocument } from '../../ingest/openapi.js'
import { BatchRequestSchema, IdempotencyKeySchema, ReturnRequestSchema } from '../../ingest/return-request.js'
import { schemaProblems } from '../helpers/json-schema-check.js'
import { startIngest, validReturn, type Answer } from '../fixtures/ingest-harness.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- the document is walked by key
const doc = buildOpenApiDocument() as Json
const zodJson = (schema: z.ZodType) => {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input' })
  return json
}
const accepts = (schemaName: string, body: unknown) => schemaProblems({ $ref: `#/components/schemas/${schemaName}` }, body, doc).length === 0

t.test('served once with an ETag and Cache-Control; a matching If-None-Match is a 304', async (t) => {
  const h = await startIngest(t)
  const res = await fetch(`${h.url}/v1/openapi.json`)
  t.equal(res.status, 200)
  t.match(res.headers.get('content-type'), /^application\/json/)
  t.equal(res.headers.get('cache-control'), 'public, max-age=300')
  const etag = res.headers.get('etag')
  t.match(etag, /^"[A-Za-z0-9_-]{43}"$/)
  t.same(await res.json(), doc)
  // node:http, not fetch: fetch adds "Cache-Control: no-cache" to a conditional request.
  const again = await new Promise<number | undefined>((resolve, reject) => {
    get(`${h.url}/v1/openapi.json`, { headers: { 'if-none-match': etag ?? '' } }, (r) => {
      r.resume()
      resolve(r.statusCode)
    }).on('error', reject)
  })
  t.equal(again, 304)
  t.equal((await fetch(`${h.url}/v1/openapi.json`)).headers.get('etag'), etag, 'the same document, the same ETag')
})

t.test('the request schemas are the zod schemas', async (t) => {
  t.equal(doc.openapi, '3.1.0')
  t.same(doc.components.schemas.ReturnRequest, zodJson(ReturnRequestSchema))
  t.notOk(doc.components.schemas.ReturnRequest.required.includes('channel'), 'a defaulted field is optional for the client')
  const { properties, ...envelope } = doc.components.schemas.BatchRequest
  const { properties: zodProperties, ...zodEnvelope } = zodJson(BatchRequestSchema) as Json
  t.same(envelope, zodEnvelope)
  t.same({ ...properties.returns, items: {} }, zodProperties.returns, 'the envelope is the zod one; items name ReturnRequest')
  t.same(properties.returns.items, { $ref: '#/components/schemas/ReturnRequest' })
  t.same(doc.components.parameters.IdempotencyKey.schema, zodJson(IdempotencyKeySchema))
})

t.test('the document accepts exactly the bodies the zod schemas accept', async (t) => {
  const counts = validReturn().counts
  const bodies: unknown[] = [
    validReturn(),
    validReturn({ channel: 'import', returnId: 'row 7 / sheet ~1' }),
    validReturn({ channel: 'api' }),
    validReturn({ channel: 'phone' }),
    validReturn({ returnId: '' }),
    validReturn({ returnId: 'é' }),
    validReturn({ returnId: 'x'.repeat(200) }),
    validReturn({ returnId: 'x'.repeat(201) }),
    validReturn({ stationId: '-S1' }),
    validReturn({ stationId: 'S'.repeat(41) }),
    validReturn({ electionId: 42 }),
    validReturn({ comment: 'extra' }),
    validReturn({ scan: { sha256: 'a'.repeat(64), contentType: 'application/pdf', bytes: 1 } }),
    validReturn({ scan: { sha256: 'a'.repeat(64), contentType: 'application/pdf', bytes: 0 } }),
    validReturn({ scan: { sha256: 'A'.repeat(64), contentType: 'image/gif', bytes: 1 } }),
    validReturn({ counts: { ...counts, voters: -1 } }),
    validReturn({ counts: { ...counts, voters: 1.5 } }),
    validReturn({ counts: { ...counts, voters: '700' } }),
    validReturn({ counts: { ...counts, turnout: 70 } }),
    validReturn({ counts: { ...counts, votes: {} } }),
    validReturn({ counts: { ...counts, votes: { 'not a code': 1 } } }),
    validReturn({ counts: { ...counts, votes: { ALICE: -1 } } }),
    validReturn({ counts: { ...counts, votes: { ALICE: Number.MAX_SAFE_INTEGER + 1 } } }),
    (({ stationId: _s, ...rest }) => rest)(validReturn()),
    (({ votes: _v, ...rest }) => validReturn({ counts: rest }))(counts),
    {},
    [],
    null,
    'a string',
  ]
  let accepted = 0
  for (const [i, body] of bodies.entries()) {
    const byZod = ReturnRequestSchema.safeParse(body).success
    if (byZod) accepted++
    t.equal(accepts('ReturnRequest', body), byZod, `body ${i}: ${byZod ? 'accepted' : 'refused'} by zod and by the document`)
  }
  t.ok(accepted >= 4 && accepted < bodies.length - 10, 'the corpus has both kinds')

  const batches: unknown[] = [
    { returns: [validReturn()] },
    { returns: Array.from({ length: 1000 }, () => validReturn()) },
    { returns: Array.from({ length: 1001 }, () => validReturn()) },
    { returns: [] },
    { returns: [validReturn(), validReturn({ counts: { ...counts, blank: -1 } })] },
    { returns: [validReturn()], dryRun: true },
    { returns: 'x' },
    {},
  ]
  for (const [i, body] of batches.entries()) {
    const envelope = BatchRequestSchema.safeParse(body)
    const byZod = envelope.success && envelope.data.returns.every((item) => ReturnRequestSchema.safeParse(item).success)
    t.equal(accepts('BatchRequest', body), byZod, `batch ${i}: the envelope and every item, as zod parses them`)
  }
})

t.test('every status the routes answer is documented, with its real shape and headers', async (t) => {
  const seen: { path: string; answer: Answer }[] = []
  const h = await startIngest(t, { maxBodyBytes: 4096, rateLimits: { perClient: 20, now: () => 0 } })
  const post = async (path: string, body: unknown, headers?: Record<string, string>) => {
    const answer = await h.post(path, body, headers)
    seen.push({ path, answer })
    return answer
  }
  const big = validReturn({ pad: 'y'.repeat(5000) })
  for (const path of ['/v1/returns', '/v1/returns/batch']) {
    const one = (overrides: Record<string, unknown> = {}) =>
      path === '/v1/returns' ? validReturn(overrides) : { returns: [validReturn(overrides), validReturn({ ...overrides, stationId: 'S9' })] }
    await post(path, one({ returnId: 'a' }))
    await post(path, one({ returnId: 'a' }))
    await post(path, one({ returnId: 'a', stationId: 'S2' }))
    await post(path, one({ returnId: 'b', stationId: 'S9' }))
    await post(path, '{"broken":')
    await post(path, { nope: true })
    await post(path, one(), { 'Idempotency-Key': '\u00e9' })
    await post(path, one(), { authorization: 'Bearer wrong-wrong-wrong' })
    await post(path, JSON.stringify(one()), { 'content-type': 'text/plain' })
    await post(path, path === '/v1/returns' ? big : { returns: [big] })
  }
  for (let i = 0; i < 2; i++) await post('/v1/returns', validReturn({ returnId: `burst-${i}` }))
  // The per-client limit of 20 is now spent in this (pinned) window.
  await post('/v1/returns', validReturn())
  await post('/v1/returns/batch', { returns: [validReturn()] })

  const unloaded = await startIngest(t, { election: undefined })
  const failing = await startIngest(t, {
    wrapBus: (bus): Bus => ({
      ...bus,
      produce: async () => {
        throw new Error('broker unreachable')
      },
    }),
  })
  for (const path of ['/v1/returns', '/v1/returns/batch']) {
    const body = path === '/v1/returns' ? validReturn() : { returns: [validReturn()] }
    for (const other of [unloaded, failing]) seen.push({ path, answer: await other.post(path, body) })
  }

  const answered = new Map<string, Set<string>>()
  for (const { path, answer } of seen) {
    const documented = doc.paths[path]?.post?.responses?.[String(answer.status)]
    const label = `POST ${path} ${answer.status} ${JSON.stringify(answer.json).slice(0, 80)}`
    if (!documented) {
      t.fail(`undocumented: ${label}`)
      continue
    }
    answered.set(path, (answered.get(path) ?? new Set()).add(String(answer.status)))
    t.same(schemaProblems(documented.content['application/json'].schema, answer.json, doc), [], `shape of ${label}`)
    if (documented.headers?.['Retry-After'] && answer.status !== 409) t.match(answer.headers.get('retry-after'), /^[1-9][0-9]*$/, `Retry-After on ${label}`)
  }
  // What this test cannot provoke: a bug (500), an issued token's scope (403, in the token tests),
  // a concurrent claim (409 request-in-progress, in the idempotency tests).
  const unprovoked: Record<string, string[]> = { '/v1/returns': ['403', '500'], '/v1/returns/batch': ['500'] }
  for (const path of ['/v1/returns', '/v1/returns/batch']) {
    const documented = Object.keys(doc.paths[path].post.responses).filter((s) => !unprovoked[path]?.includes(s))
    t.same([...(answered.get(path) ?? [])].sort(), documented.sort(), `${path}: each documented status was answered`)
  }
})
