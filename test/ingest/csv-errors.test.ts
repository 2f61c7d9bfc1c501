// What the CSV endpoint answers when it cannot take a file as a whole (not CSV, unknown layout,
// too large, wrong token, too many requests, no election yet), and how an issued token's scope
// refuses the rows of other stations: every refusal says what to fix, and nothing is stored.
import { gzipSync } from 'node:zlib'
import t, { type Test } from 'tap'
import { issueClientToken } from '../../bin/credentials.js'
import { RATE_WINDOW_MS } from '../../ingest/rate-limit.js'
import { CLIENT, ingestTestElection, publishElection, startIngest, type Harness } from '../fixtures/ingest-harness.js'
import { acceptedLine, csvText, S3_PRES as S3, uploadCsv } from '../fixtures/csv-upload.js'

const HEADER = 'station;contest;inscrits;votants;blancs;nuls;exprimes;ALICE;BOB'
const S3_ROW = 'S3;pres;500;300;0;0;300;100;200'
async function assertNothingStored(t: Test, h: Harness): Promise<void> {
  t.same(await h.returnsOnBus(), [], 'nothing reached [returns]')
}

t.test('files that are not CSV, or not a layout it reads: a 400/415/422 saying what to fix', async (t) => {
  const h = await startIngest(t)
  const cases: { label: string; body: string | Buffer; headers?: Record<string, string>; status: number; code: string; message: RegExp }[] = [
    { label: 'an .xlsx', body: Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'), status: 400, code: 'invalid-csv', message: /spreadsheet \(\.xlsx or \.ods\).*save it as "CSV UTF-8"/ },
    { label: 'an .xls', body: Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), status: 400, code: 'invalid-csv', message: /Excel 97–2003/ },
    { label: 'a PDF', body: '%PDF-1.7\n%âãÏÓ\n', status: 400, code: 'invalid-csv', message: /This is a PDF/ },
    { label: 'a PNG', body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), status: 400, code: 'invalid-csv', message: /NUL bytes/ },
    { label: 'nothing', body: '', status: 400, code: 'invalid-csv', message: /The file is empty/ },
    { label: 'blank lines', body: '\r\n \r\n;;;\r\n', status: 400, code: 'invalid-csv', message: /The file is empty/ },
    { label: 'a header only', body: csvText([HEADER]), status: 400, code: 'invalid-csv', message: /header line but no rows/ },
    { label: 'broken quotes', body: csvText([HEADER, S3_ROW, 'S1;"pres;1;1;0;0;1;1;0', S3_ROW]), status: 400, code: 'invalid-csv', message: /^Line 3: the quoting is broken/ },
    { label: 'a stray quote', body: csvText([HEADER, S3_ROW, S3_ROW, '"S1"x;pres;1;1;0;0;1;1;0']), status: 400, code: 'invalid-csv', message: /^Line 4: the quoting is broken/ },
    {
      label: 'broken quotes far down, past the slices the reader works in',
      body: csvText([HEADER, ...Array<string>(2500).fill(S3_ROW), 'S3;pres;500;300;0;0;300;"100;200', S3_ROW]),
      status: 400,
      code: 'invalid-csv',
      message: /^Line 2502: the quoting is broken/,
    },
    { label: 'too many lines', body: `${HEADER}\n${'\r\n'.repeat(250_001)}`, status: 413, code: 'body-too-large', message: /^The file has 250002 lines; one upload takes at most 250000/ },
    { label: 'too many columns', body: csvText([HEADER, `${S3_ROW}${';'.repeat(2000)}`]), status: 400, code: 'invalid-csv', message: /^Line 2 has more than 2000 columns/ },
    { label: 'a corrupt .gz', body: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]), status: 400, code: 'invalid-csv', message: /cannot be unzipped/ },
    { label: 'another header', body: csvText(['name,age', 'Bob,3']), status: 422, code: 'unknown-layout', message: /^Line 1 \(the header\): .*simple layout.*Ministry layout/ },
    { label: 'one column', body: csvText(['station inscrits votants', 'S3 500 300']), status: 422, code: 'unknown-layout', message: /Only one column was found with ";" as the separator/ },
    { label: 'figures missing', body: csvText(['station;votants;ALICE', 'S3;300;100']), status: 422, code: 'unknown-layout', message: /lacks registered \(inscrits\), blank \(blancs\), invalid \(nuls\), valid \(exprimes\)/ },
    { label: 'no candidate', body: csvText(['station;inscrits;votants;blancs;nuls;exprimes', 'S3;500;300;0;0;300']), status: 422, code: 'unknown-layout', message: /names no candidate column/ },
    { label: 'a column twice', body: csvText([`${HEADER};Votants`, `${S3_ROW};300`]), status: 422, code: 'unknown-layout', message: /Columns 4 and 10 both say "Votants"/ },
    { label: 'JSON', body: '{"returns":[]}', headers: { 'content-type': 'application/json' }, status: 415, code: 'unsupported-media-type', message: /Content-Type: text\/csv/ },
    { label: 'a form', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'unsupported-media-type', message: /Content-Type: text\/csv/ },
  ]
  for (const c of cases) {
    const answer = await uploadCsv(h.url, c.body, { headers: c.headers ?? {} })
    t.equal(answer.status, c.status, `${c.label}: ${answer.text.slice(0, 200)}`)
    t.equal(answer.json?.error.code, c.code, `${c.label}: code`)
    t.match(answer.json?.error.message, c.message, `${c.label}: message`)
  }
  await assertNothingStored(t, h)
})

