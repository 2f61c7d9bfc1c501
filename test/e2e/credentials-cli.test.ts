// `elections credentials issue|token` as an operator runs them: the files the prefecture hands
// out, a token printed once, and clear usage errors.
import t from 'tap'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { decodeEntities } from '../helpers/form-client.js'
import { REPO_ROOT, runElections } from '../helpers/run-elections.js'

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'results', '2017-presidentielle-1-extrait_large.csv')

t.test('credentials issue writes a CSV row and a sheet entry for every station', async (t) => {
  const dir = t.testdir({})
  const env = { DATA_DIR: join(dir, 'data') }
  const formUrl = 'https://resultats.example.org/saisie/'
  const r = await runElections(['credentials', 'issue', FIXTURE, '--out', join(dir, 'creds'), '--phone', '+33 1 00 00 00 00', '--form-url', formUrl], env)
  t.equal(r.code, 0, `exits 0\n${r.stderr}`)
  const stations = readFileSync(FIXTURE, 'utf8').trim().split('\n').length - 1
  t.match(r.stdout, new RegExp(`issued ${stations} station credentials`))
  const csv = readFileSync(join(dir, 'creds', 'credentials.csv'), 'utf8').trim().split('\n')
  t.equal(csv.length, stations + 1, 'one row per station after the header')
  t.ok(csv.slice(1).every((line) => /;\d{8};\d{6}$/.test(line.trim())), 'each row ends with an 8-digit code and a 6-digit PIN')
  const sheets = readdirSync(join(dir, 'creds', 'sheets'))
  t.ok(sheets.length > 0 && sheets.every((f) => f.endsWith('.html')), `${sheets.length} printable sheets`)
  for (const sheet of sheets) {
    const html = decodeEntities(readFileSync(join(dir, 'creds', 'sheets', sheet), 'utf8'))
    t.ok(html.includes(`ouvrez <strong class="address">${formUrl}</strong>`) && html.includes('Appelez le <strong>+33 1 00 00 00 00</strong>'), `${sheet} names the web form and the number`)
  }
  const again = await runElections(['credentials', 'issue', FIXTURE], env)
  t.equal(again.code, 64, 'without --out: a usage error')
  t.match(again.stderr, /--out DIR/)
})

t.test('a --form-url that is not a web address is refused before any PIN is issued', async (t) => {
  const dir = t.testdir({})
  const env = { DATA_DIR: join(dir, 'data') }
  for (const bad of ['resultats.example.org/saisie', 'ftp://resultats.example.org/saisie/']) {
    const r = await runElections(['credentials', 'issue', FIXTURE, '--out', join(dir, 'creds'), '--form-url', bad], env)
    t.equal(r.code, 64, `"${bad}": a usage error`)
    t.match(r.stderr, /--form-url must be .*https:\/\/resultats\.example\.org\/saisie\//, 'with an example of what to give')
  }
  t.notOk(existsSync(join(dir, 'creds')), 'no CSV and no sheet were written')
  t.notOk(existsSync(join(dir, 'data')), 'and nothing went to the bus')
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
