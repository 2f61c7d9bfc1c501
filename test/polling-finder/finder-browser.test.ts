// The finder in Chromium, served by the built-in site server from a build of the real Paris and
// Val-de-Marne data: a postcode search, the no-JavaScript browse path to every Paris station, and
// "use my location" inside a Paris bureau area.
import t from 'tap'
import { readdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { listen } from '../../infra/http/http.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { buildSiteServer } from '../../publish/site-server.js'
import { launchChromium } from '../helpers/chromium.js'
import { buildSharedFinder } from '../helpers/finder-shared-build.js'
import { SHARED_DATA_DIR } from '../helpers/shared-data.js'

t.test('the finder in a browser', async (t) => {
  const built = await buildSharedFinder(t)
  if (built === undefined) return
  const browser = await launchChromium(t)
  if (browser === undefined) return
  const server = await listen(buildSiteServer({ dir: dirname(built.dir), registry: createMetricsRegistry(true) }), 0, '127.0.0.1')
  t.teardown(() => server.close())
  const home = `http://127.0.0.1:${server.port}/finder/`

  t.test('finder files are cached as nginx caches /finder/', async (t) => {
    for (const path of ['', 'data/cp/94200.json', 'finder-lookup.js']) {
      const response = await fetch(`${home}${path}`)
      t.equal(response.status, 200, path || 'home')
      t.equal(response.headers.get('cache-control'), 'public, max-age=300', path || 'home')
    }
  })

  t.test('postcode 94200 reaches Ivry-sur-Seine’s stations', async (t) => {
    const page = await browser.newPage()
    t.teardown(() => page.close())
    const requests: string[] = []
    await page.goto(home)
    page.on('request', (r) => requests.push(r.url()))
    await page.fill('#q', '94200')
    await page.click('button[type=submit]')
    await page.waitForSelector('#answer section')
    t.match(await page.textContent('#answer'), /Ivry-sur-Seine/)
    t.same(requests.map((u) => new URL(u).pathname), ['/finder/data/cp/94200.json'], 'one request for the look-up')
    requests.length = 0
    await page.fill('#q', 'Ivry-sur-Seine')
    await page.click('button[type=submit]')
    await page.locator('#answer h2', { hasText: 'Ivry-sur-Seine' }).first().waitFor()
    t.same(requests.map((u) => new URL(u).pathname), ['/finder/data/noms/iv.json', '/finder/data/cp/94200.json'], 'a commune name: two requests')
    await page.click('#answer a[href^="bureau/94041-"]')
    await page.waitForURL(/\/finder\/bureau\/94041-\d+\/$/)
    t.match(await page.textContent('h1'), /Ivry-sur-Seine/)
  })

  t.test('without JavaScript, every Paris station is at most three clicks from the home page', async (t) => {
    const context = await browser.newContext({ javaScriptEnabled: false })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(home)
    await page.click('a[href="departement/75/"]')
    await page.click('a[href$="commune/75056/"]')
    t.match(await page.textContent('body'), /secteurs des bureaux sont connus.*Utiliser ma position/s, 'Paris has no address table: the page points to the areas')
    const links = await page.$$eval('a[href*="bureau/75056-"]', (as) => as.map((a) => (a as unknown as { href: string }).href))
    const stations = new Set(links.map((h) => h.match(/bureau\/(75056-\d+)\//)?.[1]))
    t.equal(stations.size, 896, 'the Paris page links to all 896 stations (click 3)')
    const pages = await readdir(join(built.dir, 'bureau'))
    t.equal(pages.filter((p) => p.startsWith('75056-')).length, 896, 'and each has its page')
    await page.goto(links[123] ?? '')
    t.match(await page.textContent('body'), /Ouvert le jour du scrutin de 08:00 à 20:00/)
    t.match(await page.getAttribute('a[href^="geo:"]', 'href'), /^geo:48\.\d+,2\.\d+$/)
  })

  t.test('a position inside a Paris bureau area shows that bureau', async (t) => {
    const areas = JSON.parse(await readFile(join(SHARED_DATA_DIR, 'paris-secteurs-bureaux-de-vote-2017.geojson'), 'utf8')) as {
      features?: { properties: { id_bv: string; geo_point_2d: [number, number] } }[]
    }
    // 15-40's own centroid lies inside its polygon (a convex-enough area); the answer must be 1540.
    const feature = areas.features?.find((f) => f.properties.id_bv === '15-40')
    if (feature === undefined) throw new Error('no area 15-40')
    const [latitude, longitude] = feature.properties.geo_point_2d
    const context = await browser.newContext({ geolocation: { latitude, longitude }, permissions: ['geolocation'] })
    t.teardown(() => context.close())
    const page = await context.newPage()
    await page.goto(home)
    await page.click('#locate')
    await page.waitForSelector('#area-answer')
    t.match(await page.textContent('#area-answer'), /Bureau 1540/)
    t.equal(await page.getAttribute('#area-answer a', 'href'), 'bureau/75056-1540/')
  })
})
