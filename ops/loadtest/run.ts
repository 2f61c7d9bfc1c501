// The serving tier's load benchmark (README.md in this folder): in one run, the same site and the
// same URL mix against (a) a bare nginx with a default config, (b) the project's nginx, (c) a
// Varnish with the default VCL and (d) the project's Varnish, both in front of the project's
// nginx, while the site is republished every second (pages rewritten by rename, then purged).
// Prints req/s, p50/p99 latency, errors and hit ratio per target, and the checks.
//   ops/loadtest/run [--communes 35000] [--duration 20] [--warmup 5] [--connections 1000] [--threads 2] [--rounds 2]
// Imports nothing from the project's code (ops/README.md).
import { execFile } from 'node:child_process'
import { writeFile, rm } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs, promisify } from 'node:util'
import { publicTempDir, startNginx, startVarnish, type VarnishInstance } from './serving-instances.js'
import { writeTestSite } from './test-site.js'
import { parseWrk, type WrkFigures } from './wrk-output.js'

const URL_MIX_LUA = fileURLToPath(new URL('./url-mix.lua', import.meta.url))
const PATHS_IN_MIX = 200_000
const REPUBLISH_INTERVAL_MS = 1000

// nginx as Debian ships it (/etc/nginx/nginx.conf and sites-available/default), with the paths
// moved into the benchmark's prefix and gzip left at nginx's default (off): the bare server then
// does the least work per request, sendfile of the plain file, which is the strictest baseline
// (Debian's `gzip on` would make it compress every HTML page on the fly).
const BARE_NGINX_CONF = `worker_processes auto;
pid nginx/nginx.pid;
events {
    worker_connections 768;
}
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log nginx/logs/access.log;
    client_body_temp_path nginx/tmp/client_body;
    proxy_temp_path nginx/tmp/proxy;
    fastcgi_temp_path nginx/tmp/fastcgi;
    uwsgi_temp_path nginx/tmp/uwsgi;
    scgi_temp_path nginx/tmp/scgi;
    server {
        listen 127.0.0.1:{port} default_server;
        root {root};
        index index.html index.htm;
        server_name _;
        location / {
            try_files $uri $uri/ =404;
        }
    }
}
`

// Varnish's default: a backend and the built-in VCL, nothing else.
const DEFAULT_VCL = `vcl 4.1;
backend default {
    .host = "127.0.0.1";
    .port = "{backendPort}";
}
`

const CACHE_COUNTERS = ['MAIN.cache_hit', 'MAIN.cache_hit_grace', 'MAIN.cache_miss', 'MAIN.cache_hitmiss', 'MAIN.cache_hitpass', 'MAIN.backend_req', 'MAIN.n_lru_nuked']

interface Target {
  name: string
  url: string
  varnish?: VarnishInstance
}

interface Measurement extends WrkFigures {
  name: string
  hits?: number
  lookups?: number
  hitRatio?: number
  backendRequests?: number
  offload?: number
  /** Objects evicted to make room (storage full): each is a later miss. */
  evictions?: number
}

const run = promisify(execFile)

async function wrk(url: string, pathsFile: string, options: { threads: number; connections: number; seconds: number }): Promise<{ text: string; command: string }> {
  const args = ['-t', String(options.threads), '-c', String(options.connections), '-d', `${options.seconds}s`, '--latency', '--timeout', '5s', '-s', URL_MIX_LUA, url, '--', pathsFile]
  const { stdout } = await run('wrk', args, { maxBuffer: 1 << 20 })
  return { text: stdout, command: `wrk ${args.join(' ')}` }
}

async function measure(target: Target, pathsFile: string, options: { threads: number; connections: number; seconds: number; warmup: number }): Promise<Measurement> {
  // Warm-up: the caches (Varnish's objects, nginx's descriptors, the page cache) fill first.
  await wrk(target.url, pathsFile, { ...options, seconds: options.warmup })
  const before = await target.varnish?.counters(...CACHE_COUNTERS)
  const { text, command } = await wrk(target.url, pathsFile, options)
  const after = await target.varnish?.counters(...CACHE_COUNTERS)
  console.error(`[loadtest] ${target.name}: ${command}\n${text}`)
  const figures: Measurement = { name: target.name, ...parseWrk(text) }
  if (before && after) {
    const delta = (name: string): number => (after[name] ?? 0) - (before[name] ?? 0)
    const hits = delta('MAIN.cache_hit')
    const lookups = hits + delta('MAIN.cache_miss') + delta('MAIN.cache_hitmiss') + delta('MAIN.cache_hitpass')
    figures.hits = hits
    figures.lookups = lookups
    figures.hitRatio = lookups > 0 ? hits / lookups : 0
    figures.backendRequests = delta('MAIN.backend_req')
    figures.evictions = delta('MAIN.n_lru_nuked')
    // What nginx was spared, counted from the requests themselves: a restart after a purge
    // (vcl_hit) counts one lookup as a hit and then a miss, so this is the stricter figure.
    figures.offload = figures.requests > 0 ? 1 - figures.backendRequests / figures.requests : 0
  }
  return figures
}

