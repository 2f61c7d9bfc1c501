// From a town hall's upload to the published page: the whole pipeline in one process (openRuntime:
// embedded bus, PGlite, publisher writing OUTPUT_DIR), a CSV with good and bad rows posted to the
// ingest API, and index.json showing the sums of the accepted rows, and only those, even after the
// same file is uploaded a second time.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import t from 'tap'
import { publishDefinition } from '../../bin/load-election.js'
import { readResultsFile } from '../../bin/import/results-file.js'
import { openRuntime } from '../../bin/runtime.js'
import { parseConfig } from '../../infra/config.js'
import { silentLogger } from '../../infra/logging.js'
import { nameKey } from '../helpers/run-elections.js'
import { readJson, type PublishedArea } from '../helpers/published-totals.js'
import { wideTotals } from '../helpers/wide-results.js'
import { uploadCsv } from '../fixtures/csv-upload.js'

const WIDE = resolve(import.meta.dirname, '../fixtures/results/2017-presidentielle-1-extrait_large.csv')

t.test('a CSV with good and bad rows: the national page shows the sums of the accepted rows', async (t) => {
  const dir = t.testdir({})
  const parsed = parseConfig({ DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out'), LOG_LEVEL: 'silent' })
  if (!parsed.ok) throw new Error(parsed.problems.join('; '))
  const runtime = await openRuntime(parsed.config, silentLogger(), { serveSite: false, ephemeralIngestPort: true })
  t.teardown(() => runtime.close())
  const { definition } = await readResultsFile(WIDE, { electionId: 'pr17' })
  await publishDefinition(runtime.bus, definition)
  await runtime.ingest.waitForElection('pr17')

  const [headerLine = '', ...lines] = readFileSync(WIDE, 'utf8').split('\n').filter((l) => l !== '')
  const header = headerLine.split(',')
  const rows = lines.map((l) => l.split(','))
  const column = (name: string) => header.indexOf(name)
  const set = (row: string[] | undefined, name: string, value: string): string[] => {
    const copy = [...(row ?? [])]
    copy[column(name)] = value
    return copy
  }
  // Line numbers are the file's: line 1 is the header, so rows[i] is line i + 2.
  const bad = new Set([1, 3, 5])
  const uploaded = [
    header,
    ...rows.map((r, i) => (i === 1 ? set(r, 'MACRON', '12a') : i === 3 ? set(r, 'bureau', '9999') : r)),
    set(rows[5], 'votants', String(Number(rows[5]?.[column('votants')]) + 1)),
  ]
  const body = uploaded.map((r) => r.join(',')).join('\r\n')
  const token = runtime.apiToken.token

  const answer = await uploadCsv(runtime.ingestUrl, body, { token })
  t.equal(answer.status, 200)
  t.same(
    answer.json.results.filter((r: { status: string }) => r.status === 'rejected').map((r: { line: number; error: { code: string } }) => [r.line, r.error.code]),
    [
      [3, 'invalid-row'],
      [5, 'unknown-station'],
      [7, 'duplicate-station'],
      [rows.length + 2, 'duplicate-station'],
    ],
  )
  const accepted = rows.filter((_, i) => !bad.has(i))
  t.equal(answer.json.returns, accepted.length)

  const publishedAfter = async () => {
    await runtime.consolidator.caughtUp()
    await runtime.publisher.caughtUp()
    await runtime.publisher.publishNow()
    return readJson<PublishedArea>(join(dir, 'out', 'index.json'))
  }
  const expected = wideTotals(header, accepted)
  const assertPage = (page: PublishedArea, label: string) => {
    t.same(page.stations, { reported: accepted.length, total: rows.length }, `${label}: stations reported out of the election's`)
    t.same(
      { registered: page.registered, voters: page.voters, blank: page.blank, invalid: page.invalid, valid: page.valid },
      { registered: expected.registered, voters: expected.voters, blank: expected.blank, invalid: expected.invalid, valid: expected.valid },
      `${label}: the figures are the sums of the accepted rows`,
    )
    t.same(
      Object.fromEntries(page.candidates.map((c) => [nameKey(c.name), c.votes])),
      Object.fromEntries(Object.entries(expected.candidates).map(([name, votes]) => [nameKey(name), votes])),
      `${label}: every candidate's votes`,
    )
  }
  const first = await publishedAfter()
  assertPage(first, 'after the upload')

  const again = await uploadCsv(runtime.ingestUrl, body, { token })
  t.equal(again.json.results.filter((r: { replayed?: boolean }) => r.replayed).length, accepted.length, 'the second upload replays every accepted line')
  const second = await publishedAfter()
  assertPage(second, 'after the same file again')
  t.equal(second.snapshot, first.snapshot, 'nothing new was counted')
})
