// `elections credentials issue|token` as an operator runs them: the files the prefecture hands
// out, a token printed once, and clear usage errors.
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { REPO_ROOT, runElections } from '../helpers/run-elections.js'

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'results', '2017-presidentielle-1-extrait_large.csv')

t.test('credentials issue writes a CSV row and a sheet entry for every station', async (t) => {
  const dir = t.testdir({})
  const env = { DATA_DIR: join(dir, 'data') }
  const r = await runElections(['credentials', 'issue', FIXTURE, '--out', join(dir, 'creds'), '--phone', '+33 1 00 00 00 00'], env)
  t.equal(r.code, 0, `exits 0\n${r.stderr}`)
  const stations = readFileSync(FIXTURE, 'utf8').trim().split('\n').length - 1
  t.match(r.stdout, new RegExp(`issued ${stations} station credentials`))
  const csv = readFileSync(join(dir, 'creds', 'credentials.csv'), 'utf8').trim().split('\n')
  t.equal(csv.length, stations + 1, 'one row per station after the header')
  t.ok(csv.slice(1).every((line) => /;\d{8};\d{6}$/.test(line.trim())), 'each row ends with an 8-digit code and a 6-digit PIN')
  const sheets = readdirSync(join(dir, 'creds', 'sheets'))
  t.ok(sheets.length > 0 && sheets.every((f) => f.endsWith('.html')), `${sheets.length} printable sheets`)
  const again = await runElections(['credentials', 'issue', FIXTURE], env)
  t.equal(again.code, 64, 'without --out: a usage error')
  t.match(again.stderr, /--out DIR/)
})

t.test('credentials token prints a token once and needs an election', async (t) => {
  const dir = t.testdir({})
  const env = { DATA_DIR: join(dir, 'data') }
  const r = await runElections(['credentials', 'token', 'townhall', '--election', 'pres-2017-t1', '--commune', '75056'], env)
  t.equal(r.code, 0, `exits 0\n${r.stderr}`)
  t.match(r.stdout, /^[A-Za-z0-9_-]{43}$/m, 'a 32-byte base64url token on its own line')
  const missing = await runElections(['credentials', 'token', 'townhall'], env)
  t.equal(missing.code, 64)
  t.match(missing.stderr, /--election/)
})