/**
 * Requests every page once through a cache, with the benchmark's Accept-Encoding, as the runbook
 * pre-warms each node before 20:00: the measured runs then see the night's steady state (what the
 * republishing purges, what expires) rather than the first reader of each of 70,000 pages.
 */
async function prewarm(url: string, paths: string[]): Promise<{ reconnects: number }> {
  let next = 0
  let reconnects = 0
  const get = async (path: string): Promise<Response> => {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(`${url}${path}`, { headers: { 'accept-encoding': 'gzip, deflate, br' } })
        await res.arrayBuffer()
        return res
      } catch (error) {
        // varnishd closes a keep-alive connection idle for timeout_idle (5 s): on a starved
        // machine this client can leave one idle that long and then send on it as it closes
        // ("other side closed"; varnishstat counts it as MAIN.sc_rx_close_idle). A GET of a
        // static page, so it is sent again on a new connection; an HTTP answer is never retried.
        if (attempt === 3) throw new Error(`pre-warming ${path}: ${String((error as Error).cause ?? error)}`, { cause: error })
        reconnects++
      }
    }
  }
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const path = paths[next++]
      if (path === undefined) return
      const res = await get(path)
      if (res.status !== 200) throw new Error(`pre-warming ${path}: ${res.status}`)
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
  return { reconnects }
}

/** One line per target over all rounds: mean req/s and latencies, errors summed, cache counters pooled. */
function summarize(name: string, rounds: Measurement[]): Measurement {
  const mean = (pick: (m: Measurement) => number): number => rounds.reduce((sum, m) => sum + pick(m), 0) / rounds.length
  const summary: Measurement = {
    name,
    requests: rounds.reduce((sum, m) => sum + m.requests, 0),
    requestsPerSecond: mean((m) => m.requestsPerSecond),
    p50Ms: mean((m) => m.p50Ms),
    p99Ms: mean((m) => m.p99Ms),
    errors: rounds.reduce((sum, m) => sum + m.errors, 0),
    errorDetail: rounds.map((m) => m.errorDetail).join(' / '),
  }
  if (rounds.every((m) => m.lookups !== undefined && m.hits !== undefined && m.backendRequests !== undefined)) {
    const hits = rounds.reduce((sum, m) => sum + (m.hits ?? 0), 0)
    const lookups = rounds.reduce((sum, m) => sum + (m.lookups ?? 0), 0)
    summary.backendRequests = rounds.reduce((sum, m) => sum + (m.backendRequests ?? 0), 0)
    summary.evictions = rounds.reduce((sum, m) => sum + (m.evictions ?? 0), 0)
    summary.hitRatio = lookups > 0 ? hits / lookups : 0
    summary.offload = 1 - summary.backendRequests / summary.requests
  }
  return summary
}

