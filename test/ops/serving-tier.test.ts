// The serving tier for real: the project's nginx (ops/nginx/nginx.conf) and Varnish
// (ops/varnish/default.vcl) started by this test on free loopback ports, in temporary prefixes
// (ops/loadtest/serving-instances.ts), never the shared stack. Cache headers per path, purges,
// grace with nginx stopped, the plan-B page, cache-busting and pingback refusals, the purge ACL,
// per-client throttling, and nginx's ingest and desk proxies in front of small recording origins.
// Needs TEST_NGINX_BIN and TEST_VARNISHD_BIN (ops/stack env prints them; CI fails without them).
import t from 'tap'
import type { Test } from 'tap'
import { once } from 'node:events'
import { request as httpRequest, createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import { startNginx, startVarnish, type NginxInstance, type VarnishInstance } from '../../ops/loadtest/serving-instances.js'
import { realService } from '../helpers/real-services.js'

/** A client address other than 127.0.0.1: Linux routes all of 127/8 to loopback, no setup needed. */
const OTHER_ADDRESS = '127.0.0.2'

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
  raw: Buffer
}

/** One HTTP request with node:http, which (unlike fetch) can choose the source address. */
async function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; from?: string } = {},
): Promise<Answer> {
  const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, localAddress: options.from })
  req.end(options.body)
  const [res] = (await once(req, 'response')) as [IncomingMessage]
  const chunks: Buffer[] = []
  for await (const chunk of res) chunks.push(chunk as Buffer)
  const raw = Buffer.concat(chunks)
  return { status: res.statusCode ?? 0, headers: res.headers, body: raw.toString('utf8'), raw }
}

interface RecordingOrigin {
  port: number
  requests: Array<{ method: string; url: string; headers: IncomingHttpHeaders; bytes: number }>
  close(): Promise<void>
}

/** A stand-in for ingest or the desk: answers 200 `{"ok":true}` and records what reached it. */
async function recordingOrigin(t: Test): Promise<RecordingOrigin> {
  const requests: RecordingOrigin['requests'] = []
  const server = createServer((req, res) => {
    let bytes = 0
    req.on('data', (chunk: Buffer) => (bytes += chunk.length))
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes })
      res.setHeader('content-type', 'application/json')
      res.end('{"ok":true}\n')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    server.closeAllConnections()
    server.close()
    await once(server, 'close')
  }
  t.teardown(close)
  return { port: (server.address() as AddressInfo).port, requests, close }
}

interface Tier {
  nginx: NginxInstance
  varnish: VarnishInstance
  ingest: RecordingOrigin
  desk: RecordingOrigin
  /** Writes a file the way the publisher does: a temporary dot-file, then rename. */
  publish(path: string, body: string | Buffer): Promise<void>
  /** MAIN.backend_req: how many requests Varnish sent to nginx so far. */
  backendRequests(): Promise<number>
}

async function openTier(t: Test): Promise<Tier | undefined> {
  const nginxBin = realService(t, 'TEST_NGINX_BIN')
  if (!nginxBin) return undefined
  const varnishd = realService(t, 'TEST_VARNISHD_BIN')
  if (!varnishd) return undefined
  const ingest = await recordingOrigin(t)
  const desk = await recordingOrigin(t)
  const nginx = await startNginx({ nginx: nginxBin, ingestUpstreamPort: ingest.port, deskUpstreamPort: desk.port })
  t.teardown(() => nginx.stop())
  const varnish = await startVarnish(Number(new URL(nginx.site).port), { varnishd })
  t.teardown(() => varnish.stop())
  return {
    nginx,
    varnish,
    ingest,
    desk,
    async publish(path, body) {
      const file = join(nginx.root, path)
      await mkdir(dirname(file), { recursive: true, mode: 0o755 })
      const temporary = join(dirname(file), `.tmp-${process.pid}-${Date.now()}`)
      await writeFile(temporary, body, { mode: 0o644 })
      await rename(temporary, file)
    },
    async backendRequests() {
      return (await varnish.counters('MAIN.backend_req'))['MAIN.backend_req'] ?? 0
    },
  }
}

