// POST /v1/returns/csv through the real ingest app (embedded bus, memory cache, port 0): a file
// with good and bad rows gets an exact per-line report, only the good rows reach `[returns]` in
// one produce, and uploading the same file again counts nothing twice.
import t from 'tap'
import { TOPICS } from '../../core/messages.js'
import type { Bus } from '../../infra/bus/bus.js'
import { CLIENT, startIngest, type Harness } from '../fixtures/ingest-harness.js'
import { acceptedLine, csvText, derivedIdentity, returnsNeverDurable, S1_PRES, S3_PRES, uploadCsv, type ExpectedReturn } from '../fixtures/csv-upload.js'

const HEADER = 'station;contest;inscrits;votants;blancs;nuls;exprimes;ALICE;BOB;CAROL'

const S1_LEG1: ExpectedReturn = { ...S1_PRES, contestId: 'leg1', counts: { ...S1_PRES.counts, votes: { CAROL: 685 } } }
/** Lines 2 and 7 are good; every other data line has one thing wrong; line 6 is blank. */
const MIXED = csvText([
  HEADER,
  'S1;pres;1000;700;10;5;685;400;285;', // 2: accepted
  'S2;pres;800;500;5;5;490;2x0;200;', // 3: ALICE is not a number
  'S3;pres;500;300;-3;0;300;100;200;', // 4: negative blancs
  'S9;pres;500;300;0;0;300;100;200;', // 5: no such station
  ';;;;;;;;;', // 6: a spreadsheet's empty row
  'S1;leg1;1000;700;10;5;685;;;685', // 7: accepted; ALICE and BOB are not in leg1, left empty
  'S3;pres;500;300;0;0;300;100;;', // 8: BOB empty
  'S3;leg1;500;300;0;0;300;;;300', // 9: S3 does not vote in leg1
  'S3;pres;500;300;0;0;300;100;200;7', // 10: CAROL is not a candidate of pres
  'S2;pres;800;;5;5;490;290;200;', // 11: votants empty
  'S2;pres;800;500;5;5;490;290;200;;oops', // 12: a field beyond the header
  'S2;euro;800;500;5;5;490;290;200;', // 13: no contest euro
])

/** What the report says of each line, without the sentences (asserted apart). */
const MIXED_REJECTIONS = [
  { line: 3, stationId: 'S2', code: 'invalid-row', fields: [{ path: 'ALICE', message: '"2x0" is not a whole number' }] },
  { line: 4, stationId: 'S3', code: 'invalid-row', fields: [{ path: 'blancs', message: '"-3" is negative' }] },
  { line: 5, stationId: 'S9', electionId: 'e2024', code: 'unknown-station', fields: [{ path: 'station', message: 'unknown station' }] },
  { line: 8, stationId: 'S3', electionId: 'e2024', contestId: 'pres', code: 'invalid-row', fields: [{ path: 'BOB', message: 'empty: write the candidate’s votes (0 if none)' }] },
  { line: 9, stationId: 'S3', electionId: 'e2024', contestId: 'leg1', code: 'unknown-station', fields: [{ path: 'contest', message: 'station not in this contest' }] },
  { line: 10, stationId: 'S3', electionId: 'e2024', contestId: 'pres', code: 'unknown-candidate', fields: [{ path: 'CAROL', message: 'not a candidate of contest pres' }] },
  { line: 11, stationId: 'S2', code: 'invalid-row', fields: [{ path: 'votants', message: 'empty: write the figure of the tally sheet (0 if none)' }] },
  { line: 12, stationId: 'S2', code: 'invalid-row', fields: [{ path: '(row)', message: '11 fields, but the header names 10 columns' }] },
  { line: 13, stationId: 'S2', electionId: 'e2024', contestId: 'euro', code: 'unknown-contest', fields: [{ path: 'contest', message: 'unknown contest' }] },
]

