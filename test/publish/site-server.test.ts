import t, { type Test } from 'tap'
import { join } from 'node:path'
import { writeFile } from 'node:fs/promises'
import { get } from 'node:http'
import { listen } from '../../infra/http/http.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { PAGE_CACHE_CONTROL, STATUS_CACHE_CONTROL } from '../../publish/page-writer.js'
import { buildSiteServer } from '../../publish/site-server.js'
import { IMMUTABLE_CACHE_CONTROL } from '../../publish/downloads-writer.js'
import { smallElection, smallStationResult } from '../fixtures/small-election.js'
import { openTestBus, produceDefinition, produceResults, startPublisher } from '../helpers/publisher-harness.js'

function statusOf(url: string, headers: Record<string, string>): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      res.resume()
      resolve(res.statusCode)
    }).on('error', reject)
  })
}

/** A site published from the small election, served on port 0. */
async function servedSite(t: Test) {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const out = join(dir, 'out')
  const { publisher } = await startPublisher(t, bus, out)
  const def = smallElection()
  await produceDefinition(bus, def)
  await produceResults(bus, def.stations.slice(0, 4).map((s) => smallStationResult(s)))
  await publisher.publishNow()
  const registry = createMetricsRegistry(true)
  const server = await listen(buildSiteServer({ dir: out, registry }), 0, '127.0.0.1')
  t.teardown(() => server.close())
  return { out, base: `http://127.0.0.1:${server.port}` }
}

t.test('serves pages with their type, cache lifetime and validators', async (t) => {
  const { base } = await servedSite(t)

  const home = await fetch(`${base}/`)
  t.equal(home.status, 200)
  t.equal(home.headers.get('content-type'), 'text/html; charset=utf-8')
  t.equal(home.headers.get('cache-control'), PAGE_CACHE_CONTROL)
  t.equal(home.headers.get('x-content-type-options'), 'nosniff')
  t.match(await home.text(), '4 bureaux sur 9 dépouillés')

  const region = await fetch(`${base}/region/11/`)
  t.equal(region.status, 200)
  t.match(await region.text(), 'Île-de-France')

  const noSlash = await fetch(`${base}/region/11`, { redirect: 'manual' })
  t.equal(noSlash.status, 301, 'a folder without its slash redirects, so relative links resolve')
  t.equal(noSlash.headers.get('location'), '/region/11/')

  const json = await fetch(`${base}/departement/94/index.json`)
  t.equal(json.headers.get('content-type'), 'application/json; charset=utf-8')
  t.equal(json.headers.get('cache-control'), PAGE_CACHE_CONTROL)
  t.same(((await json.json()) as { area: unknown }).area, { level: 'departement', code: '94', name: 'Val-de-Marne' })

  const csv = await fetch(`${base}/commune/75056/results.csv`)
  t.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8')
  t.match(await csv.text(), /^level,code,name,contest/)

  const status = await fetch(`${base}/status.json`)
  t.equal(status.headers.get('cache-control'), STATUS_CACHE_CONTROL)

  // Downloads: live names short, content-addressed copies immutable, as the publisher stored them.
  const manifest = (await (await fetch(`${base}/data/index.json`)).json()) as { files: { versionedUrl?: string }[] }
  const versioned = await fetch(`${base}${manifest.files[0]?.versionedUrl ?? '/missing'}`)
  t.equal(versioned.status, 200)
  t.equal(versioned.headers.get('cache-control'), IMMUTABLE_CACHE_CONTROL)
  t.equal((await fetch(`${base}/data/results.csv`)).headers.get('cache-control'), PAGE_CACHE_CONTROL)
  const feed = await fetch(`${base}/feed.xml`)
  t.equal(feed.headers.get('cache-control'), PAGE_CACHE_CONTROL)
  t.equal(feed.headers.get('content-type'), 'application/atom+xml; charset=utf-8')

  const etag = home.headers.get('etag')
  t.ok(etag, 'an ETag')
  // Not fetch(): with If-None-Match it adds "Cache-Control: no-cache", which forbids a 304.
  t.equal(await statusOf(`${base}/`, { 'If-None-Match': etag ?? '' }), 304)
  t.equal(await statusOf(`${base}/`, { 'If-None-Match': '"stale"' }), 200)

  const head = await fetch(`${base}/index.json`, { method: 'HEAD' })
  t.equal(head.status, 200)
  t.equal(await head.text(), '')
})

t.test('missing pages, other methods and hidden files', async (t) => {
  const { base, out } = await servedSite(t)

  const missing = await fetch(`${base}/commune/00000/`)
  t.equal(missing.status, 404)
  t.equal(missing.headers.get('content-type'), 'text/html; charset=utf-8')
  t.match(await missing.text(), 'Page introuvable')

  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const res = await fetch(`${base}/`, { method })
    t.equal(res.status, 405, `${method} /`)
    t.equal(res.headers.get('allow'), 'GET, HEAD')
  }
  t.equal((await fetch(`${base}/metrics`, { method: 'POST' })).status, 405)

  // A write in progress (the temporary file of an atomic rename) is never served.
  await writeFile(join(out, '.a1b2c3.tmp'), 'partial')
  t.equal((await fetch(`${base}/.a1b2c3.tmp`)).status, 404)
  t.equal((await fetch(`${base}/..%2f..%2fetc%2fpasswd`)).status, 404)
  t.equal((await fetch(`${base}/%E0%A4%A`)).status, 404, 'a malformed path is simply not found')
})

t.test('/metrics and /healthz', async (t) => {
  const { base } = await servedSite(t)
  const metrics = await fetch(`${base}/metrics`)
  t.equal(metrics.status, 200)
  t.match(metrics.headers.get('content-type'), /^text\/plain/)
  t.match(await metrics.text(), 'process_cpu_user_seconds_total')
  const health = await fetch(`${base}/healthz`)
  t.same(await health.json(), { ok: true })
})