t.test('nginx: Cache-Control per path, security headers, the 404 page, GET and HEAD only', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const site = tier.nginx.site
  await tier.publish('index.html', '<p>national</p>')
  await tier.publish('status.json', '{"stations":1}')
  await tier.publish('departement/75/index.json', '{"area":"75"}')
  await tier.publish('data/stations.csv', 'station;votants\n')
  await tier.publish('finder/index.html', '<p>finder</p>')
  await tier.publish('finder/data/75.json', '{}')
  await tier.publish('style.css', 'body{}')

  const lifetimes: Array<[string, RegExp]> = [
    ['/', /^public, max-age=10, stale-while-revalidate=30$/],
    ['/departement/75/index.json', /^public, max-age=10\b/],
    ['/data/stations.csv', /^public, max-age=10\b/],
    ['/status.json', /^public, max-age=5\b/],
    ['/finder/', /^public, max-age=300$/],
    ['/finder/data/75.json', /^public, max-age=300$/],
    ['/style.css', /^public, max-age=300$/],
    ['/healthz', /^no-store$/],
  ]
  for (const [path, lifetime] of lifetimes) {
    const res = await send(`${site}${path}`)
    t.equal(res.status, 200, `${path} is served`)
    t.match(res.headers['cache-control'], lifetime, `${path}: ${String(lifetime)}`)
  }

  const page = await send(`${site}/`)
  t.equal(page.headers['x-content-type-options'], 'nosniff')
  t.equal(page.headers['x-frame-options'], 'DENY')
  t.match(page.headers['content-security-policy'], /frame-ancestors 'none'/)
  t.match(page.headers['content-security-policy'], /default-src 'none'/)
  t.equal(page.headers['referrer-policy'], 'strict-origin-when-cross-origin')
  t.equal(page.headers.server, 'nginx', 'no version in the Server header')

  const missing = await send(`${site}/commune/99999/`)
  t.equal(missing.status, 404)
  t.match(missing.body, /Page introuvable/, 'the friendly 404 page, in French')
  t.equal(missing.headers['cache-control'], 'public, max-age=5', 'a missing page may appear seconds later')
  t.equal(missing.headers['x-content-type-options'], 'nosniff', 'security headers on errors too')

  const post = await send(`${site}/`, { method: 'POST', body: 'x' })
  t.equal(post.status, 405)
  t.equal(post.headers.allow, 'GET, HEAD')
  t.equal(post.headers['cache-control'], 'no-store')
  t.equal((await send(`${site}/`, { method: 'HEAD' })).status, 200, 'HEAD is allowed')
  t.equal((await send(`${site}/.tmp-1-2`)).status, 404, 'temporary files of atomic writes are never served')

  const status = await send(`${tier.nginx.monitoring}/stub_status`)
  t.match(status.body, /^Active connections: \d+/, "nginx's counters for the exporter")
  t.equal((await send(`${tier.nginx.monitoring}/stub_status`, { from: OTHER_ADDRESS })).status, 403, 'on the monitoring allow-list only')
})

t.test('nginx sees a file replaced by rename at the next request (open_file_cache)', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const url = `${tier.nginx.site}/commune/75056/index.json`
  await tier.publish('commune/75056/index.json', '{"v":1}')
  t.equal((await send(url)).body, '{"v":1}')
  t.equal((await send(url)).body, '{"v":1}', 'the descriptor is cached now')
  await tier.publish('commune/75056/index.json', '{"v":2}')
  t.equal((await send(url)).body, '{"v":2}', 'the new inode is served at once, not after a second')

  const before = await send(`${tier.nginx.site}/commune/13055/`)
  t.equal(before.status, 404)
  await tier.publish('commune/13055/index.html', '<p>Marseille</p>')
  t.equal((await send(`${tier.nginx.site}/commune/13055/`)).status, 200, 'a page missing a moment ago is found at once')
})