/** A bus whose produces on `[returns]` are counted. */
function countingProduces(): { wrap: (bus: Bus) => Bus; count: () => number } {
  let n = 0
  return {
    count: () => n,
    wrap: (bus) => ({
      ...bus,
      produce: async (topic, records) => {
        if (topic === TOPICS.returns) n++
        return bus.produce(topic, records)
      },
    }),
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a report line, asserted field by field
function withoutMessage(r: any) {
  if (r.status !== 'rejected') return r
  const { error, ...rest } = r
  return { ...rest, code: error.code, fields: error.fields }
}

async function busReturns(h: Harness) {
  return (await h.returnsOnBus()).map(({ message }) => message)
}

t.test('good and bad rows: an exact report per line, only the good rows on the bus, in one produce', async (t) => {
  const produces = countingProduces()
  const h = await startIngest(t, { wrapBus: produces.wrap })
  const answer = await uploadCsv(h.url, MIXED)
  t.equal(answer.status, 200)
  const { results, ...totals } = answer.json
  t.same(totals, { layout: 'simple', encoding: 'utf-8', delimiter: ';', notes: [], lines: 11, accepted: 2, rejected: 9, returns: 2 })
  t.same(
    results.map(withoutMessage),
    [
      acceptedLine(CLIENT, 2, S1_PRES),
      ...MIXED_REJECTIONS.slice(0, 3).map((r) => ({ status: 'rejected', ...r })),
      acceptedLine(CLIENT, 7, S1_LEG1),
      ...MIXED_REJECTIONS.slice(3).map((r) => ({ status: 'rejected', ...r })),
    ],
    'line by line: status, receipt or code and the columns at fault',
  )
  const messages = Object.fromEntries(results.filter((r: { status: string }) => r.status === 'rejected').map((r: { line: number; error: { message: string } }) => [r.line, r.error.message]))
  t.equal(messages[3], 'This row cannot be read: ALICE — "2x0" is not a whole number. Fix it and upload the file again.')
  t.match(messages[5], /no polling station "S9"/)
  t.match(messages[9], /"S3" does not vote in contest "leg1"/)
  t.match(messages[10], /Contest "pres" has no candidate "CAROL"/)
  t.match(messages[13], /no contest "euro"/)

  t.equal(produces.count(), 1, 'one produce for the whole file')
  const onBus = await busReturns(h)
  t.same(
    onBus.map((m) => ({ stationId: m.stationId, contestId: m.contestId, counts: m.counts, channel: m.channel, submittedBy: m.submittedBy, receipt: m.receipt })),
    [S1_PRES, S1_LEG1].map((r) => ({ stationId: r.stationId, contestId: r.contestId, counts: r.counts, channel: 'csv', submittedBy: CLIENT, receipt: derivedIdentity(CLIENT, r).receipt })),
    'the accepted returns, with the receipts the report gave',
  )
  const metrics = await h.metricsText()
  t.match(metrics, /ingest_returns_accepted_total\{endpoint="csv",replayed="false"\} 2/)
  t.match(metrics, /ingest_returns_rejected_total\{code="invalid-row"\} 5/)
})

t.test('the same file uploaded again: every accepted line replays its receipt, nothing is produced again', async (t) => {
  const produces = countingProduces()
  const h = await startIngest(t, { wrapBus: produces.wrap })
  const first = await uploadCsv(h.url, MIXED)
  const again = await uploadCsv(h.url, MIXED)
  t.equal(again.status, 200)
  t.equal(again.json.returns, 2)
  t.same(
    again.json.results.filter((r: { status: string }) => r.status === 'accepted'),
    [acceptedLine(CLIENT, 2, S1_PRES, true), acceptedLine(CLIENT, 7, S1_LEG1, true)],
    'replayed, with the first upload’s receipts',
  )
  t.same(
    again.json.results.filter((r: { status: string }) => r.status === 'rejected'),
    first.json.results.filter((r: { status: string }) => r.status === 'rejected'),
    'the same rejections',
  )
  t.equal(produces.count(), 1, 'the second upload produced nothing')
  t.equal((await busReturns(h)).length, 2)

  // The same sheets in another order, with CRLF and "," are still the same returns.
  const reordered = csvText(['station,contest,registered,voters,blank,invalid,valid,BOB,ALICE', 'S1,pres,1000,700,10,5,685,285,400'], '\r\n')
  const third = await uploadCsv(h.url, reordered)
  t.same(third.json.results, [acceptedLine(CLIENT, 2, S1_PRES, true)], 'column order and separators do not make a new return')
  t.equal((await busReturns(h)).length, 2)
})

t.test('a corrected figure is a new return (for the desk), never a second count of the old one', async (t) => {
  const h = await startIngest(t)
  await uploadCsv(h.url, csvText([HEADER, 'S3;pres;500;300;0;0;300;100;200;']))
  const corrected = await uploadCsv(h.url, csvText([HEADER, 'S3;pres;500;300;0;0;300;101;199;']))
  t.equal(corrected.json.accepted, 1)
  t.notOk(corrected.json.results[0].replayed)
  const onBus = await busReturns(h)
  t.equal(onBus.length, 2, 'two returns for S3: consolidation sees the second as a correction')
  t.not(onBus[0]?.returnId, onBus[1]?.returnId)
})

t.test('Idempotency-Key: a retry replays; another sheet for a station under the same key is a 409 on its line', async (t) => {
  const h = await startIngest(t)
  const headers = { 'Idempotency-Key': 'mairie-upload-42' }
  const file = csvText([HEADER, 'S1;pres;1000;700;10;5;685;400;285;', 'S3;pres;500;300;0;0;300;100;200;'])
  const first = await uploadCsv(h.url, file, { headers })
  t.equal(first.status, 200)
  t.same(
    first.json.results.map((r: { returnId: string }) => r.returnId),
    [`${CLIENT}:mairie-upload-42/e2024/pres/S1`, `${CLIENT}:mairie-upload-42/e2024/pres/S3`],
    'each return’s id is the key, its election, contest and station',
  )
  const retry = await uploadCsv(h.url, file, { headers })
  t.same(
    retry.json.results.map((r: { status: string; replayed?: boolean; receipt: string }) => [r.status, r.replayed, r.receipt]),
    first.json.results.map((r: { receipt: string }) => ['accepted', true, r.receipt]),
  )
  const changed = csvText([HEADER, 'S1;pres;1000;700;10;5;685;400;285;', 'S3;pres;500;300;0;0;300;150;150;'])
  const conflict = await uploadCsv(h.url, changed, { headers })
  t.equal(conflict.status, 200)
  t.equal(conflict.json.results[0].status, 'accepted')
  t.equal(conflict.json.results[0].replayed, true)
  t.same(withoutMessage(conflict.json.results[1]), {
    line: 3,
    status: 'rejected',
    electionId: 'e2024',
    contestId: 'pres',
    stationId: 'S3',
    code: 'idempotency-conflict',
    fields: undefined,
  })
  t.equal((await busReturns(h)).length, 2, 'the changed sheet was not produced')

  const tooLong = await uploadCsv(h.url, file, { headers: { 'Idempotency-Key': 'k'.repeat(190) } })
  t.equal(tooLong.status, 400)
  t.equal(tooLong.json.error.code, 'invalid-header')
  t.match(tooLong.json.error.message, /Idempotency-Key is too long/)
  const bad = await uploadCsv(h.url, file, { headers: { 'Idempotency-Key': 'clé' } })
  t.equal(bad.status, 400)
  t.equal(bad.json.error.code, 'invalid-header')
})

t.test('rows of one station: identical rows are one return; rows that disagree are all refused', async (t) => {
  const h = await startIngest(t)
  const answer = await uploadCsv(
    h.url,
    csvText([
      HEADER,
      'S3;pres;500;300;0;0;300;100;200;',
      'S1;pres;1000;700;10;5;685;400;285;',
      'S3;pres;500;300;0;0;300;100;200;',
      'S1;pres;1000;701;10;5;685;400;285;',
      'S1;pres;1000;700;10;5;685;399;286;',
    ]),
  )
  t.same(answer.json.results.filter((r: { stationId: string }) => r.stationId === 'S3'), [
    acceptedLine(CLIENT, 2, S3_PRES),
    acceptedLine(CLIENT, 4, S3_PRES),
  ], 'the repeated S3 row is the same return, with the same receipt')
  const s1 = answer.json.results.filter((r: { stationId: string }) => r.stationId === 'S1')
  t.same(s1.map((r: { line: number; error: { code: string } }) => [r.line, r.error.code]), [
    [3, 'duplicate-station'],
    [5, 'duplicate-station'],
    [6, 'duplicate-station'],
  ])
  t.same(s1[0].error.fields, [
    { path: 'votants', message: '700 on line 3, 701 on line 5, 700 on line 6' },
    { path: 'ALICE', message: '400 on line 3, 399 on line 6' },
    { path: 'BOB', message: '285 on line 3, 286 on line 6' },
  ])
  t.match(s1[0].error.message, /"S1" \(contest pres\) is on lines 3, 5, 6 with different figures/)
  t.equal(answer.json.returns, 1)
  t.same((await busReturns(h)).map((m) => m.stationId), ['S3'], 'S3 once, S1 not at all')
})

t.test('Accept: text/csv gives the report as a CSV a spreadsheet opens', async (t) => {
  const h = await startIngest(t)
  const answer = await uploadCsv(h.url, csvText([HEADER, 'S1;pres;1000;700;10;5;685;400;285;', '=HYPERLINK("x");pres;1;1;0;0;1;1;0;']), {
    headers: { accept: 'text/csv' },
  })
  t.equal(answer.status, 200)
  t.match(answer.headers.get('content-type'), /^text\/csv; charset=utf-8/)
  t.ok(answer.text.startsWith('\uFEFFline;status;election;contest;station;receipt;return_id;replayed;code;message;fields\r\n'))
  const lines = answer.text.slice(1).split('\r\n')
  const { receipt, returnId } = derivedIdentity(CLIENT, S1_PRES)
  t.equal(lines[1], `2;accepted;e2024;pres;S1;${receipt};${returnId};;;;`)
  t.match(lines[2], /^3;rejected;;;"'=HYPERLINK\(""x""\)";;;;invalid-row;/, 'text from the file cannot become a formula')
  t.equal(lines[3], '', 'the report ends with a line break')
})

t.test('a produce that is not confirmed: 503 not-durable, no receipt for any line', async (t) => {
  const h = await startIngest(t, { wrapBus: returnsNeverDurable })
  const answer = await uploadCsv(h.url, MIXED)
  t.equal(answer.status, 503)
  t.equal(answer.json.error.code, 'not-durable')
  t.match(answer.headers.get('retry-after'), /^[1-9]\d*$/)
  t.same(Object.keys(answer.json), ['error'], 'an error and nothing else: no line, no receipt')
  t.same(await busReturns(h), [])
})

t.test('where rows without election or contest columns go: the query, the only election, the only contest', async (t) => {
  const h = await startIngest(t)
  const noContest = csvText(['station;inscrits;votants;blancs;nuls;exprimes;ALICE;BOB', 'S3;500;300;0;0;300;100;200', 'S1;1000;700;10;5;685;400;285'])
  const answer = await uploadCsv(h.url, noContest)
  t.same(answer.json.results[0], acceptedLine(CLIENT, 2, S3_PRES), 'S3 votes in pres only')
  t.equal(answer.json.results[1].error.code, 'unknown-contest')
  t.match(answer.json.results[1].error.message, /"S1" votes in 2 contests \(pres, leg1\)/)
  const withQuery = await uploadCsv(h.url, noContest, { query: { electionId: 'e2024', contestId: 'pres' } })
  t.same(withQuery.json.results, [acceptedLine(CLIENT, 2, S3_PRES, true), acceptedLine(CLIENT, 3, S1_PRES)])

  const unknownElection = await uploadCsv(h.url, noContest, { query: { electionId: 'e1999' } })
  t.equal(unknownElection.status, 422)
  t.equal(unknownElection.json.error.code, 'unknown-election')
  const unknownContest = await uploadCsv(h.url, noContest, { query: { contestId: 'euro' } })
  t.equal(unknownContest.status, 422)
  t.equal(unknownContest.json.error.code, 'unknown-contest')
  const misspelt = await uploadCsv(h.url, noContest, { query: { election: 'e2024' } })
  t.equal(misspelt.status, 400)
  t.equal(misspelt.json.error.code, 'invalid-query')
  t.same(misspelt.json.error.fields, [{ path: 'election', message: 'unknown field' }])
})
