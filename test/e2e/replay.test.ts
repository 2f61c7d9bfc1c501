// `elections replay` end to end on real 2017 data: the published totals equal sums computed
// straight from the CSV, and a replay killed with SIGKILL then run again loses nothing and
// counts nothing twice.
import t from 'tap'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { ROUND1_FILE, sharedDataFile } from '../helpers/shared-data.js'
import { wideTotals, writeSubset } from '../helpers/wide-results.js'
import { runElections, startElections } from '../helpers/run-elections.js'
import { assertTotals, readJson, type PublishedArea } from '../helpers/published-totals.js'

t.test('replay of Paris: totals equal the CSV sums; the commune page lists every station', async (t) => {
  const source = sharedDataFile(t, ROUND1_FILE)
  if (!source) return
  const dir = t.testdir({})
  const file = join(dir, 'paris.csv')
  const { header, rows } = writeSubset(source, ['75'], file)
  const expected = wideTotals(header, rows)
  t.ok(expected.stations > 800, 'Paris has hundreds of stations')

  const env = { DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out') }
  const result = await runElections(['replay', file], env)
  t.equal(result.code, 0, `replay exits 0\n${result.stderr.slice(-2000)}`)
  t.match(result.stdout, /accepted:\s+\d+/)

  assertTotals(t, readJson<PublishedArea>(join(dir, 'out', 'index.json')), expected, 'national')
  assertTotals(t, readJson<PublishedArea>(join(dir, 'out', 'departement', '75', 'index.json')), expected, 'département 75')
  const communeHtml = readFileSync(join(dir, 'out', 'commune', '75056', 'index.html'), 'utf8')
  const missing = rows.map((r) => r[2] ?? '').filter((bureau) => !communeHtml.includes(bureau))
  t.same(missing, [], 'the Paris commune page lists every Paris station')
})

t.test('kill -9 in the middle of a replay, then the same replay again: nothing lost, nothing twice', async (t) => {
  const source = sharedDataFile(t, ROUND1_FILE)
  if (!source) return
  const dir = t.testdir({})
  const file = join(dir, 'north-and-south.csv')
  const { header, rows } = writeSubset(source, ['59', '62', '13', '75', '2A', 'ZA'], file)
  const expected = wideTotals(header, rows)
  const env = { DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out') }

  const first = startElections(['replay', file], env)
  const returnsLog = join(dir, 'data', 'bus', 'returns', 'log')
  // Kill once a good part of the returns is on the bus, while the replay is still running.
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline && first.child.exitCode === null) {
    if (existsSync(returnsLog) && statSync(returnsLog).size > 400 * 1000) break
    await new Promise((r) => setTimeout(r, 20))
  }
  t.equal(first.child.exitCode, null, 'the replay was still running when killed')
  first.child.kill('SIGKILL')
  const killed = await first.done
  t.equal(killed.signal, 'SIGKILL', 'the first replay died by SIGKILL')

  const second = await runElections(['replay', file], env)
  t.equal(second.code, 0, `the second replay exits 0\n${second.stderr.slice(-2000)}`)
  assertTotals(t, readJson<PublishedArea>(join(dir, 'out', 'index.json')), expected, 'national after kill -9 and replay')
  for (const dep of ['59', '13', 'ZA']) {
    const depRows = rows.filter((r) => r[0] === dep)
    assertTotals(t, readJson<PublishedArea>(join(dir, 'out', 'departement', dep, 'index.json')), wideTotals(header, depRows), `département ${dep}`)
  }
})
