// The real 2017 presidential files in ../shared/data. A user's machine has no such folder, so the
// test is skipped there; in CI the files must be present, and their absence fails the test.
import { existsSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { sumCounts } from '../../core/counts.js'
import { readResultsFile } from '../../bin/import/results-file.js'

const DATA_DIR = path.resolve(import.meta.dirname, '../../../shared/data')
const ROUND_1 = path.join(DATA_DIR, '2017-presidentielle-1_par_bureau_large.csv.gz')
const ROUND_2 = path.join(DATA_DIR, '2017-presidentielle-2_par_bureau_large.csv.gz')
const IN_CI = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0'

function realFileTest(file: string): { skip: string | false } {
  return { skip: existsSync(file) || IN_CI ? false : `${file} is absent (only CI requires it)` }
}

t.test('the full 2017 round-1 file: every station and the national totals', realFileTest(ROUND_1), async (t) => {
  if (!existsSync(ROUND_1)) {
    t.fail(`${ROUND_1} is missing, and CI requires it`)
    return
  }
  const started = performance.now()
  const imported = await readResultsFile(ROUND_1)
  const elapsedMs = performance.now() - started
  t.comment(`read ${imported.returns.length} rows in ${Math.round(elapsedMs)} ms`)

  t.equal(imported.layout, 'wide')
  t.same(imported.warnings, [])
  t.equal(imported.definition.stations.length, 69_242)
  t.equal(imported.returns.length, 69_242)
  t.equal(imported.definition.areas.filter((a) => a.level === 'departement').length, 107)
  t.equal(imported.definition.areas.filter((a) => a.level === 'commune').length, 35_719)
  t.match(imported.definition.election, {
    name: 'Élection présidentielle 2017 — 1er tour',
    round: 1,
    pollsCloseAt: '2017-04-23T18:00:00Z',
  })

  const total = sumCounts(imported.returns.map((r) => r.counts))
  t.equal(total.registered, 47_582_183)
  t.equal(total.voters, 37_003_728)
  t.equal(total.blank, 659_997)
  t.equal(total.invalid, 289_337)
  t.equal(total.valid, 36_054_394)
  t.equal(total.votes['MACRON'], 8_656_346)
  t.equal(total.votes['LE-PEN'], 7_678_491)
  t.equal(total.votes['MELENCHON'], 7_059_951)
  t.equal(
    imported.definition.stations.reduce((sum, s) => sum + s.registered, 0),
    47_582_183,
    'the stations’ reference registered voters are the file’s inscrits',
  )
})

t.test('the full 2017 round-2 file', realFileTest(ROUND_2), async (t) => {
  if (!existsSync(ROUND_2)) {
    t.fail(`${ROUND_2} is missing, and CI requires it`)
    return
  }
  const imported = await readResultsFile(ROUND_2)
  t.same(imported.warnings, [])
  t.equal(imported.returns.length, 69_242)
  t.match(imported.definition.election, { round: 2, pollsCloseAt: '2017-05-07T18:00:00Z' })
  const total = sumCounts(imported.returns.map((r) => r.counts))
  t.equal(total.registered, 47_568_693)
  t.equal(total.invalid, 1_064_225)
  t.same(total.votes, { 'LE-PEN': 10_638_475, MACRON: 20_743_128 })
})
