// Every layout and every encoding the CSV endpoint reads: the Ministry's official layout (Latin-1,
// ";", CRLF, a block per candidate), its long form (a row per candidate), the wide layout (UTF-8,
// ","), the simple layout with a BOM, ";", "," or tabs, Latin-1 with accented names, CR or CRLF
// line ends, gzip; and a sample of the real 2017 file when it is beside the repository.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import t, { type Test } from 'tap'
import { readResultsFile, type ImportedElection } from '../../bin/import/results-file.js'
import type { ElectionDefinition } from '../../core/schemas.js'
import { ROUND1_FILE, sharedDataFile } from '../helpers/shared-data.js'
import { wideTotals, writeSubset } from '../helpers/wide-results.js'
import { CLIENT, ingestTestElection, startIngest, type Harness } from '../fixtures/ingest-harness.js'
import { acceptedLine, csvText, S1_PRES, S3_PRES, uploadCsv, type ExpectedReturn } from '../fixtures/csv-upload.js'

const FIXTURES = resolve(import.meta.dirname, '../fixtures/results')
const OFFICIAL = join(FIXTURES, 'PR17_BVot_T1_extrait.txt')
const WIDE = join(FIXTURES, '2017-presidentielle-1-extrait_large.csv')
const FIXTURE_ROWS = 30

/** The fixture's election as `elections election load` puts it on the bus, under a short id. */
async function importedFrom(path: string): Promise<ImportedElection> {
  return readResultsFile(path, { electionId: 'pr17' })
}

function expectedReturns(imported: ImportedElection): ExpectedReturn[] {
  return imported.returns.map((r) => ({ electionId: 'pr17', contestId: r.contestId, stationId: r.stationId, counts: r.counts }))
}

/** Every line accepted, each with the return the importer reads from the same line. */
function assertAllAccepted(t: Test, answer: { status: number; json: { results: unknown[]; accepted: number } }, imported: ImportedElection): void {
  t.equal(answer.status, 200)
  t.equal(answer.json.accepted, FIXTURE_ROWS)
  t.same(
    answer.json.results,
    expectedReturns(imported).map((r, i) => acceptedLine(CLIENT, imported.returns[i]?.line ?? 0, r)),
    'each line: the station and the figures the importer reads, with their receipt',
  )
}

async function busCounts(h: Harness) {
  return Object.fromEntries((await h.returnsOnBus()).map(({ message }) => [message.stationId, message.counts]))
}

t.test('the Ministry official layout: Latin-1, ";", CRLF, a block per candidate, accented names', async (t) => {
  const imported = await importedFrom(OFFICIAL)
  const h = await startIngest(t, { election: imported.definition })
  const bytes = readFileSync(OFFICIAL)
  t.ok(bytes.includes(Buffer.from('MÉLENCHON', 'latin1')) && bytes.includes(Buffer.from('\r\n')), 'the fixture is Latin-1 with CRLF')
  const answer = await uploadCsv(h.url, bytes)
  t.match(answer.json, { layout: 'ministry-official', encoding: 'windows-1252', delimiter: ';' })
  t.match(answer.json.notes, [/not valid UTF-8; it was read as Windows-1252/])
  assertAllAccepted(t, answer, imported)
  t.same(await busCounts(h), Object.fromEntries(imported.returns.map((r) => [r.stationId, r.counts])), 'the bus holds the importer’s figures')

  const declared = await uploadCsv(h.url, bytes, { headers: { 'content-type': 'text/csv; charset=ISO-8859-1' } })
  t.equal(declared.json.encoding, 'windows-1252')
  t.same(declared.json.notes, [], 'a declared Latin-1 needs no note')
  t.equal(declared.json.results.filter((r: { replayed?: boolean }) => r.replayed).length, FIXTURE_ROWS, 'the same sheets: replayed')
})

