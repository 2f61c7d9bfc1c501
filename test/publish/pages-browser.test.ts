// The result pages in a real Chromium, served by the built-in site server: the national, a
// département, a commune and a station page at 360 px and 1280 px wide, with no horizontal
// scrolling at 360 px (a wide table scrolls inside its own box); screenshots are saved for a person
// to look at (path printed). With JavaScript on, a page takes a new snapshot's figures without
// reloading, asking for index.json with If-None-Match.
import t from 'tap'
import type { Test } from 'tap'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { listen } from '../../infra/http/http.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { silentLogger } from '../../infra/logging.js'
import { loadDepartementMap } from '../../publish/departement-map.js'
import { buildPublisher } from '../../publish/publisher.js'
import { buildSiteServer } from '../../publish/site-server.js'
import { smallElection, smallStationResult } from '../fixtures/small-election.js'
import { launchChromium } from '../helpers/chromium.js'
import { openTestBus, produceDefinition, produceResults, recordingStorage } from '../helpers/publisher-harness.js'
import { SHARED_DATA_DIR } from '../helpers/shared-data.js'

/** Git-ignored (.scratch/): screenshots are for looking at, not for committing. */
const SCREENSHOT_DIR = resolve(import.meta.dirname, '..', '..', '.scratch', 'screenshots', 'publish-pages')
const MAP_FILES = ['departements-version-simplifiee.geojson', 'departements-avec-outre-mer.geojson'].map((f) => join(SHARED_DATA_DIR, f))

const PAGES = [
  { name: 'national', path: '/' },
  { name: 'departement-94', path: '/departement/94/' },
  { name: 'commune-75056', path: '/commune/75056/' },
  { name: 'bureau-75056-0101', path: '/commune/75056/bureau/0101/' },
  { name: 'national-en', path: '/index.en.html' },
]

async function servedElection(t: Test) {
  const dir = t.testdir()
  const bus = await openTestBus(t, join(dir, 'bus'))
  const out = join(dir, 'out')
  // The real département shapes when ../shared/data is here; the pages must also work without a map.
  const map = MAP_FILES.every((f) => existsSync(f)) ? loadDepartementMap(MAP_FILES) : undefined
  const publisher = buildPublisher({ bus, storage: recordingStorage(out), logger: silentLogger(), metrics: createMetricsRegistry(false), intervalMs: 3_600_000, pages: { map } })
  await publisher.start()
  t.teardown(() => publisher.stop())
  const def = smallElection()
  await produceDefinition(bus, def)
  await produceResults(bus, def.stations.slice(0, 7).map((s, i) => smallStationResult(s, { seed: 2 + i * 3 })))
  await publisher.publishNow()
  const server = await listen(buildSiteServer({ dir: out, registry: createMetricsRegistry(true) }), 0, '127.0.0.1')
  t.teardown(() => server.close())
  return { base: `http://127.0.0.1:${server.port}`, bus, publisher, def, map }
}

t.test('pages at 360 px and 1280 px: screenshots, no horizontal scrolling on a phone', async (t) => {
  const browser = await launchChromium(t)
  if (!browser) return
  const { base, map } = await servedElection(t)
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  for (const width of [360, 1280]) {
    const context = await browser.newContext({ viewport: { width, height: 800 }, javaScriptEnabled: false })
    const page = await context.newPage()
    for (const { name, path } of PAGES) {
      const response = await page.goto(`${base}${path}`)
      t.equal(response?.status(), 200, `${name} served`)
      const { scrollWidth, clientWidth } = (await page.evaluate('({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })')) as { scrollWidth: number; clientWidth: number }
      if (width === 360) t.ok(scrollWidth <= clientWidth, `${name} at 360 px: page ${scrollWidth} px wide in a ${clientWidth} px window`)
      t.equal(await page.locator('table caption').count(), await page.locator('table').count(), `${name}: every table has a caption`)
      await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true })
    }
    if (width === 360) {
      // The commune's station table is wider than a phone: it scrolls in its own box.
      await page.goto(`${base}/commune/75056/`)
      const box = (await page.evaluate(`(() => {
        const scroller = document.querySelector('#bureaux ~ .scroll')
        return scroller ? { scroll: scroller.scrollWidth, client: scroller.clientWidth } : undefined
      })()`)) as { scroll: number; client: number } | undefined
      t.ok(box && box.scroll > box.client, 'the station table overflows its own scrolling box, not the page')
    }
    await context.close()
  }
  if (map) {
    const page = await browser.newPage()
    await page.goto(`${base}/`)
    t.equal(await page.locator('.map svg use').count(), 101, 'the 96 metropolitan départements and 5 overseas insets')
    // The shapes come from assets/departements.svg: a département with a result is drawn in colour.
    const painted = (await page.evaluate(`(() => {
      const use = [...document.querySelectorAll('.map svg use')].find((u) => u.getAttribute('href').endsWith('#d-94'))
      const box = use.getBoundingClientRect()
      return { width: box.width, fill: use.getAttribute('fill') }
    })()`)) as { width: number; fill: string }
    t.ok(painted.width > 2, `Val-de-Marne's shape is loaded and drawn (${painted.width} px wide)`)
    t.not(painted.fill, '#d9d9d9', 'in its leader’s colour')
    await page.close()
  }
  t.comment(`screenshots in ${SCREENSHOT_DIR}`)
})

t.test('with JavaScript, a page takes the next snapshot without reloading', async (t) => {
  const browser = await launchChromium(t)
  if (!browser) return
  const { base, bus, publisher, def } = await servedElection(t)
  const context = await browser.newContext({ viewport: { width: 360, height: 800 } })
  await context.addInitScript('window.resultsRefreshMs = 150')
  const page = await context.newPage()
  const dataStatuses: number[] = []
  page.on('response', (r) => {
    if (r.url().endsWith('/departement/69/index.json')) dataStatuses.push(r.status())
  })
  await page.goto(`${base}/departement/69/`)
  await page.evaluate('window.notReloaded = true')
  t.match(await page.locator('main .meta').first().textContent(), /^1 bureau sur 3 dépouillé \(/)
  // Let a few checks run against an unchanged page first: each must be a 304.
  await page.waitForTimeout(600)
  t.ok(dataStatuses.includes(304), `unchanged index.json answered 304 (${dataStatuses.join(', ')})`)

  const lyon = def.stations.filter((s) => s.commune === '69123' || s.commune === '69266')
  await produceResults(bus, lyon.map((s) => smallStationResult(s, { seed: 40 })))
  await publisher.publishNow()
  await page.waitForFunction(`document.querySelector('main').getAttribute('data-snapshot') !== '1'`, undefined, { timeout: 5_000 })
  t.match(await page.locator('main .meta').first().textContent(), '3 bureaux sur 3 dépouillés', 'the new figures are on the page')
  t.equal(await page.evaluate('window.notReloaded'), true, 'the page was not reloaded')
  t.match(await page.locator('#live-status').textContent(), 'Rhône (département 69) :', 'the new summary is read to screen readers')
  await context.close()
})
