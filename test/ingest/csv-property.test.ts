// Whatever bytes arrive, the CSV reader answers: a report in which every line of the file is
// accounted for once, or an error with a code and a sentence. Never an exception, never a 500.
import fc from 'fast-check'
import t from 'tap'
import { readCsvFile } from '../../ingest/csv/csv-file.js'
import { figureNames } from '../../ingest/csv/csv-layout.js'
import { assembleReturns } from '../../ingest/csv/csv-returns.js'
import { ingestTestElection, startIngest } from '../fixtures/ingest-harness.js'
import { uploadCsv } from '../fixtures/csv-upload.js'

const MAX_BYTES = 64 * 1024
const FILE_ERRORS = new Map([
  ['invalid-csv', 400],
  ['unsupported-media-type', 415],
  ['unknown-layout', 422],
  ['body-too-large', 413],
])
const ROW_ERRORS = new Set(['invalid-row', 'unknown-election', 'unknown-contest', 'unknown-station', 'unknown-candidate', 'duplicate-station', 'missing-candidate'])
const election = ingestTestElection()

/** Bytes of any kind: random, or text that looks like the layouts, in any encoding. */
const TOKENS = [
  'station', 'contest', 'election', 'inscrits', 'votants', 'blancs', 'nuls', 'exprimes', 'ALICE', 'BOB', 'CAROL', 'Alice A',
  'departement', 'commune', 'bureau', 'N°Panneau', 'Nom', 'Voix', 'Code du b.vote', 'S1', 'S2', 'S3', 'pres', 'leg1', 'e2024',
  '0', '1', '700', '-3', '1.5', '2x', '', ' ', '"', '""', '"a;b"', 'é', '’', '\u0000', '\uFEFF', '\uD800',
]
const SEPARATORS = [';', ',', '\t', '\n', '\r\n', '\r']
const csvLike = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.constantFrom(...SEPARATORS), fc.string({ maxLength: 4 })), { maxLength: 120 })
  .chain((parts) => fc.constantFrom<BufferEncoding>('utf8', 'latin1', 'utf16le').map((encoding) => Buffer.from(parts.join(''), encoding)))
/** A header of known columns (simple or Ministry wide) over rows of plausible and implausible cells. */
const COLUMNS = ['station', 'contest', 'election', 'inscrits', 'votants', 'blancs', 'nuls', 'exprimes', 'ALICE', 'BOB', 'CAROL', 'commune', 'Alice A']
const SIMPLE_HEADER = ['station', 'contest', 'inscrits', 'votants', 'blancs', 'nuls', 'exprimes', 'ALICE', 'BOB']
const WIDE_HEADER = ['departement', 'commune', 'bureau', 'circonscription', 'commune_libelle', 'inscrits', 'votants', 'blancs', 'exprimes', 'ALICE', 'BOB']
const CELLS = ['S1', 'S2', 'S3', 'S9', 'pres', 'leg1', 'e2024', '0', '1', '5', '10', '300', '500', '', '-1', 'x', '"q;u,o\nte"', '01', '056', '0001']
/** A cell for a column, most often a likely one, sometimes anything. */
const cellFor = (column: string): fc.Arbitrary<string> => {
  const likely: Record<string, fc.Arbitrary<string>> = {
    station: fc.constantFrom('S1', 'S2', 'S3', 'S9'),
    contest: fc.constantFrom('pres', 'leg1', ''),
    election: fc.constantFrom('e2024', ''),
  }
  return fc.oneof({ arbitrary: likely[column] ?? fc.nat(1000).map(String), weight: 9 }, { arbitrary: fc.constantFrom(...CELLS), weight: 1 })
}
const structured = fc
  .record({
    delimiter: fc.constantFrom(';', ',', '\t'),
    eol: fc.constantFrom('\n', '\r\n', '\r'),
    header: fc.oneof(
      fc.shuffledSubarray(COLUMNS, { minLength: 9 }),
      fc.shuffledSubarray(SIMPLE_HEADER, { minLength: SIMPLE_HEADER.length }),
      fc.constant(WIDE_HEADER),
    ),
    encoding: fc.constantFrom<BufferEncoding>('utf8', 'latin1'),
    bom: fc.boolean(),
  })
  .chain((file) => fc.array(fc.tuple(...file.header.map(cellFor)), { maxLength: 12 }).map((rows) => ({ ...file, rows })))
  .map(({ delimiter, eol, header, rows, encoding, bom }) => {
    const text = [header, ...rows].map((r) => r.join(delimiter)).join(eol)
    return Buffer.from(`${bom ? '\uFEFF' : ''}${text}`, encoding)
  })
const anyBytes = fc.oneof(fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)), csvLike, structured)
const charsets = fc.constantFrom(undefined, 'utf-8', 'iso-8859-1', 'windows-1252', 'utf-16le', 'klingon')

t.test('the reader: a report accounting for every line once, or a file error with a message', async (t) => {
  let reports = 0
  let errors = 0
  let withReturns = 0
  await fc.assert(
    fc.asyncProperty(anyBytes, charsets, async (bytes, charset) => {
      const file = await readCsvFile({ bytes, charset }, MAX_BYTES)
      if (!file.ok) {
        errors++
        return FILE_ERRORS.get(file.error.code) === file.error.status && file.error.message.length > 10
      }
      reports++
      const { layout, rows } = file.value
      const { returns, rejections } = await assembleReturns(
        rows.flatMap((r) => (r.ok ? [r.row] : [])),
        { defaults: { electionId: 'e2024', contestId: undefined }, definitionOf: (id) => (id === 'e2024' ? election : undefined), figureNames: figureNames(layout) },
      )
      if (returns.length > 0) withReturns++
      const lines = [...returns.flatMap((r) => r.lines), ...rejections.map((r) => r.line), ...rows.flatMap((r) => (r.ok ? [] : [r.line]))]
      const rowErrorsKnown = [...rejections, ...rows.flatMap((r) => (r.ok ? [] : [r]))].every((r) => ROW_ERRORS.has(r.error.code) && r.error.status === 422)
      return rowErrorsKnown && new Set(lines).size === rows.length && lines.length === rows.length && lines.every((l) => l >= 2)
    }),
    { numRuns: 1500 },
  )
  t.ok(reports > 50 && errors > 50, `both kinds of outcome were reached (${reports} reports, ${errors} file errors)`)
  t.ok(withReturns > 5, `some files gave returns (${withReturns})`)
})

t.test('over HTTP: a 200 report or a 4xx error, whatever the body', async (t) => {
  const h = await startIngest(t, { csvMaxBytes: 2048, rateLimits: { perClient: 100_000, perAddress: 100_000 } })
  await fc.assert(
    fc.asyncProperty(anyBytes, charsets, async (bytes, charset) => {
      const answer = await uploadCsv(h.url, bytes, { headers: { 'content-type': charset === undefined ? 'text/csv' : `text/csv; charset=${charset}` } })
      if (answer.status === 200) {
        const { lines, accepted, rejected, results } = answer.json
        return results.length === lines && accepted + rejected === lines
      }
      return FILE_ERRORS.get(answer.json?.error?.code) === answer.status && typeof answer.json.error.message === 'string'
    }),
    { numRuns: 150 },
  )
  t.pass('no body made the endpoint fail')
})