t.test('the Ministry long layout: the official columns, one row per candidate, rows of a station make one return', async (t) => {
  const imported = await importedFrom(OFFICIAL)
  const h = await startIngest(t, { election: imported.definition })
  const [header = '', ...rows] = readFileSync(OFFICIAL, 'latin1').split('\r\n').filter((l) => l !== '')
  const blockStart = header.split(';').indexOf('N°Panneau')
  const blockSize = header.split(';').length - blockStart
  const long: string[] = [header]
  const firstLineOf: number[] = []
  for (const row of rows) {
    const fields = row.split(';')
    firstLineOf.push(long.length + 1)
    for (let start = blockStart; start < fields.length; start += blockSize) {
      long.push([...fields.slice(0, blockStart), ...fields.slice(start, start + blockSize)].join(';'))
    }
  }
  const answer = await uploadCsv(h.url, Buffer.from(csvText(long, '\r\n'), 'latin1'))
  t.equal(answer.status, 200)
  t.equal(answer.json.layout, 'ministry-official')
  t.equal(answer.json.lines, FIXTURE_ROWS * 11)
  t.equal(answer.json.accepted, FIXTURE_ROWS * 11)
  t.equal(answer.json.returns, FIXTURE_ROWS, 'eleven rows, one return per station')
  const expected = expectedReturns(imported)
  t.same(
    answer.json.results.filter((r: { line: number }) => firstLineOf.includes(r.line)),
    expected.map((r, i) => acceptedLine(CLIENT, firstLineOf[i] ?? 0, r)),
    'the first line of each station carries the return the importer reads from the block layout',
  )
  t.same(await busCounts(h), Object.fromEntries(imported.returns.map((r) => [r.stationId, r.counts])))

  // A station missing a candidate's row, and one whose rows disagree on a figure.
  const [station1, station2] = [long.slice(1, 12), long.slice(12, 23)]
  t.equal(station1[10]?.split(';')[blockStart], '11', 'the row left out below is FILLON’s (ballot 11)')
  const broken = [header, ...station1.slice(0, 10), ...station2.map((l, i) => (i === 3 ? l.replace(';209;', ';210;') : l))]
  const refused = await uploadCsv(h.url, Buffer.from(csvText(broken, '\r\n'), 'latin1'))
  const codes = refused.json.results.map((r: { line: number; error: { code: string } }) => [r.line, r.error.code])
  t.same(codes, [
    ...Array.from({ length: 10 }, (_, i) => [2 + i, 'missing-candidate']),
    ...Array.from({ length: 11 }, (_, i) => [12 + i, 'duplicate-station']),
  ])
  t.match(refused.json.results[0].error.message, /No figure for François Fillon \(FILLON\)/)
  const inscrits = Array.from({ length: 11 }, (_, i) => `${i === 3 ? 210 : 209} on line ${12 + i}`).join(', ')
  t.same(refused.json.results[10].error.fields, [{ path: 'Inscrits', message: inscrits }])
})

t.test('the wide layout, against a definition loaded from the official file: candidates matched by name', async (t) => {
  const official = await importedFrom(OFFICIAL)
  const wide = await importedFrom(WIDE)
  const h = await startIngest(t, { election: official.definition })
  const answer = await uploadCsv(h.url, readFileSync(WIDE))
  t.match(answer.json, { layout: 'ministry-wide', encoding: 'utf-8', delimiter: ',', notes: [] })
  // The same stations and figures as the official file (nuls derived = Nuls), in the official candidates' ids.
  assertAllAccepted(t, answer, official)
  t.same(
    expectedReturns(wide).map((r) => r.counts.votes.MELENCHON),
    expectedReturns(official).map((r) => r.counts.votes.MELENCHON),
    '"MÉLENCHON" is Jean-Luc Mélenchon',
  )

  // Against a definition whose ballot numbers are another order, blocks are refused by name.
  const h2 = await startIngest(t, { election: wide.definition })
  const mismatch = await uploadCsv(h2.url, readFileSync(OFFICIAL))
  t.equal(mismatch.json.accepted, 0)
  t.equal(mismatch.json.results[0].error.code, 'unknown-candidate')
  t.match(mismatch.json.results[0].error.fields[0], {
    path: 'N°Panneau 1 (DUPONT-AIGNAN)',
    message: 'ballot number 1 is Arthaud in contest pres, not DUPONT-AIGNAN',
  })
})

/** An election whose names need accents: what a town hall's Windows-1252 export must keep. */
function accentedElection(): ElectionDefinition {
  const base = ingestTestElection()
  const [pres] = base.election.contests
  const candidates = [
    { id: 'LEFEVRE', ballot: 1, name: 'Élise Lefèvre' },
    { id: 'GERARD', ballot: 2, name: 'François Gérard' },
  ]
  return { ...base, election: { ...base.election, contests: pres ? [{ ...pres, candidates }] : [] } }
}

const S1_ACCENTED: ExpectedReturn = { ...S1_PRES, counts: { ...S1_PRES.counts, votes: { LEFEVRE: 400, GERARD: 285 } } }

t.test('the simple layout in Latin-1 with accented commune and candidate names, declared or not', async (t) => {
  const h = await startIngest(t, { election: accentedElection() })
  const text = csvText(['commune;station;inscrits;votants;blancs;nuls;exprimés;Élise Lefèvre;GÉRARD', 'L’Haÿ-les-Roses;S1;1000;700;10;5;685;400;285'], '\r\n')
  const cp1252 = Buffer.from(new Uint8Array([...text].map((c) => (c === '’' ? 0x92 : c.charCodeAt(0)))))
  t.equal(cp1252.length, text.length, 'one byte per character')
  const guessed = await uploadCsv(h.url, cp1252)
  t.match(guessed.json, { layout: 'simple', encoding: 'windows-1252', notes: [/not valid UTF-8/] })
  t.same(guessed.json.results, [acceptedLine(CLIENT, 2, S1_ACCENTED)])
  const declared = await uploadCsv(h.url, cp1252, { headers: { 'content-type': 'text/csv; charset=windows-1252' } })
  t.match(declared.json, { encoding: 'windows-1252', notes: [] })
  const misdeclared = await uploadCsv(h.url, cp1252, { headers: { 'content-type': 'text/csv; charset=utf-8' } })
  t.match(misdeclared.json.notes, [/The request said charset=utf-8, but the file is not valid UTF-8; it was read as Windows-1252/])
  const utf8 = await uploadCsv(h.url, Buffer.from(text, 'utf8'))
  t.match(utf8.json, { encoding: 'utf-8', notes: [] })
  const utf16 = await uploadCsv(h.url, Buffer.from(`\uFEFF${text}`, 'utf16le'))
  t.match(utf16.json, { encoding: 'utf-16le', notes: [] }, 'Excel’s "Unicode text", by its BOM')
  const answers = [declared, misdeclared, utf8, utf16]
  t.same(answers.map((a) => a.json.results), Array(answers.length).fill([acceptedLine(CLIENT, 2, S1_ACCENTED, true)]), 'the same sheet each time')

  const unsupported = await uploadCsv(h.url, cp1252, { headers: { 'content-type': 'text/csv; charset=klingon' } })
  t.equal(unsupported.status, 415)
  t.equal(unsupported.json.error.code, 'unsupported-media-type')
  t.match(unsupported.json.error.message, /charset "klingon"/)
})

