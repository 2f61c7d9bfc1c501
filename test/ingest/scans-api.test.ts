// POST /v1/scans and the `scan` of a return, over HTTP through the real ingest app: a scan is
// recognised by its bytes, stored under its SHA-256 before a reference is given, and a return may
// only name a stored scan. Every status these routes answer is in the OpenAPI document.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { scanStorageKey } from '../../core/scans.js'
import type { Storage } from '../../infra/storage/storage.js'
import { buildOpenApiDocument } from '../../ingest/openapi.js'
import { schemaProblems } from '../helpers/json-schema-check.js'
import { startIngest, TOKEN, validReturn, type Harness } from '../fixtures/ingest-harness.js'
import { HTML_AS_PNG, jpegOfSize, PNG_1X1, sha256Hex, TINY_PDF } from '../fixtures/scan-samples.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- the document is walked by key
const doc = buildOpenApiDocument() as Json

interface Answer {
  status: number
  headers: Headers
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any -- asserted field by field
}

const answers: { path: string; answer: Answer }[] = []

async function upload(h: Harness, bytes: Uint8Array, contentType: string, token = TOKEN): Promise<Answer> {
  const res = await fetch(`${h.url}/v1/scans`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${token}` }, body: bytes })
  const text = await res.text()
  const answer = { status: res.status, headers: res.headers, json: text === '' ? undefined : JSON.parse(text) }
  answers.push({ path: '/v1/scans', answer })
  return answer
}

async function stored(h: Harness, scan: { sha256: string; contentType: 'image/png' | 'image/jpeg' | 'application/pdf' }): Promise<Buffer | undefined> {
  return readFile(join(h.scansDir, scanStorageKey(scan))).catch(() => undefined)
}

t.test('a scan is stored under its SHA-256 and answered with its reference; the same file again, the same answer', async (t) => {
  const h = await startIngest(t)
  const png = await upload(h, PNG_1X1, 'image/png')
  t.equal(png.status, 201)
  t.same(png.json, { sha256: sha256Hex(PNG_1X1), contentType: 'image/png', bytes: PNG_1X1.length })
  t.same(await stored(h, png.json), PNG_1X1, 'the bytes are in the scans folder under the key of their SHA-256')
  t.same((await upload(h, PNG_1X1, 'image/png')).json, png.json, 'uploading it again is harmless')

  const pdf = await upload(h, TINY_PDF, 'application/octet-stream')
  t.equal(pdf.status, 201, 'an undeclared type is told by the bytes')
  t.equal(pdf.json.contentType, 'application/pdf')
})

t.test('what is not a JPEG, PNG or PDF, too large, empty or unauthenticated is refused and nothing is stored', async (t) => {
  const h = await startIngest(t, { scanMaxBytes: 4096 })
  const html = await upload(h, HTML_AS_PNG, 'image/png')
  t.equal(html.status, 415)
  t.equal(html.json.error.code, 'unsupported-media-type')
  const lying = await upload(h, PNG_1X1, 'image/jpeg')
  t.equal(lying.status, 415, 'bytes that contradict the declared type')
  t.match(lying.json.error.message, 'declared image/jpeg but its bytes are image/png')
  t.equal((await upload(h, PNG_1X1, 'text/plain')).status, 415, 'a declared type that is no scan type')
  const big = await upload(h, jpegOfSize(4097), 'image/jpeg')
  t.equal(big.status, 413)
  t.equal(big.json.error.code, 'body-too-large')
  t.equal((await upload(h, jpegOfSize(4096), 'image/jpeg')).status, 201, 'the limit itself is accepted')
  const empty = await upload(h, new Uint8Array(0), 'application/pdf')
  t.equal(empty.status, 400)
  t.equal(empty.json.error.code, 'invalid-body')
  t.equal((await upload(h, PNG_1X1, 'image/png', 'not-a-token-at-all')).status, 401)
  t.equal(await stored(h, { sha256: sha256Hex(PNG_1X1), contentType: 'image/png' }), undefined, 'nothing refused was stored')
})

t.test('a return names an uploaded scan; one naming a scan never uploaded is refused, alone in its batch', async (t) => {
  const h = await startIngest(t)
  const scan = (await upload(h, TINY_PDF, 'application/pdf')).json
  const accepted = await h.post('/v1/returns', validReturn({ scan }), { 'Idempotency-Key': 'with-scan' })
  answers.push({ path: '/v1/returns', answer: accepted })
  t.equal(accepted.status, 202)
  const unknown = { ...scan, sha256: 'f'.repeat(64) }
  const refused = await h.post('/v1/returns', validReturn({ stationId: 'S2', scan: unknown }))
  answers.push({ path: '/v1/returns', answer: refused })
  t.equal(refused.status, 422)
  t.equal(refused.json.error.code, 'unknown-scan')
  t.same(refused.json.error.fields, [{ path: 'scan', message: 'no such scan was uploaded' }])
  const wrongSize = await h.post('/v1/returns', validReturn({ stationId: 'S2', scan: { ...scan, bytes: scan.bytes + 1 } }))
  t.equal(wrongSize.status, 422, 'the reference must match the stored file’s size')

  const batch = await h.post('/v1/returns/batch', { returns: [validReturn({ stationId: 'S3', scan }), validReturn({ stationId: 'S2', scan: unknown })] })
  t.equal(batch.status, 200)
  t.match(batch.json, { accepted: 1, rejected: 1, results: [{ status: 'accepted' }, { status: 'rejected', error: { code: 'unknown-scan' } }] })

  const onBus = (await h.returnsOnBus()).map((r) => r.message)
  t.same(onBus.map((m) => [m.stationId, m.scan]), [['S1', scan], ['S3', scan]], 'the returns on the bus carry the reference')
})

t.test('a scan stored before a restart is still found when the cache forgot it', async (t) => {
  const first = await startIngest(t)
  const scan = (await upload(first, PNG_1X1, 'image/png')).json
  const second = await startIngest(t, { wrapScans: (): Storage => ({ ...sharedFolder(first), describe: () => first.scansDir }) })
  const answer = await second.post('/v1/returns', validReturn({ scan }))
  t.equal(answer.status, 202, 'the file is read back from the storage')
})

t.test('a storage that fails: 503 with Retry-After, no reference given', async (t) => {
  const h = await startIngest(t, {
    wrapScans: (storage): Storage => ({
      ...storage,
      put: async () => {
        throw new Error('disk full')
      },
    }),
  })
  const answer = await upload(h, PNG_1X1, 'image/png')
  t.equal(answer.status, 503)
  t.equal(answer.json.error.code, 'not-durable')
  t.equal(answer.headers.get('retry-after'), '5')
})

t.test('every answer of these routes is documented, with its shape', async (t) => {
  for (const { path, answer } of answers) {
    const documented = doc.paths[path]?.post?.responses?.[String(answer.status)]
    const label = `POST ${path} ${answer.status}`
    if (!documented) {
      t.fail(`undocumented: ${label}`)
      continue
    }
    if (answer.status === 202) continue
    t.same(schemaProblems(documented.content['application/json'].schema, answer.json, doc), [], `shape of ${label} ${JSON.stringify(answer.json).slice(0, 60)}`)
  }
  const scanStatuses = new Set(answers.filter((a) => a.path === '/v1/scans').map((a) => String(a.answer.status)))
  t.same([...scanStatuses].sort(), Object.keys(doc.paths['/v1/scans'].post.responses).filter((s) => s !== '429' && s !== '500').sort(), 'each documented status of /v1/scans was answered (but a rate limit and a bug)')
})

/** The first harness's scans folder as a Storage, read by a second app with its own cache. */
function sharedFolder(h: Harness): Storage {
  return {
    put: async () => {
      throw new Error('read only')
    },
    get: async (key) => readFile(join(h.scansDir, key)).catch(() => undefined),
    delete: async () => undefined,
    describe: () => h.scansDir,
  }
}