t.test('Varnish: headers through the cache, a purge shows the new file, a query string is a hit', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const { varnish } = tier
  const path = '/departement/75/index.json'
  const publishPage = async (version: number): Promise<void> => {
    const body = `{"departement":"75","version":${version}}`
    // The publisher writes the variants before the file itself.
    await tier.publish(`${path}.br`, brotliCompressSync(body))
    await tier.publish(`${path}.gz`, gzipSync(body))
    await tier.publish(path, body)
  }
  await publishPage(1)
  const brotli = { 'accept-encoding': 'gzip, deflate, br' }
  const gzip = { 'accept-encoding': 'gzip' }

  const first = await send(`${varnish.url}${path}`, { headers: gzip })
  t.equal(first.status, 200)
  t.equal(first.headers['x-cache'], 'MISS')
  t.equal(first.headers['content-encoding'], 'gzip')
  t.equal(gunzipSync(first.raw).toString(), '{"departement":"75","version":1}')
  t.match(first.headers['cache-control'], /^public, max-age=10\b/, "nginx's lifetime reaches the reader")
  t.equal(first.headers.vary, 'Accept-Encoding')
  t.equal(first.headers['x-content-type-options'], 'nosniff')
  t.equal(first.headers.xkey, undefined, 'the surrogate key stays inside Varnish')

  const br = await send(`${varnish.url}${path}`, { headers: brotli })
  t.equal(br.headers['content-encoding'], 'br', 'a brotli client gets the .br sibling through the cache')
  t.equal(br.headers['x-cache'], 'MISS', 'one object per encoding')
  t.equal((await send(`${varnish.url}${path}`, { headers: { 'accept-encoding': 'br;q=1.0, gzip;q=0.8' } })).headers['x-cache'], 'HIT', 'another spelling of Accept-Encoding is the same object')
  t.equal((await send(`${varnish.url}${path}`, { headers: gzip })).headers['x-cache'], 'HIT')
  const plain = await send(`${varnish.url}${path}`)
  t.equal(plain.headers['content-encoding'], undefined, 'a client without gzip gets the body unzipped')
  t.equal(plain.body, '{"departement":"75","version":1}')

  const fetched = await tier.backendRequests()
  const busted = await send(`${varnish.url}${path}?nocache=${Math.random()}`, { headers: gzip })
  t.equal(busted.headers['x-cache'], 'HIT', 'a random query string is a cache hit')
  const cookie = await send(`${varnish.url}${path}`, { headers: { ...gzip, cookie: '_ga=1', authorization: 'Basic eDp5' } })
  t.equal(cookie.headers['x-cache'], 'HIT', 'cookies and credentials do not bypass the cache')
  const host = await send(`${varnish.url}${path}`, { headers: { ...gzip, host: `x${Math.random()}.example` } })
  t.equal(host.headers['x-cache'], 'HIT', 'neither does a made-up Host')
  t.equal(await tier.backendRequests(), fetched, 'none of them reached nginx')

  await publishPage(2)
  t.match((await send(`${varnish.url}${path}`)).body, /"version":1/, 'until purged, readers get the cached page')
  const purge = await send(`${varnish.url}/`, { method: 'PURGE', headers: { 'xkey-purge': path } })
  t.equal(purge.status, 200)
  t.equal(purge.headers['x-purged'], '2', 'both encodings of the page')
  const afterGzip = await send(`${varnish.url}${path}`, { headers: gzip })
  t.equal(afterGzip.headers['x-cache'], 'MISS')
  t.equal(afterGzip.headers['content-encoding'], 'gzip')
  t.match(gunzipSync(afterGzip.raw).toString(), /"version":2/, 'the next reader gets the new file')
  t.match((await send(`${varnish.url}${path}`)).body, /"version":2/)
  const afterBr = await send(`${varnish.url}${path}`, { headers: brotli })
  t.equal(afterBr.headers['content-encoding'], 'br')
  t.equal(afterBr.headers['x-cache'], 'MISS', 'the brotli variant was purged too')
  t.match(brotliDecompressSync(afterBr.raw).toString(), /"version":2/)

  t.equal((await send(`${varnish.url}/missing/`)).status, 404)
  t.equal((await send(`${varnish.url}/missing/`)).headers['x-cache'], 'HIT', 'a 404 is cached (5 s) rather than asked again by every reader')
})