t.test('the simple layout: a BOM, ";", ",", tabs, CR, CRLF or LF, quoted fields over several lines', async (t) => {
  const h = await startIngest(t)
  const rows = (d: string) => [
    ['election', 'contest', 'station', 'station_name', 'registered', 'voters', 'blank', 'invalid', 'valid', 'ALICE', 'BOB'].join(d),
    ['e2024', 'pres', 'S3', 'Town hall', '500', '300', '0', '0', '300', '100', '200'].join(d),
  ]
  const variants: [string, string, string][] = [
    ['BOM and ","', `\uFEFF${csvText(rows(','))}`, ','],
    ['BOM and ";" with CRLF', `\uFEFF${csvText(rows(';'), '\r\n')}`, ';'],
    ['tabs', csvText(rows('\t')), '\t'],
    ['CR line ends', csvText(rows(';'), '\r'), ';'],
    ['no line end after the last row', rows(',').join('\n'), ','],
  ]
  for (const [i, [label, body, delimiter]] of variants.entries()) {
    const answer = await uploadCsv(h.url, body)
    t.match(answer.json, { layout: 'simple', encoding: 'utf-8', delimiter, lines: 1 }, label)
    t.same(answer.json.results, [acceptedLine(CLIENT, 2, S3_PRES, i > 0)], `${label}: the same return`)
  }

  const multiline = csvText([
    'station;inscrits;votants;blancs;nuls;exprimes;ALICE;BOB;comment',
    'S3;500;300;0;0;300;100;200;"recount asked;',
    'by the president"',
    'S3;500;300;0;0;300;100;200;',
    'S2;800;500;5;5;490;29o;200;',
  ])
  const answer = await uploadCsv(h.url, multiline, { query: { contestId: 'pres' } })
  t.same(answer.json.results.map((r: { line: number }) => r.line), [2, 4, 5], 'a line break inside quotes is counted')
  t.equal(answer.json.results[2].error.fields[0].path, 'ALICE')
})

t.test('gzip: as Content-Encoding or as a .gz file', async (t) => {
  const imported = await importedFrom(WIDE)
  const h = await startIngest(t, { election: imported.definition })
  const zipped = gzipSync(readFileSync(WIDE))
  const encoded = await uploadCsv(h.url, zipped, { headers: { 'content-encoding': 'gzip' } })
  assertAllAccepted(t, encoded, imported)
  const file = await uploadCsv(h.url, zipped, { headers: { 'content-type': 'application/gzip' } })
  t.equal(file.json.accepted, FIXTURE_ROWS)
  t.equal(file.json.results.filter((r: { replayed?: boolean }) => r.replayed).length, FIXTURE_ROWS)
})

t.test('a sample of the real 2017 file: every station accepted with its figures', async (t) => {
  const source = sharedDataFile(t, ROUND1_FILE)
  if (!source) return
  const dir = t.testdir({})
  const file = join(dir, 'corse-guadeloupe.csv')
  const { header, rows } = writeSubset(source, ['2A', '2B', 'ZA'], file)
  const imported = await readResultsFile(file, { electionId: 'pr17' })
  const h = await startIngest(t, { election: imported.definition })
  const answer = await uploadCsv(h.url, readFileSync(file))
  t.equal(answer.status, 200)
  t.equal(answer.json.accepted, rows.length)
  t.equal(answer.json.returns, rows.length)
  const counts = (await h.returnsOnBus()).map(({ message }) => message.counts)
  const sum = (f: (c: (typeof counts)[number]) => number) => counts.reduce((n, c) => n + f(c), 0)
  const expected = wideTotals(header, rows)
  t.same(
    { stations: counts.length, registered: sum((c) => c.registered), voters: sum((c) => c.voters), invalid: sum((c) => c.invalid), valid: sum((c) => c.valid) },
    { stations: expected.stations, registered: expected.registered, voters: expected.voters, invalid: expected.invalid, valid: expected.valid },
  )
  t.equal(sum((c) => c.votes.MACRON ?? 0), expected.candidates.MACRON)
  t.equal(sum((c) => c.votes.MELENCHON ?? 0), expected.candidates['MÉLENCHON'])
})
