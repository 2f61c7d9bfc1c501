// The results desk in a real Chromium (playwright-core): signing in and the lockout after five
// wrong passwords, with JavaScript off and on; and, with JavaScript on, the dashboard's counts
// moving while a replay runs, pushed by the server-sent events without a reload.
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import { loadConfig } from '../../infra/config.js'
import { silentLogger } from '../../infra/logging.js'
import { readResultsFile } from '../../bin/import/results-file.js'
import { publishDefinition } from '../../bin/load-election.js'
import { replayItems } from '../../bin/replay-client.js'
import { replayInProcess } from '../../bin/replay.js'
import { openRuntime } from '../../bin/runtime.js'
import { launchChromium } from '../helpers/chromium.js'
import { startTestDesk, TEST_PASSWORD, type TestDesk } from '../helpers/desk-client.js'
import { REPO_ROOT } from '../helpers/run-elections.js'

const browser = await launchChromium(t)

async function openPage(t: Test, b: Browser, javaScriptEnabled: boolean): Promise<Page> {
  const context = await b.newContext({ javaScriptEnabled })
  t.teardown(() => context.close())
  return context.newPage()
}

async function signIn(page: Page, desk: TestDesk, username: string, password: string): Promise<void> {
  await page.goto(`${desk.baseUrl}/login`)
  await page.getByLabel('Identifiant').fill(username)
  await page.getByLabel('Mot de passe').fill(password)
  await page.getByRole('button', { name: 'Se connecter' }).click()
  await page.waitForLoadState()
}

for (const javaScriptEnabled of browser ? [false, true] : []) {
  const mode = `JavaScript ${javaScriptEnabled ? 'enabled' : 'disabled'}`
  const b = browser as Browser

  t.test(`${mode}: sign in, sign out; five wrong passwords lock the username`, async (t) => {
    const desk = await startTestDesk(t)
    await desk.addUser('alice', 'supervisor', TEST_PASSWORD, 'Alice Martin')
    const page = await openPage(t, b, javaScriptEnabled)

    await signIn(page, desk, 'Alice', TEST_PASSWORD)
    t.equal(new URL(page.url()).pathname, '/', 'to the dashboard')
    t.equal(await page.locator('h1').innerText(), 'Tableau de bord')
    t.match(await page.locator('form.who').innerText(), 'Alice Martin · superviseur')
    await page.getByRole('button', { name: 'Se déconnecter' }).click()
    await page.waitForURL('**/login')

    for (let i = 1; i <= 4; i++) {
      await signIn(page, desk, 'alice', `wrong password ${i}`)
      t.equal(await page.getByRole('alert').innerText(), 'Identifiant ou mot de passe incorrect.', `wrong password ${i}`)
    }
    await signIn(page, desk, 'alice', 'wrong password 5')
    t.equal(
      await page.getByRole('alert').innerText(),
      'Identifiant ou mot de passe incorrect. Trop d’échecs de connexion pour cet identifiant : connexion refusée pendant 15 minutes.',
      'the fifth locks the username',
    )
    await signIn(page, desk, 'alice', TEST_PASSWORD)
    t.match(await page.getByRole('alert').innerText(), 'connexion refusée pendant 15 minutes', 'even the right password is refused while locked')
    t.equal(new URL(page.url()).pathname, '/login')
  })
}

t.test('JavaScript enabled: the dashboard counts move while a replay runs, without a reload', { skip: browser ? false : 'no Chromium' }, async (t) => {
  const b = browser as Browser
  const dir = t.testdir({})
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out'), LOG_LEVEL: 'silent' })
  const runtime = await openRuntime(config, silentLogger(), { serveSite: false, ephemeralIngestPort: true })
  t.teardown(() => runtime.close())
  const imported = await readResultsFile(join(REPO_ROOT, 'test', 'fixtures', 'results', '2017-presidentielle-1-extrait_large.csv'), {})
  const items = replayItems(imported.definition, imported.returns)
  const electionId = imported.definition.election.id
  await publishDefinition(runtime.bus, imported.definition)
  await runtime.consolidator.caughtUp()

  const desk = await startTestDesk(t, { db: runtime.db, clock: () => new Date(), liveIntervalMs: 200 })
  await desk.addUser('olga', 'operator', TEST_PASSWORD)
  const page = await openPage(t, b, true)
  await signIn(page, desk, 'olga', TEST_PASSWORD)
  const reported = page.locator(`#overall-${electionId} tr[data-area="all"] td[data-field="reported"]`)
  t.equal(await reported.innerText(), '0', 'nothing reported before the replay')
  // Set on this document: a reload would lose it.
  await page.evaluate(() => Object.assign(globalThis, { stillTheSamePage: true }))
  // The chase list, open in another tab of the same session: it cannot be patched row by row.
  const chase = await page.context().newPage()
  await chase.goto(`${desk.baseUrl}/chase`)
  t.equal(await chase.locator('#live-stale').isVisible(), false, 'the chase list is up to date when it opens')
  const asOf = await chase.locator('[data-live="as-of"]').innerText()

  const seen = new Set<string>()
  const watching = (async () => {
    while (!seen.has(String(items.length))) {
      seen.add(await reported.innerText())
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  // About 3 s of returns at 10 per second: several updates at one poll per 200 ms.
  const replay = replayInProcess(runtime, imported.definition, items, 10, { quiet: true, channel: 'upload' })
  await replay
  await Promise.race([watching, new Promise((_, reject) => setTimeout(() => reject(new Error(`the count stopped at ${[...seen].join(', ')}`)), 20_000))])

  const between = [...seen].filter((n) => n !== '0' && n !== String(items.length))
  t.ok(between.length >= 2, `the count moved through intermediate values (${[...seen].join(' → ')})`)
  t.equal(await reported.innerText(), String(items.length), 'every station reported in the end')
  t.equal(await page.evaluate(() => (globalThis as { stillTheSamePage?: boolean }).stillTheSamePage), true, 'the same page, never reloaded')
  const published = page.locator(`#overall-${electionId} tr[data-area="all"] td[data-field="published"]`)
  await published.filter({ hasText: new RegExp(`^${items.length}$`) }).waitFor({ timeout: 10_000 })
  t.pass('and every station published, shown once the relay marked them')
  await chase.locator('#live-stale').waitFor({ state: 'visible', timeout: 10_000 })
  t.pass('the chase list says it is out of date')
  t.equal(await chase.locator('[data-live="as-of"]').innerText(), asOf, 'and keeps the time of its own rows')
})