t.test('readers of a page being fetched wait for that one fetch (coalescing, no hit-for-miss)', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const { varnish } = tier
  await tier.publish('commune/75056/index.html', '<p>Paris</p>')
  const fetched = await tier.backendRequests()
  const readers = await Promise.all(Array.from({ length: 50 }, () => send(`${varnish.url}/commune/75056/`)))
  t.same(new Set(readers.map((res) => res.body)), new Set(['<p>Paris</p>']), '50 readers at once get the page')
  t.equal(await tier.backendRequests(), fetched + 1, 'with one request to nginx')

  // A missing page too: the 404 is stored (5 s), not turned into a pass for every reader.
  const missing = await Promise.all(Array.from({ length: 50 }, () => send(`${varnish.url}/commune/99999/`)))
  t.same(new Set(missing.map((res) => res.status)), new Set([404]))
  t.equal(await tier.backendRequests(), fetched + 2, 'one request to nginx for the 50 readers of a missing page')
  const { 'MAIN.cache_hitmiss': hitmiss, 'MAIN.cache_hitpass': hitpass } = await varnish.counters('MAIN.cache_hitmiss', 'MAIN.cache_hitpass')
  t.equal(hitmiss, 0, 'no hit-for-miss object was ever made')
  t.equal(hitpass, 0, 'nor hit-for-pass')
})

t.test('an expired page is served at once and refreshed in the background; a purged one never is', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const { varnish } = tier
  await tier.publish('status.json', '{"v":1}')
  t.equal((await send(`${varnish.url}/status.json`)).headers['x-cache'], 'MISS')
  await tier.publish('status.json', '{"v":2}')
  // status.json lives 5 s (nginx's max-age); no purge was sent, as if it had been lost.
  await new Promise((resolve) => setTimeout(resolve, 5500))
  const fetched = await tier.backendRequests()
  const expired = await send(`${varnish.url}/status.json`)
  t.equal(expired.headers['x-cache'], 'HIT', 'the reader does not wait for nginx (stale-while-revalidate)')
  t.equal(expired.body, '{"v":1}')
  const deadline = Date.now() + 5000
  let refreshed = ''
  while (refreshed !== '{"v":2}' && Date.now() < deadline) refreshed = (await send(`${varnish.url}/status.json`)).body
  t.equal(refreshed, '{"v":2}', 'the background fetch brought the new file')
  t.equal(await tier.backendRequests(), fetched + 1, 'one fetch for all those readers')

  await tier.publish('status.json', '{"v":3}')
  await send(`${varnish.url}/`, { method: 'PURGE', headers: { 'xkey-purge': '/status.json' } })
  const purged = await send(`${varnish.url}/status.json`)
  t.equal(purged.body, '{"v":3}', 'a soft-purged copy is not served while nginx is up')
  t.equal(purged.headers['x-cache'], 'MISS')
})

t.test('pingback floods and xmlrpc probes are refused without reaching the origin', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const { varnish, nginx } = tier
  const fetched = await tier.backendRequests()
  const pingback = 'WordPress/6.4.2; https://blog.example; verifying pingback from 203.0.113.7'
  const flood = await send(`${varnish.url}/?${Math.random()}`, { headers: { 'user-agent': pingback } })
  t.equal(flood.status, 403, 'a pingback verification is refused')
  t.equal(flood.headers['cache-control'], 'no-store')
  const xmlrpc = await send(`${varnish.url}/xmlrpc.php`)
  t.equal(xmlrpc.status, 403, 'GET /xmlrpc.php is refused')
  const post = await send(`${varnish.url}/xmlrpc.php`, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: '<?xml version="1.0"?><methodCall><methodName>pingback.ping</methodName></methodCall>',
  })
  t.ok(post.status === 403 || post.status === 405, `POST /xmlrpc.php is refused (${post.status})`)
  t.equal((await send(`${varnish.url}/wp-login.php`)).status, 403)
  t.equal(await tier.backendRequests(), fetched, 'nginx saw none of them')

  t.equal((await send(`${nginx.site}/`, { headers: { 'user-agent': pingback } })).status, 403, 'nginx refuses them too, if reached directly')
  t.equal((await send(`${nginx.site}/xmlrpc.php`)).status, 403)
  t.equal((await send(`${nginx.ingest}/v1/returns`, { method: 'POST', headers: { 'user-agent': pingback }, body: '{}' })).status, 403)
  t.equal(tier.ingest.requests.length, 0)
})