t.test('size: the CSV limit is its own, and holds for the raw, the Content-Encoding gzip and the .gz file', async (t) => {
  const h = await startIngest(t, { maxBodyBytes: 1024, csvMaxBytes: 8 * 1024 })
  const rows = (n: number) => csvText([`${HEADER};comment`, ...Array.from({ length: n }, () => `${S3_ROW};${'x'.repeat(90)}`)])
  const fits = rows(60)
  t.ok(fits.length > 5 * 1024 && fits.length < 8 * 1024)
  const accepted = await uploadCsv(h.url, fits)
  t.equal(accepted.status, 200, 'above the JSON limit, within the CSV one')
  t.equal(accepted.json.lines, 60)
  t.equal(accepted.json.returns, 1, 'sixty identical rows are one return')

  const big = rows(100)
  t.ok(big.length > 8 * 1024)
  for (const [label, body, headers] of [
    ['raw', big, {}],
    ['Content-Encoding: gzip', gzipSync(big), { 'content-encoding': 'gzip' }],
    ['a .gz file', gzipSync(big), {}],
  ] as const) {
    t.ok(body.length < 8 * 1024 || label === 'raw', `${label}: ${body.length} bytes sent`)
    const answer = await uploadCsv(h.url, body, { headers })
    t.equal(answer.status, 413, label)
    t.equal(answer.json.error.code, 'body-too-large', label)
    t.match(answer.json.error.message, /limit of 8192 bytes; split it/, label)
  }
})

t.test('no token, a wrong token, too many requests, no election loaded yet', async (t) => {
  const h = await startIngest(t, { rateLimits: { perClient: 2, perAddress: 100, now: () => 5 * RATE_WINDOW_MS } })
  const file = csvText([HEADER, S3_ROW])
  const wrong = await uploadCsv(h.url, file, { token: 'not-a-token-at-all-0000' })
  t.equal(wrong.status, 401)
  t.equal(wrong.json.error.code, 'unauthorized')
  const statuses: number[] = []
  for (let i = 0; i < 3; i++) statuses.push((await uploadCsv(h.url, file)).status)
  t.same(statuses, [200, 200, 429], 'a file is one request for the per-client limit')
  const limited = await uploadCsv(h.url, file)
  t.equal(limited.json.error.code, 'rate-limited')
  t.match(limited.headers.get('retry-after'), /^[1-9]\d*$/)

  const empty = await startIngest(t, { election: undefined })
  const early = await uploadCsv(empty.url, file)
  t.equal(early.status, 503)
  t.equal(early.json.error.code, 'election-not-loaded')
  t.match(early.headers.get('retry-after'), /^[1-9]\d*$/)
  await assertNothingStored(t, empty)
})

t.test('an issued token: its election is the default; rows of stations outside its scope are refused out-of-scope', async (t) => {
  const h = await startIngest(t)
  const { token } = await issueClientToken({ bus: h.bus, client: 'mairie-c2', scope: { electionId: 'e2024', communes: ['C2'] }, print: () => undefined })
  // The token reaches ingest through [credentials]; the first answers may still be 401.
  const body = csvText(['station;inscrits;votants;blancs;nuls;exprimes;ALICE;BOB', 'S3;500;300;0;0;300;100;200', 'S2;800;500;5;5;490;290;200'])
  let answer = await uploadCsv(h.url, body, { token, query: { contestId: 'pres' } })
  for (let tries = 0; answer.status === 401 && tries < 200; tries++) {
    await new Promise((resolve) => setImmediate(resolve))
    answer = await uploadCsv(h.url, body, { token, query: { contestId: 'pres' } })
  }
  t.equal(answer.status, 200)
  t.same(answer.json.results[0], acceptedLine('mairie-c2', 2, S3), 'its commune’s station, under its own name')
  t.match(answer.json.results[1], {
    line: 3,
    status: 'rejected',
    stationId: 'S2',
    error: { code: 'out-of-scope', message: /may not submit returns for polling station "S2"/ },
  })
  t.same((await h.returnsOnBus()).map(({ message }) => [message.stationId, message.submittedBy]), [['S3', 'mairie-c2']])
})

t.test('two elections loaded: a file without an election column must name one', async (t) => {
  const h = await startIngest(t)
  const other = ingestTestElection()
  await publishElection(h.bus, { ...other, election: { ...other.election, id: 'e2024b' } })
  await h.ingest.waitForElection('e2024b')
  const body = csvText(['station;inscrits;votants;blancs;nuls;exprimes;ALICE;BOB', 'S3;500;300;0;0;300;100;200'])
  const ambiguous = await uploadCsv(h.url, body)
  t.equal(ambiguous.status, 422)
  t.equal(ambiguous.json.error.code, 'unknown-election')
  t.match(ambiguous.json.error.message, /Several elections are loaded \(e2024, e2024b\)/)
  const named = await uploadCsv(h.url, body, { query: { electionId: 'e2024' } })
  t.same(named.json.results, [acceptedLine(CLIENT, 2, S3)])
  const withColumn = await uploadCsv(h.url, csvText([`election;${HEADER}`, `e2024b;${S3_ROW}`, `e2099;${S3_ROW}`, `;${S3_ROW}`]))
  t.same(withColumn.json.results[0], acceptedLine(CLIENT, 2, { ...S3, electionId: 'e2024b' }))
  t.same(withColumn.json.results.slice(1).map((r: { error: { code: string; message: string } }) => [r.error.code, r.error.message]), [
    ['unknown-election', 'No election "e2099" is loaded.'],
    ['unknown-election', 'This row names no election: fill the election column, or name the election with ?electionId= on the upload.'],
  ])
})
