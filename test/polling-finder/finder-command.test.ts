// `elections finder build` as an operator runs it: the demo with the fixture inputs writes the
// finder and names every line it set aside; a file of the wrong layout stops with one line, exit 66.
import t from 'tap'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { runElections } from '../helpers/run-elections.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'finder')

t.test('finder build from the demo election and the simple layouts', async (t) => {
  const dir = t.testdir({})
  const out = join(dir, 'out')
  const r = await runElections(
    ['finder', 'build', '--places', join(FIXTURES, 'places-simple.csv'), '--addresses', join(FIXTURES, 'addresses-simple.csv')],
    { OUTPUT_DIR: out, DATA_DIR: join(dir, 'd') },
  )
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /finder written to .*\/finder\//)
  t.match(r.stdout, /every shard under 100 KB gzipped/)
  t.match(r.stderr, /places-simple\.csv: line 4: accessible is "peut-être"/)
  t.match(r.stderr, /places-simple\.csv: 3 line\(s\) set aside, 2 used/)
  t.match(r.stderr, /addresses-simple\.csv: line 9: no street \(voie\)/)
  t.match(r.stderr, /finder: \d+\/\d+/, 'a progress line')
  for (const file of ['finder/index.html', 'finder/index.html.gz', 'finder/index.html.br', 'finder/finder-lookup.js', 'finder/commune/35238/rues/index.html']) {
    t.ok(existsSync(join(out, file)), file)
  }
})

t.test('an input of the wrong layout: one line naming the missing columns, exit 66', async (t) => {
  const dir = t.testdir({ 'bad.csv': 'a;b\n1;2\n' })
  const r = await runElections(['finder', 'build', '--postcodes', join(dir, 'bad.csv')], { OUTPUT_DIR: join(dir, 'out'), DATA_DIR: join(dir, 'd') })
  t.equal(r.code, 66)
  t.match(r.stderr, /bad\.csv: not the La Poste's postcode \(laposte_hexasmal\) layout: missing column\(s\) Code_commune_INSEE/)
  t.notMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace')
})