t.test('PURGE and BAN from an address outside the ACL are refused and change nothing', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const { varnish } = tier
  await tier.publish('index.json', '{"v":1}')
  t.equal((await send(`${varnish.url}/index.json`)).headers['x-cache'], 'MISS')
  await tier.publish('index.json', '{"v":2}')

  const purge = await send(`${varnish.url}/`, { method: 'PURGE', headers: { 'xkey-purge': '/index.json' }, from: OTHER_ADDRESS })
  t.equal(purge.status, 403, `PURGE from ${OTHER_ADDRESS} is refused`)
  const ban = await send(`${varnish.url}/`, { method: 'BAN', headers: { 'ban-url': '.' }, from: OTHER_ADDRESS })
  t.equal(ban.status, 403, `BAN from ${OTHER_ADDRESS} is refused`)
  const still = await send(`${varnish.url}/index.json`)
  t.equal(still.headers['x-cache'], 'HIT')
  t.equal(still.body, '{"v":1}', 'the cached page is untouched')

  const allowedBan = await send(`${varnish.url}/`, { method: 'BAN', headers: { 'ban-url': '^/index\\.json$' } })
  t.equal(allowedBan.status, 200, 'the publisher host may ban by URL pattern')
  const banned = await send(`${varnish.url}/index.json`)
  t.equal(banned.body, '{"v":2}', 'a ban drops the page')
  t.equal(banned.headers['x-cache'], 'MISS')
  t.equal((await send(`${varnish.url}/`, { method: 'BAN', headers: { 'ban-url': '(' } })).status, 400, 'a broken pattern is refused')
})

t.test('a client walking through uncached pages is throttled; hits never are', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const { varnish } = tier
  await tier.publish('index.html', '<p>national</p>')
  t.equal((await send(`${varnish.url}/`)).status, 200)
  const statuses: number[] = []
  for (let i = 0; i < 120; i++) statuses.push((await send(`${varnish.url}/commune/${10000 + i}/`, { from: OTHER_ADDRESS })).status)
  t.same(statuses.slice(0, 100), Array<number>(100).fill(404), 'the first 100 misses in 10 s reach nginx (these pages do not exist)')
  // A token bucket: the time the loop takes refills a token or two, never twenty.
  const refused = statuses.slice(100).filter((status) => status === 429).length
  t.ok(refused >= 15, `then the client is refused (${refused} of the next 20)`)
  t.equal(statuses.at(-1), 429, 'and stays refused')
  const hit = await send(`${varnish.url}/`, { from: OTHER_ADDRESS })
  t.equal(hit.status, 200, 'the throttled client still reads cached pages')
  t.equal(hit.headers['x-cache'], 'HIT')
  t.equal((await send(`${varnish.url}/commune/20000/`)).status, 404, 'other clients are not throttled')
})

t.test('nginx stopped: stale pages from grace, the plan-B page for what was never cached', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const { varnish, nginx } = tier
  await tier.publish('index.html', '<p>national v1</p>')
  t.equal((await send(`${varnish.url}/`)).headers['x-cache'], 'MISS')
  await tier.publish('index.html', '<p>national v2</p>')
  // Soft-purged: expired, kept for grace, so only nginx being down may bring it back.
  t.equal((await send(`${varnish.url}/`, { method: 'PURGE', headers: { 'xkey-purge': '/' } })).status, 200)
  await nginx.stop()

  const stale = await send(`${varnish.url}/`)
  t.equal(stale.status, 200, 'before the probe notices, the failed fetch falls back to the stale copy')
  t.equal(stale.body, '<p>national v1</p>')
  t.equal(stale.headers['x-cache'], 'HIT')

  const planB = await send(`${varnish.url}/commune/75056/`)
  t.equal(planB.status, 503, 'a page never cached cannot be served')
  t.match(planB.body, /Les résultats arrivent, merci de patienter/, 'the plan-B page, in French')
  t.match(planB.headers['content-type'], /^text\/html; charset=utf-8/)
  t.equal(planB.headers['cache-control'], 'no-store')
  t.equal(planB.headers['retry-after'], '30')

  // Then the health probe marks nginx sick (3 failures out of 5, every 2 s).
  const deadline = Date.now() + 20_000
  while (!/sick/i.test(await varnish.admin('backend.list')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500))
  t.match(await varnish.admin('backend.list'), /sick/i, 'the probe saw nginx down')
  const graced = await send(`${varnish.url}/`)
  t.equal(graced.status, 200, 'with nginx sick, grace serves the last copy')
  t.equal(graced.body, '<p>national v1</p>')
  t.equal((await send(`${varnish.url}/commune/75056/`)).status, 503, 'and plan B for the rest')
})

