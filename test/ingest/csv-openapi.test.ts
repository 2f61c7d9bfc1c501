// POST /v1/returns/csv in the OpenAPI document: its query parameters are the zod schema the
// route parses with, and every status the route really answers is documented with its real shape.
import t from 'tap'
import { z } from 'zod'
import { CsvQuerySchema } from '../../ingest/csv/csv-routes.js'
import { buildOpenApiDocument } from '../../ingest/openapi.js'
import { IdempotencyKeySchema } from '../../ingest/return-request.js'
import { schemaProblems } from '../helpers/json-schema-check.js'
import { startIngest } from '../fixtures/ingest-harness.js'
import { csvText, returnsNeverDurable, uploadCsv, type CsvAnswer } from '../fixtures/csv-upload.js'

type Json = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any -- the document is walked by key
const doc = buildOpenApiDocument() as Json
const operation = doc.paths['/v1/returns/csv'].post

t.test('the parameters are the zod schemas the route parses with', async (t) => {
  const params = Object.fromEntries(operation.parameters.map((p: Json) => [p.name, p]))
  for (const name of ['electionId', 'contestId'] as const) {
    const { description, ...schema } = z.toJSONSchema(CsvQuerySchema.shape[name], { io: 'input' }) as Json
    const { $schema: _dialect, ...expected } = schema
    t.same(params[name].schema, expected, `${name}: the zod schema`)
    t.equal(params[name].description, description)
    t.equal(params[name].in, 'query')
  }
  const { $schema: _dialect, ...key } = z.toJSONSchema(IdempotencyKeySchema, { io: 'input' }) as Json
  t.same(params['Idempotency-Key'].schema, key)
  t.ok(operation.requestBody.content['text/csv'], 'a text/csv body')
  t.ok(operation.responses['200'].content['text/csv'], 'a text/csv report on request')
})

t.test('every status the CSV route answers is documented, with its real shape and headers', async (t) => {
  const seen: CsvAnswer[] = []
  const h = await startIngest(t, { csvMaxBytes: 1024, rateLimits: { perClient: 12, perAddress: 100, now: () => 0 } })
  const upload = async (...args: Parameters<typeof uploadCsv> extends [string, ...infer Rest] ? Rest : never) => {
    const answer = await uploadCsv(h.url, ...args)
    seen.push(answer)
    return answer
  }
  const good = csvText(['station;contest;inscrits;votants;blancs;nuls;exprimes;ALICE;BOB', 'S3;pres;500;300;0;0;300;100;200', 'S9;pres;1;1;0;0;1;1;0'])
  const reported = await upload(good)
  t.same([reported.json.accepted, reported.json.rejected], [1, 1], 'the report has both kinds of line')
  await upload(good, { headers: { 'Idempotency-Key': 'clé' } })
  await upload(good, { query: { election: 'e2024' } })
  await upload('%PDF-1.4')
  await upload(good, { token: 'wrong-wrong-wrong-wrong' })
  await upload('x'.repeat(2000))
  await upload(good, { headers: { 'content-type': 'application/json' } })
  await upload(csvText(['name;age', 'Bob;3']))
  await upload(good, { query: { electionId: 'e1999' } })
  // Eight counted so far (a wrong token is refused before the limit): the 13th and 14th are over it.
  for (let i = 0; i < 6; i++) await upload(good)

  const unloaded = await startIngest(t, { election: undefined })
  seen.push(await uploadCsv(unloaded.url, good))
  const failing = await startIngest(t, { wrapBus: returnsNeverDurable })
  seen.push(await uploadCsv(failing.url, good))

  const answered = new Set<string>()
  for (const answer of seen) {
    const status = String(answer.status)
    const documented = operation.responses[status]
    const label = `${status} ${answer.text.slice(0, 80)}`
    if (!documented) {
      t.fail(`undocumented: ${label}`)
      continue
    }
    answered.add(status)
    t.same(schemaProblems(documented.content['application/json'].schema, answer.json, doc), [], `shape of ${label}`)
    if (documented.headers?.['Retry-After']) t.match(answer.headers.get('retry-after'), /^[1-9][0-9]*$/, `Retry-After on ${label}`)
  }
  // A bug (500) cannot be provoked from outside.
  t.same([...answered].sort(), Object.keys(operation.responses).filter((s) => s !== '500').sort(), 'each documented status was answered')
})