function table(rows: Measurement[]): string {
  const lines = [
    '| target | req/s | p50 | p99 | errors | hit ratio | requests to nginx | offload | evicted |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const row of rows) {
    const hit = row.hitRatio === undefined ? '—' : `${(100 * row.hitRatio).toFixed(2)} %`
    const origin = row.backendRequests === undefined ? '—' : String(row.backendRequests)
    const offload = row.offload === undefined ? '—' : `${(100 * row.offload).toFixed(2)} %`
    lines.push(`| ${row.name} | ${Math.round(row.requestsPerSecond)} | ${row.p50Ms.toFixed(2)} ms | ${row.p99Ms.toFixed(2)} ms | ${row.errors} (${row.errorDetail}) | ${hit} | ${origin} | ${offload} | ${row.evictions ?? '—'} |`)
  }
  return lines.join('\n')
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      communes: { type: 'string', default: '35000' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      connections: { type: 'string', default: '1000' },
      threads: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '2' },
    },
  })
  const options = {
    threads: Number(values.threads),
    connections: Number(values.connections),
    seconds: Number(values.duration),
    warmup: Number(values.warmup),
    rounds: Number(values.rounds),
  }
  const load = loadavg().map((n) => n.toFixed(2)).join(', ')
  console.error(`[loadtest] load average before: ${load}`)

  const work = await publicTempDir('loadtest')
  const root = join(work, 'static-out')
  const started = Date.now()
  const site = writeTestSite(root, Number(values.communes))
  console.error(`[loadtest] site: national, ${site.departements.length} départements, ${site.communes.length} communes, written in ${Date.now() - started} ms`)
  const pathsFile = join(work, 'paths.txt')
  await writeFile(pathsFile, `${site.urlMix(PATHS_IN_MIX).join('\n')}\n`)

  const stops: Array<() => Promise<void>> = []
  let republisher: NodeJS.Timeout | undefined
  try {
    const bare = await startNginx({ config: BARE_NGINX_CONF, root })
    stops.push(() => bare.stop())
    const nginx = await startNginx({ root })
    stops.push(() => nginx.stop())
    const nginxPort = Number(new URL(nginx.site).port)
    const defaultVarnish = await startVarnish(nginxPort, { vcl: DEFAULT_VCL, storage: 'malloc,1g' })
    stops.push(() => defaultVarnish.stop())
    const varnish = await startVarnish(nginxPort, { storage: 'malloc,1g' })
    stops.push(() => varnish.stop())

    // The publisher's cycle: rewrite, then purge the project's Varnish (the default VCL has no
    // purge; its copies live out their max-age).
    let cycles = 0
    let purgeFailures = 0
    republisher = setInterval(() => {
      const paths = site.republish()
      cycles++
      fetch(`${varnish.url}/`, { method: 'PURGE', headers: { 'xkey-purge': paths.join(' ') } })
        .then(async (res) => {
          await res.arrayBuffer()
          if (res.status !== 200) purgeFailures++
        })
        .catch(() => purgeFailures++)
    }, REPUBLISH_INTERVAL_MS)

    const targets: Target[] = [
      { name: 'bare nginx (default config)', url: bare.site },
      { name: "project's nginx", url: nginx.site },
      { name: 'Varnish, default VCL', url: defaultVarnish.url, varnish: defaultVarnish },
      { name: "project's Varnish", url: varnish.url, varnish },
    ]
    const pages = site.allPaths()
    const warmStart = Date.now()
    const warmed = [await prewarm(defaultVarnish.url, pages), await prewarm(varnish.url, pages)]
    console.error(`[loadtest] pre-warmed both Varnish instances with ${pages.length} pages in ${Date.now() - warmStart} ms (${warmed.reduce((sum, w) => sum + w.reconnects, 0)} requests sent again after an idle connection was closed)`)

    // Rounds in alternating order (a b c d, d c b a, …), so that a change in the machine's other
    // load during the run weighs on every target alike.
    const perTarget = new Map<Target, Measurement[]>(targets.map((target) => [target, []]))
    const roundTables: string[] = []
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse()
      const rows: Measurement[] = []
      for (const target of order) {
        const measured = await measure(target, pathsFile, options)
        perTarget.get(target)?.push(measured)
        rows.push(measured)
      }
      roundTables.push(`Round ${round + 1}:\n\n${table(rows)}`)
    }
    clearInterval(republisher)

    const results = targets.map((target) => summarize(target.name, perTarget.get(target) ?? []))
    const [bareRow, nginxRow, defaultRow, varnishRow] = results
    if (!bareRow || !nginxRow || !defaultRow || !varnishRow) throw new Error('a target was not measured')
    const checks: Array<[string, boolean]> = [
      [`project's nginx ≥ 90 % of bare nginx's req/s (${((100 * nginxRow.requestsPerSecond) / bareRow.requestsPerSecond).toFixed(1)} %)`, nginxRow.requestsPerSecond >= 0.9 * bareRow.requestsPerSecond],
      [`project's Varnish ≥ 90 % of default Varnish's req/s (${((100 * varnishRow.requestsPerSecond) / defaultRow.requestsPerSecond).toFixed(1)} %)`, varnishRow.requestsPerSecond >= 0.9 * defaultRow.requestsPerSecond],
      [`project's Varnish hit ratio ≥ 99 % while republishing (${(100 * (varnishRow.hitRatio ?? 0)).toFixed(2)} %)`, (varnishRow.hitRatio ?? 0) >= 0.99],
      [`zero errors at ${options.connections} connections on the project's nginx and Varnish`, nginxRow.errors === 0 && varnishRow.errors === 0],
      [`every purge accepted (${cycles} republish cycles, ${purgeFailures} failed purges)`, purgeFailures === 0],
    ]
    console.log(`\nLoad benchmark: ${options.connections} connections, ${options.threads} wrk threads, ${options.rounds} rounds of ${options.seconds} s per target after ${options.warmup} s of warm-up; ` +
      `${site.communes.length} communes (${pages.length} pages, pre-warmed); republishing every ${REPUBLISH_INTERVAL_MS} ms; load average before ${load}, after ${loadavg().map((n) => n.toFixed(2)).join(', ')}\n`)
    for (const roundTable of roundTables) console.log(`${roundTable}\n`)
    console.log(`All rounds (mean req/s and latencies, errors summed, cache counters pooled):\n\n${table(results)}`)
    console.log('')
    for (const [check, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'} ${check}`)
    return checks.every(([, ok]) => ok) ? 0 : 1
  } finally {
    clearInterval(republisher)
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => console.error(`[loadtest] stopping: ${String(error)}`))
    await rm(work, { recursive: true, force: true })
  }
}

// Ctrl-C: exit through process.exit so the servers started are stopped (serving-instances.ts).
process.once('SIGINT', () => process.exit(130))
process.exitCode = await main()