t.test('nginx ingest proxy: body limits per route, rate limits, JSON errors, private /metrics', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const { nginx, ingest } = tier
  const json = { 'content-type': 'application/json' }

  const small = await send(`${nginx.ingest}/v1/returns`, { method: 'POST', headers: json, body: '{}' })
  t.equal(small.status, 200, 'a return reaches ingest')
  const forwarded = ingest.requests.at(-1)
  t.equal(forwarded?.headers['x-forwarded-for'], '127.0.0.1', "the client's address goes along")

  const tooLarge = await send(`${nginx.ingest}/v1/returns`, { method: 'POST', headers: json, body: Buffer.alloc(1024 * 1024 + 1, 32) })
  t.equal(tooLarge.status, 413, 'above INGEST_MAX_BODY_BYTES (1 MiB)')
  t.match(JSON.parse(tooLarge.body), { error: { code: 'body-too-large' } }, "in ingest's error shape")
  t.equal(ingest.requests.length, 1, 'never uploaded to ingest')

  const csv = await send(`${nginx.ingest}/v1/returns/csv`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: Buffer.alloc(3 * 1024 * 1024, 59) })
  t.equal(csv.status, 200, 'a 3 MB CSV file is within INGEST_CSV_MAX_BYTES')
  t.equal(ingest.requests.at(-1)?.bytes, 3 * 1024 * 1024)
  t.equal((await send(`${nginx.ingest}/v1/returns/csv`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024 + 1) })).status, 413, 'above 10 MiB')
  t.equal((await send(`${nginx.ingest}/v1/phone/voice`, { method: 'POST', body: Buffer.alloc(65 * 1024) })).status, 413, 'phone webhooks are small')
  const sheet = await send(`${nginx.ingest}/saisie/sheet`, { method: 'POST', body: Buffer.alloc(15 * 1024 * 1024) })
  t.equal(sheet.status, 200, 'a sheet with a scan over SCAN_MAX_BYTES still reaches ingest, which keeps the figures')

  t.equal((await send(`${nginx.ingest}/metrics`, { from: OTHER_ADDRESS })).status, 403, '/metrics is not public')
  t.equal((await send(`${nginx.ingest}/metrics`)).status, 200, 'but answers the monitoring host')
  const unknown = await send(`${nginx.ingest}/wp-admin/`)
  t.equal(unknown.status, 404)
  t.match(JSON.parse(unknown.body), { error: { code: 'not-found' } })

  const before = ingest.requests.length
  const burst = await Promise.all(Array.from({ length: 40 }, () => send(`${nginx.ingest}/saisie/`, { from: OTHER_ADDRESS })))
  const limited = burst.filter((res) => res.status === 429)
  t.ok(limited.length >= 10, `the form allows a burst of 20 then 5/s per address (${limited.length} of 40 refused)`)
  t.equal(ingest.requests.length - before, 40 - limited.length, 'refused requests never reach ingest')
  t.match(JSON.parse(limited[0]?.body ?? '{}'), { error: { code: 'rate-limited' } })
  t.equal(limited[0]?.headers['retry-after'], '1')
  t.equal((await send(`${nginx.ingest}/saisie/`)).status, 200, 'another address is not limited')

  await ingest.close()
  const down = await send(`${nginx.ingest}/v1/returns`, { method: 'POST', headers: json, body: '{}' })
  t.equal(down.status, 503, 'ingest unreachable')
  t.match(JSON.parse(down.body), { error: { code: 'not-durable' } }, 'clients retry it as they retry a bus that did not confirm')
  t.equal(down.headers['retry-after'], '5')
})

t.test('nginx desk proxy: only the allow-list reaches the desk', async (t) => {
  const tier = await openTier(t)
  if (!tier) return
  const { nginx, desk } = tier
  const allowed = await send(`${nginx.desk}/login`)
  t.equal(allowed.status, 200)
  t.equal(desk.requests.at(-1)?.url, '/login')
  t.equal(desk.requests.at(-1)?.headers['x-forwarded-for'], '127.0.0.1')
  const refused = await send(`${nginx.desk}/login`, { from: OTHER_ADDRESS })
  t.equal(refused.status, 403, `${OTHER_ADDRESS} is not on the list`)
  t.equal(desk.requests.length, 1, 'the desk never saw it')
})
