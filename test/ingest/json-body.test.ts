// The JSON body reader has two paths: plain UTF-8 bodies with a Content-Length are read directly,
// everything else (chunked, gzip) goes through express.json. Whatever the path, a body must get the
// same answer: the same status and error code, and for a valid return the same receipt.
import fc from 'fast-check'
import { request } from 'node:http'
import { gzipSync } from 'node:zlib'
import t from 'tap'
import { startIngest, TOKEN, validReturn } from '../fixtures/ingest-harness.js'

type Framing = 'content-length' | 'chunked' | 'gzip'

function post(url: string, body: Buffer, framing: Framing, key: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'idempotency-key': key }
    const payload = framing === 'gzip' ? gzipSync(body) : body
    if (framing === 'gzip') headers['content-encoding'] = 'gzip'
    if (framing !== 'chunked') headers['content-length'] = String(payload.length)
    const req = request(`${url}/v1/returns`, { method: 'POST', headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d: string) => (text += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
    // Two writes: without a Content-Length, node sends them as two chunks.
    req.write(payload.subarray(0, payload.length >> 1))
    req.end(payload.subarray(payload.length >> 1))
  })
}

const summary = (answer: { status: number; body: string }) => {
  const json = JSON.parse(answer.body) as { error?: { code: string }; receipt?: string }
  return { status: answer.status, code: json.error?.code, receipt: json.receipt }
}

t.test('every framing of a body gets the same answer', async (t) => {
  const h = await startIngest(t, { maxBodyBytes: 4096, rateLimits: { perClient: 1_000_000, perAddress: 1_000_000 } })
  const valid = JSON.stringify(validReturn())
  const fixed = [
    valid,
    `\uFEFF${valid}`,
    `  \n\t${valid}  `,
    '',
    '42',
    ' "text"',
    '{"electionId": "e2024",',
    '[]',
    '{"__proto__": {"voters": 1}}',
  ].map((s) => Buffer.from(s, 'utf8'))
  fixed.push(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), Buffer.alloc(5000, 0x20))
  const bodies = fc.oneof(fc.json(), fc.string(), fc.json().map((j) => `\uFEFF${j}`), fc.constant(valid))
  const samples = [...fixed, ...fc.sample(bodies, { numRuns: 150, seed: 20261122 }).map((s) => Buffer.from(s, 'utf8'))]
  let n = 0
  for (const body of samples) {
    // The same key for the three: a valid return is accepted once and replayed twice.
    const key = `framing-${n++}`
    const answers = []
    for (const framing of ['content-length', 'chunked', 'gzip'] as const) answers.push(summary(await post(h.url, body, framing, key)))
    if (JSON.stringify(answers[1]) !== JSON.stringify(answers[0]) || JSON.stringify(answers[2]) !== JSON.stringify(answers[0])) {
      t.fail(`different answers for ${JSON.stringify(body.toString('utf8').slice(0, 80))}: ${JSON.stringify(answers)}`)
    }
  }
  const first = summary(await post(h.url, Buffer.from(valid), 'content-length', 'framing-0'))
  t.equal(first.status, 202, 'a valid return is accepted')
  t.equal(summary(await post(h.url, Buffer.from(`\uFEFF${valid}`), 'content-length', 'bom')).status, 202, 'a BOM is dropped')
  t.same(summary(await post(h.url, Buffer.from('42'), 'content-length', 'scalar')), { status: 400, code: 'invalid-json', receipt: undefined })
  t.same(summary(await post(h.url, Buffer.alloc(5000, 0x20), 'content-length', 'big')), { status: 413, code: 'body-too-large', receipt: undefined })
  t.same(summary(await post(h.url, Buffer.alloc(0), 'content-length', 'empty')), { status: 400, code: 'invalid-body', receipt: undefined }, 'an empty body is {}: every field is missing')
  t.pass(`${samples.length} bodies, three framings each`)
})
