// The whole 2017 first round (69,242 stations) replayed in-process: the national page's totals
// equal the sums of the file's rows, computed here straight from the CSV, and match the figures
// proclaimed for that election.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROUND1_FILE, sharedDataFile } from '../helpers/shared-data.js'
import { readWideLines, wideTotals } from '../helpers/wide-results.js'
import { nameKey, runElections } from '../helpers/run-elections.js'

// The longest test of the suite: the embedded replay writes every area, station and English page of
// France with their variants (about 10 minutes on a busy 2-core CI machine), past the suite's 10.
t.setTimeout(30 * 60_000)

t.test('full France replay: national totals equal the file', async (t) => {
  const source = sharedDataFile(t, ROUND1_FILE)
  if (!source) return
  const { header, rows } = readWideLines(source)
  const expected = wideTotals(header, rows)
  // The proclaimed figures (shared/data/README.txt): a check of the independent sums themselves.
  t.equal(expected.stations, 69_242)
  t.equal(expected.registered, 47_582_183)
  t.equal(expected.candidates['MACRON'], 8_656_346)

  const dir = t.testdir({})
  const env = { DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out') }
  const result = await runElections(['replay', source], env)
  t.equal(result.code, 0, `replay exits 0\n${result.stderr.slice(-2000)}`)
  process.stderr.write(`# full France replay summary:\n${result.stdout.replace(/^/gm, '#   ')}\n`)

  const national = JSON.parse(readFileSync(join(dir, 'out', 'index.json'), 'utf8')) as {
    stations: { reported: number; total: number }
    registered: number; voters: number; blank: number; invalid: number; valid: number
    candidates: { name: string; votes: number }[]
  }
  t.equal(national.stations.reported, 69_242)
  t.equal(national.stations.total, 69_242)
  for (const f of ['registered', 'voters', 'blank', 'invalid', 'valid'] as const) t.equal(national[f], expected[f], f)
  t.same(
    Object.fromEntries(national.candidates.map((c) => [nameKey(c.name), c.votes])),
    Object.fromEntries(Object.entries(expected.candidates).map(([n, v]) => [nameKey(n), v])),
    'every candidate',
  )
  const status = JSON.parse(readFileSync(join(dir, 'out', 'status.json'), 'utf8')) as { stations: { reported: number; total: number } }
  t.same(status.stations, { reported: 69_242, total: 69_242 })
})
