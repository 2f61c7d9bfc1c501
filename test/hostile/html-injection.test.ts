// Hostile names (issue 9): candidate and commune names from a results file are data. On every
// page that shows them (HTML, SVG, XML) they appear escaped, never as markup; in the consolidation
// database they are stored exactly as given, and SQL in them is never run (every query is
// parameterized). The names below are what a careless or malicious export could carry; the replay
// takes them through the whole pipeline, and every file written is searched.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openPgliteDb } from '../../infra/db/pglite-db.js'
import { runElections } from '../helpers/run-elections.js'
import { startTestDesk } from '../helpers/desk-client.js'

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'results', '2017-presidentielle-1-extrait_large.csv')
const HOSTILE_CANDIDATE = '<script>alert("candidate")</script>'
const HOSTILE_ATTRIBUTE = '"><img src=x onerror=alert(2)>'
const HOSTILE_COMMUNE = "<b onmouseover=alert(3)>Commune</b> & 'co'"
const SQL_COMMUNE = "Saint-Jean'); DROP TABLE returns; -- $1 \\'"
const FORMULA_COMMUNE = '=HYPERLINK("http://evil.example/","Résultats")'
/** What must never appear in a page: the markup of the names above. */
const RAW_MARKUP = [/<script>alert/, /<img src=x/, /<b onmouseover/, /onerror=alert\(2\)>/]

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s)

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

t.test('hostile candidate and commune names are escaped on every page', async (t) => {
  const dir = t.testdir({})
  const [header = '', ...rows] = readFileSync(FIXTURE, 'utf8').trim().split('\n')
  const columns = header.split(',').map((c) => (c === 'POUTOU' ? HOSTILE_CANDIDATE : c === 'MACRON' ? HOSTILE_ATTRIBUTE : c))
  const hostileRows = rows.map((row, i) => {
    const fields = row.split(',')
    if (i % 3 === 0) fields[4] = HOSTILE_COMMUNE
    if (i % 3 === 1) fields[4] = SQL_COMMUNE
    if (i === 2) fields[4] = FORMULA_COMMUNE
    return fields.map(csvField).join(',')
  })
  const file = join(dir, 'hostile.csv')
  writeFileSync(file, `${[columns.map(csvField).join(','), ...hostileRows].join('\n')}\n`)

  const out = join(dir, 'out')
  const replay = await runElections(['replay', file], { DATA_DIR: join(dir, 'data'), OUTPUT_DIR: out })
  t.equal(replay.code, 0, `the replay exits 0\n${replay.stderr.slice(-2000)}`)

  const pages = files(out).filter((f) => /\.(html|svg|xml|xhtml)$/.test(f))
  t.ok(pages.length > 10, `${pages.length} pages written`)
  const leaks = pages.flatMap((page) => {
    const text = readFileSync(page, 'utf8')
    return RAW_MARKUP.filter((re) => re.test(text)).map((re) => `${page.slice(out.length)}: ${re.source}`)
  })
  t.same(leaks, [], 'no page carries a hostile name as markup')
  const all = pages.map((p) => readFileSync(p, 'utf8')).join('\n')
  t.match(all, /&lt;script&gt;alert\(&quot;candidate&quot;\)&lt;\/script&gt;/, 'the candidate is shown, escaped')
  t.match(all, /&lt;b onmouseover=alert\(3\)&gt;Commune&lt;\/b&gt; &amp; (&#39;|&#x27;)co(&#39;|&#x27;)/, 'the commune is shown, escaped')
  // The CSV downloads: a name a spreadsheet would run as a formula is written as text.
  for (const csv of files(out).filter((f) => f.endsWith('.csv'))) {
    const text = readFileSync(csv, 'utf8')
    if (!text.includes('HYPERLINK')) continue
    t.notMatch(text, /(^|,)"?=HYPERLINK/m, `${csv.slice(out.length)}: no field starts with =`)
    t.match(text, `"'=HYPERLINK(""http://evil.example/"",""Résultats"")"`, `${csv.slice(out.length)}: the name kept, as text`)
  }
  t.ok(files(out).some((f) => f.endsWith('results.csv') && readFileSync(f, 'utf8').includes('HYPERLINK')), 'a CSV download names the formula commune')
  // JSON carries the names as data: exactly as they were, for whoever reads it.
  const national = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')) as { candidates: { name: string }[] }
  t.ok(national.candidates.some((c) => c.name === HOSTILE_CANDIDATE), 'index.json keeps the name as given')

  // The consolidation database (PGlite, as the replay left it): names stored verbatim, nothing dropped.
  const db = await openPgliteDb(join(dir, 'data', 'pg'))
  t.teardown(() => db.close())
  const communes = await db.query<{ name: string }>("SELECT DISTINCT name FROM areas WHERE level = 'commune' AND name = ANY($1)", [[HOSTILE_COMMUNE, SQL_COMMUNE]])
  t.same(communes.rows.map((r) => r.name).sort(), [HOSTILE_COMMUNE, SQL_COMMUNE].sort(), 'both hostile commune names stored exactly')
  const returns = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM returns')
  t.equal(returns.rows[0]?.n, rows.length, 'the returns table is intact: one return per station')

  // The results desk over the same database: the names are escaped on its pages too.
  const desk = await startTestDesk(t, { db })
  const browser = await desk.signedIn('alice', 'supervisor')
  const station = await db.query<{ election_id: string; contest_id: string; station_id: string }>(
    `SELECT r.election_id, r.contest_id, r.station_id FROM station_results r
       JOIN areas a ON a.election_id = r.election_id AND a.level = 'commune' AND a.code = r.commune
      WHERE a.name = $1 LIMIT 1`,
    [HOSTILE_COMMUNE],
  )
  const s = station.rows[0]
  if (s === undefined) throw new Error('no station in the hostile commune')
  const deskPaths = ['/', '/lockouts', `/stations/${s.election_id}/${s.contest_id}/${s.station_id}`, '/chase', '/review', `/areas/${s.election_id}/01`]
  for (const path of deskPaths) {
    const page = await browser.get(path)
    t.equal(page.status, 200, `desk ${path}`)
    t.same(RAW_MARKUP.filter((re) => re.test(page.text)).map((re) => re.source), [], `desk ${path}: no hostile name as markup`)
  }
  const stationPage = await browser.get(deskPaths[2] as string)
  t.match(stationPage.text, /&lt;script&gt;alert\(&quot;candidate&quot;\)/, "the station page shows the hostile candidate's name, escaped")
})
