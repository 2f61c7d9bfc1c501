// `elections publish rebuild` and `elections publish warm`, run as a user runs them: a rebuild
// from the embedded [results] log under DATA_DIR into OUTPUT_DIR (every file written, even over
// an identical output), and a warm-up through a real HTTP server of that output that requests
// every page and counts the status codes.
import t from 'tap'
import { join } from 'node:path'
import { readdir, readFile, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { TOPICS } from '../../core/messages.js'
import { openEmbeddedBus } from '../../infra/bus/embedded-bus.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { hasVariants } from '../../infra/storage/compressed-variants.js'
import { buildSiteServer } from '../../publish/site-server.js'
import { smallElection, smallStationResult } from '../fixtures/small-election.js'
import { produceDefinition, produceResults, readJson, SITE_WIDE_FILES, squaresMap } from '../helpers/publisher-harness.js'
import { runElections } from '../helpers/run-elections.js'

const def = smallElection()

async function dataDirWithResults(dir: string, withDefinition = true): Promise<string> {
  const dataDir = join(dir, 'data')
  const bus = await openEmbeddedBus(join(dataDir, 'bus'))
  await bus.ensureTopics([{ name: TOPICS.results, partitions: 1, compacted: true }])
  if (withDefinition) await produceDefinition(bus, def)
  await produceResults(bus, def.stations.slice(0, 6).map((s, i) => smallStationResult(s, { seed: 2 + i })))
  await bus.close()
  return dataDir
}

/** A map of four squares, so the output has the map asset whether ../shared/data is there or not. */
const withMap = (dir: string) => {
  squaresMap(dir)
  return join(dir, 'squares.geojson')
}
/** 11 area and 9 station pages (json, html in two languages, csv), two assets, the map, status.json and the downloads. */
const ALL_FILES = 20 * 4 + 2 + 1 + 1 + SITE_WIDE_FILES

t.test('publish rebuild writes every file, even over an identical output, and says so', async (t) => {
  const dir = t.testdir()
  const env = { DATA_DIR: await dataDirWithResults(dir), OUTPUT_DIR: join(dir, 'out'), PUBLIC_SITE_URL: 'https://resultats.example.fr', PUBLISH_MAP_GEOJSON: withMap(dir) }
  const first = await runElections(['publish', 'rebuild'], env)
  t.equal(first.code, 0, first.stderr)
  t.match(first.stdout, /rebuilt .*out in \d+\.\d s/)
  t.match(first.stdout, /areas {6}11\n/)
  const written = (await readdir(env.OUTPUT_DIR, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
  const plain = written.filter((f) => !f.endsWith('.gz') && !f.endsWith('.br'))
  const large = (await Promise.all(plain.map(async (f) => hasVariants(f, await readFile(f))))).filter(Boolean).length
  t.equal(plain.length, ALL_FILES)
  t.match(first.stdout, new RegExp(`files {6}${ALL_FILES} \\(\\+ ${large * 2} \\.gz/\\.br variants\\)`), 'variants for the files large enough')
  t.match(first.stdout, /snapshot {3}6\n/)
  t.match(first.stdout, /purged {5}nothing \(no VARNISH_URL: no cache in front\)\n/, 'no paths are counted as purged when nothing is in front')
  t.match(first.stderr, /rebuild \(areas\): 11\/11/, 'progress on stderr (a line per tenth when not a terminal)')
  t.match(await readJson(env.OUTPUT_DIR, 'status.json'), { snapshot: 6, stations: { reported: 6, total: 9 } })

  const again = await runElections(['publish', 'rebuild'], env)
  t.equal(again.code, 0, again.stderr)
  t.match(again.stdout, new RegExp(`files {6}${ALL_FILES} `), 'a rebuild trusts no digest: every file is written again')
})

t.test('publish rebuild without an election on [results] says what to do', async (t) => {
  const dir = t.testdir()
  const env = { DATA_DIR: await dataDirWithResults(dir, false), OUTPUT_DIR: join(dir, 'out') }
  const run = await runElections(['publish', 'rebuild'], env)
  t.equal(run.code, 66)
  t.match(run.stderr, 'holds no election definition: load an election first')
})

t.test('publish warm requests every page through the target and sums up the status codes', async (t) => {
  const dir = t.testdir()
  const env = { DATA_DIR: await dataDirWithResults(dir), OUTPUT_DIR: join(dir, 'out'), PUBLIC_SITE_URL: 'https://resultats.example.fr', PUBLISH_MAP_GEOJSON: withMap(dir) }
  t.equal((await runElections(['publish', 'rebuild'], env)).code, 0)

  const seen: string[] = []
  const site = buildSiteServer({ dir: env.OUTPUT_DIR, registry: createMetricsRegistry(false) })
  const server = site.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  server.on('request', (req: { url?: string }) => seen.push(req.url ?? ''))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const warm = await runElections(['publish', 'warm', '--target', target, '--concurrency', '4'], env)
  t.equal(warm.code, 0, warm.stderr)
  // 11 area and 9 station pages × (folder, index.json, results.csv, index.en.html), corrections/,
  // status.json, feed.xml, sitemap.xml, data/index.json and its 5 files, the two assets and the map.
  const expected = 20 * 4 + 1 + 4 + 5 + 2 + 1
  t.match(warm.stdout, new RegExp(`warmed ${expected} URLs through ${target} in \\d+\\.\\d s \\(4 at a time\\)\\n  200 +${expected}\\n`))
  const pages = ['/', '/commune/94028/', '/commune/94028/results.csv', '/departement/69/index.json', '/corrections/', '/data/results-nist.json']
  const stationAndEnglish = ['/commune/94028/bureau/0001/', '/commune/94028/bureau/0001/index.json', '/commune/94028/bureau/0001/index.en.html', '/index.en.html', '/departement/69/index.en.html']
  for (const path of [...pages, ...stationAndEnglish, '/assets/site.css', '/assets/live.js', '/assets/departements.svg']) {
    t.ok(seen.includes(path), `${path} requested`)
  }
  t.ok(seen.some((p) => p.startsWith('/data/v/')), 'the content-addressed copies too')

  // A page missing from the output is counted and fails the run.
  await rm(join(env.OUTPUT_DIR, 'commune', '69266', 'results.csv'))
  const missing = await runElections(['publish', 'warm', '--target', target], env)
  t.equal(missing.code, 1)
  t.match(missing.stdout, /\n {2}200 +\d+\n {2}404 +1\n/)
  t.ok((await readdir(env.OUTPUT_DIR)).includes('sitemap.xml'))
})

t.test('publish warm with no target and no VARNISH_URL is a clear error', async (t) => {
  const run = await runElections(['publish', 'warm'], { DATA_DIR: join(t.testdir(), 'data') })
  t.equal(run.code, 69)
  t.match(run.stderr, 'publish warm needs --target URL or VARNISH_URL')
})
