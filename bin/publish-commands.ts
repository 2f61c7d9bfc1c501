// `elections publish rebuild` and `elections publish warm`: the publisher's two operator commands.
//
// rebuild: reads `[results]` (the embedded log under DATA_DIR, or Kafka), writes every file of the
// site whatever the digests say, with a progress bar, purges them, and exits. It takes the same
// lock as the running publisher: while another publisher is active it writes nothing and exits 75
// (EX_TEMPFAIL), so two writers never race on the output.
//
// warm: requests every page of the site through Varnish (VARNISH_URL, or --target) before the
// night, so the first readers at 20:00 hit a warm cache. The list of pages comes from the site
// itself: the sitemaps (every area, station and contest page in French and English, and the
// corrections page), each page's index.json and results.csv, the style sheet and script (and
// the map when the national page uses one),
// status.json, feed.xml and the downloads named in data/index.json.
import { performance } from 'node:perf_hooks'
import type { Config } from '../infra/config.js'
import type { Logger } from '../infra/logging.js'
import { createMetricsRegistry } from '../infra/metrics.js'
import { openBus, openCache, openStorage, Resources } from './adapters.js'
import { createProgress } from './progress.js'
import { newPublisher } from './service-builders.js'
import { NoElectionError } from '../publish/publisher.js'
import { MAP_ASSET_KEY, SITE_ASSET_KEYS } from '../publish/site-assets.js'

export async function runPublishRebuild(config: Config, logger: Logger): Promise<number> {
  const resources = new Resources(logger)
  try {
    const bus = resources.add('bus', await openBus(config, logger, 'publish'))
    const cache = resources.add('cache', await openCache(config, logger))
    const storage = await openStorage(config)
    const publisher = await newPublisher(config, logger, { bus, cache, storage, metrics: createMetricsRegistry(false) })
    await publisher.start()
    resources.defer('publisher', () => publisher.stop())
    const progress = createProgress('rebuild (areas)')
    const started = performance.now()
    // Without Redis the cache is this process's memory: digests recorded there die with it.
    const report = await publisher
      .rebuild((done, total) => progress.update(done, total), { recordDigests: config.redis !== undefined })
      .catch((err: unknown) => {
        if (!(err instanceof NoElectionError)) throw err
        process.stderr.write(`rebuild: ${err.message}\n`)
        return undefined
      })
      .finally(() => progress.stop())
    if (report === undefined) return 66 // EX_NOINPUT
    if (!report.active) {
      process.stderr.write('rebuild: another publisher is active (it holds the publish lock); nothing was written. Stop it or let it publish.\n')
      return 75 // EX_TEMPFAIL
    }
    const seconds = (performance.now() - started) / 1000
    process.stdout.write(
      [
        `rebuilt ${storage.describe()} in ${seconds.toFixed(1)} s`,
        `  areas      ${report.areasRendered}`,
        `  files      ${report.filesWritten} (+ ${report.variantsWritten} .gz/.br variants)`,
        config.varnishUrls === undefined ? '  purged     nothing (no VARNISH_URL: no cache in front)' : `  purged     ${report.pathsPurged} paths`,
        `  snapshot   ${report.snapshot}`,
        '',
      ].join('\n'),
    )
    return 0
  } finally {
    await resources.close()
  }
}

export interface WarmOptions {
  /** Base URL to request through; default the first of VARNISH_URL. */
  target: string | undefined
  concurrency: number
}

export async function runPublishWarm(config: Config, options: WarmOptions): Promise<number> {
  const target = (options.target ?? config.varnishUrls?.[0])?.replace(/\/+$/, '')
  if (target === undefined) throw new WarmError('publish warm needs --target URL or VARNISH_URL: the cache to warm')
  const started = performance.now()
  const urls = await pagesOf(target)
  const progress = createProgress('warm')
  const statuses = new Map<string, number>()
  let done = 0
  const count = (status: string) => statuses.set(status, (statuses.get(status) ?? 0) + 1)
  const queue = [...urls]
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, queue.length) }, async () => {
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        count(await fetchStatus(`${target}${path}`))
        progress.update(++done, urls.length)
      }
    }),
  )
  progress.stop()
  const seconds = (performance.now() - started) / 1000
  const summary = [...statuses.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([status, n]) => `  ${status.padEnd(10)} ${n}`)
  process.stdout.write([`warmed ${urls.length} URLs through ${target} in ${seconds.toFixed(1)} s (${options.concurrency} at a time)`, ...summary, ''].join('\n'))
  const failed = [...statuses.keys()].some((s) => !/^[23]\d\d$/.test(s))
  return failed ? 1 : 0
}

export class WarmError extends Error {
  override name = 'WarmError'
}

/** GET with the encodings browsers accept, body read to the end so the cache stores the whole object. */
async function fetchStatus(url: string): Promise<string> {
  try {
    const res = await fetch(url, { headers: { 'accept-encoding': 'br, gzip' } })
    await res.arrayBuffer()
    return String(res.status)
  } catch (err) {
    return `error (${err instanceof Error ? err.message : String(err)})`.slice(0, 60)
  }
}

/**
 * Every path to warm, read from the site through the cache itself. Paths are relative to the
 * site's root, which may sit under a prefix of PUBLIC_SITE_URL ("https://example.fr/2027/"): the
 * sitemaps' own URLs say where that root is.
 */
async function pagesOf(target: string): Promise<string[]> {
  const paths = new Set(['/', '/index.json', '/results.csv', '/status.json', '/feed.xml', '/sitemap.xml', '/data/index.json', ...SITE_ASSET_KEYS.map((key) => `/${key}`)])
  for (const sitemap of locsOf(await fetchText(`${target}/sitemap.xml`))) {
    const root = new URL(sitemap).pathname.replace(/sitemaps\/[^/]+$/, '')
    const fromRoot = (url: string) => `/${new URL(url).pathname.slice(root.length)}`
    for (const page of locsOf(await fetchText(`${target}${fromRoot(sitemap)}`))) {
      const path = fromRoot(page)
      paths.add(path)
      // A page's folder (its French page) brings its data; its English page is listed on its own.
      if (path.endsWith('/') && path !== '/corrections/') for (const sibling of ['index.json', 'results.csv']) paths.add(`${path}${sibling}`)
    }
  }
  // The map is an asset only when one is configured: the national page says whether it uses it.
  if ((await fetchText(`${target}/`)).includes(MAP_ASSET_KEY)) paths.add(`/${MAP_ASSET_KEY}`)
  const manifest = JSON.parse(await fetchText(`${target}/data/index.json`)) as { files?: { url?: string; versionedUrl?: string }[] }
  for (const f of manifest.files ?? []) for (const u of [f.url, f.versionedUrl]) if (u) paths.add(u)
  return [...paths]
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url)
  if (!res.ok) throw new WarmError(`GET ${url}: ${res.status} — has the site been published (elections publish rebuild)?`)
  return res.text()
}

function locsOf(xml: string): string[] {
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => (m[1] ?? '').replace(/&amp;/g, '&'))
}
