// The `elections` command's answers to mistakes: a clear line, the right exit status, no stack trace.
import t from 'tap'
import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import { runElections } from '../helpers/run-elections.js'

t.test('an unknown command prints the usage and exits 64', async (t) => {
  const r = await runElections(['frobnicate'], {})
  t.equal(r.code, 64)
  t.match(r.stderr, /unknown command "frobnicate"/)
  t.match(r.stderr, /usage: elections/)
})

t.test('a bad configuration lists every problem and exits 78', async (t) => {
  const dir = t.testdir({})
  const r = await runElections(['start'], { PORT_SITE: 'eighty', PUBLISH_INTERVAL_MS: '0', DATA_DIR: join(dir, 'd') })
  t.equal(r.code, 78)
  t.match(r.stderr, /PORT_SITE/)
  t.match(r.stderr, /PUBLISH_INTERVAL_MS/)
})

t.test('a missing or unrecognised results file: one line, exit 66, no stack trace', async (t) => {
  const dir = t.testdir({ 'bad.csv': 'a,b\n1,2\n' })
  const missing = await runElections(['replay', join(dir, 'nope.csv')], { DATA_DIR: join(dir, 'd') })
  t.equal(missing.code, 66)
  t.match(missing.stderr, /no such file or directory/)
  t.notMatch(missing.stderr, /\n\s+at /, 'no stack trace')
  const bad = await runElections(['replay', join(dir, 'bad.csv')], { DATA_DIR: join(dir, 'd') })
  t.equal(bad.code, 66)
  t.match(bad.stderr, /Unrecognised results file header/)
  t.notMatch(bad.stderr, /\n\s+at /, 'no stack trace')
})

t.test('replay: an unknown channel, or phone calls to a remote ingest without the stations\' PINs, is a usage error', async (t) => {
  const dir = t.testdir({})
  writeFileSync(join(dir, 'f.csv'), 'x')
  const unknown = await runElections(['replay', join(dir, 'f.csv'), '--channel', 'fax'], {})
  t.equal(unknown.code, 64)
  t.match(unknown.stderr, /--channel must be upload, phone or both, not "fax"/)
  const noPins = await runElections(['replay', join(dir, 'f.csv'), '--channel', 'both', '--target', 'http://127.0.0.1:9', '--token', 'x'], {})
  t.equal(noPins.code, 64)
  t.match(noPins.stderr, /--target with --channel both needs --credentials FILE/)
})
