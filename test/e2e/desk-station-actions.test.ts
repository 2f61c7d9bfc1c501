// The results desk's station actions in Chromium, on the in-process pipeline: returns on the
// embedded bus, the real consolidator on PGlite, the desk on its database, the publisher writing
// the site from `[results]`. A conflict settled by validating one return, a correction that its
// author cannot approve and a second supervisor can, and a withdrawal, each seen on the published
// national page.
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import type { Counts } from '../../core/schemas.js'
import { stationStamp, validateReturn } from '../../consolidate/desk/station-actions.js'
import { stationPath } from '../../consolidate/desk/station-view.js'
import { readStationResults } from '../../consolidate/station-results-repository.js'
import { stationResultKey } from '../../core/messages.js'
import { produceReturns, smallReturn } from '../fixtures/consolidation-harness.js'
import { openConflictScene, resultsOf, type ConflictScene } from '../fixtures/desk-station.js'
import { cleanCounts } from '../fixtures/small-election.js'
import { launchChromium } from '../helpers/chromium.js'
import { startTestDesk, TEST_PASSWORD, type TestDesk } from '../helpers/desk-client.js'
import { readJson, startPublisher, type TestPublisher } from '../helpers/publisher-harness.js'

interface NationalPage {
  stations: { reported: number; total: number }
  voters: number
  candidates: { id: string; votes: number }[]
}

interface Pipeline extends ConflictScene {
  desk: TestDesk
  site: TestPublisher
  path: string
  /** Relays what the desk wrote, publishes, and reads the national page. */
  published(): Promise<NationalPage>
}

async function openPipeline(t: Test): Promise<Pipeline> {
  const s = await openConflictScene(t)
  const site = await startPublisher(t, s.h.bus, join(s.h.dir, 'out'))
  const desk = await startTestDesk(t, { db: s.h.db, onResultsWritten: () => s.h.consolidator.outboxWritten() })
  return {
    ...s,
    desk,
    site,
    path: stationPath(s.ref),
    async published() {
      // The set-up steps call the actions directly, not through the desk that signals the relay.
      s.h.consolidator.outboxWritten()
      await s.h.consolidator.relayOnce()
      await site.publisher.publishNow()
      return (await readJson(site.out, 'index.json')) as unknown as NationalPage
    },
  }
}

async function signIn(browser: Browser, desk: TestDesk, username: string, role: string): Promise<Page> {
  await desk.addUser(username, role, TEST_PASSWORD)
  const context = await browser.newContext({ javaScriptEnabled: false })
  const page = await context.newPage()
  await page.goto(`${desk.baseUrl}/login`)
  await page.fill('#username', username)
  await page.fill('#password', TEST_PASSWORD)
  await Promise.all([page.waitForURL(`${desk.baseUrl}/`), page.getByRole('button', { name: 'Se connecter' }).click()])
  return page
}

function votesOf(page: NationalPage): Record<string, number> {
  return Object.fromEntries(page.candidates.map((c) => [c.id, c.votes]))
}

t.test('a phone-vs-upload conflict: nothing published until the desk validates one return, then its figures are', async (t) => {
  const browser = await launchChromium(t)
  if (!browser) return
  const p = await openPipeline(t)
  t.equal((await p.published()).stations.reported, 0, 'the station in conflict is not published')

  const page = await signIn(browser, p.desk, 'olivier', 'operator')
  await page.goto(`${p.desk.baseUrl}${p.path}`)
  t.equal(await page.locator('[data-field="state"]').innerText(), 'en conflit')
  t.match(await page.locator('#differs-summary').innerText(), 'Les remontées diffèrent sur : 1. Alice MARTIN, 2. Bruno DUBOIS.')
  t.same(
    await page.locator('tr[data-field="votes.DUBOIS"] td').allInnerTexts(),
    [`${p.upload.counts.votes.DUBOIS} (diffère)`, `${p.phone.counts.votes.DUBOIS} (diffère)`],
    'the differing figures say so in words',
  )
  t.equal(await page.locator('#return-2 tr[data-code="W205"] td').nth(2).innerText(), 'Deux remontées indépendantes de ce bureau ne donnent pas les mêmes chiffres.')

  const upload = page.locator(`section[data-return-id="${p.upload.returnId}"]`)
  await Promise.all([page.waitForURL('**?fait=validee'), upload.getByRole('button', { name: 'Valider cette remontée' }).click()])
  t.equal(await page.locator('#done').innerText(), 'La remontée est validée : le résultat part à la publication.')
  // The desk signals the relay: [results] has the result within moments, not at the relay's
  // next full rescan of the outbox (a minute).
  let state = ''
  for (let i = 0; i < 50 && state !== 'publié'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    await page.reload()
    state = await page.locator('[data-field="state"]').innerText()
  }
  t.equal(state, 'publié', 'relayed to [results] at once')

  const national = await p.published()
  t.equal(national.stations.reported, 1)
  t.equal(national.voters, p.upload.counts.voters)
  t.same(votesOf(national), p.upload.counts.votes, 'the upload’s figures are published, not the mistyped phone ones')
})

t.test('a correction: its author cannot approve it, a second supervisor can, and the new version is published', async (t) => {
  const browser = await launchChromium(t)
  if (!browser) return
  const p = await openPipeline(t)
  // Set-up: the upload was validated and published earlier in the night.
  const row = (await readStationResults(p.h.db, [p.ref], { lock: false })).get(stationResultKey(p.ref.electionId, p.ref.contestId, p.ref.stationId))
  if (row === undefined) throw new Error('no station row')
  t.equal((await validateReturn(p.h.db, { ref: p.ref, returnId: p.upload.returnId, stamp: stationStamp(row), acknowledgeWarnings: false }, { username: 'olivier', role: 'operator' }, new Date())).ok, true)
  t.same(votesOf(await p.published()), p.upload.counts.votes)

  const corrected: Counts = {
    ...p.upload.counts,
    votes: { ...p.upload.counts.votes, MARTIN: (p.upload.counts.votes.MARTIN ?? 0) - 5, LEROY: (p.upload.counts.votes.LEROY ?? 0) + 5 },
  }
  const alice = await signIn(browser, p.desk, 'alice', 'supervisor')
  await alice.goto(`${p.desk.baseUrl}${p.path}`)
  await alice.fill('#correction-votes\\.MARTIN', String(corrected.votes.MARTIN))
  await alice.fill('#correction-votes\\.LEROY', String(corrected.votes.LEROY))
  await alice.fill('#correction-reason', 'cinq voix mal reportées, procès-verbal relu')
  await Promise.all([alice.waitForURL('**?fait=correction-saisie'), alice.getByRole('button', { name: 'Enregistrer la correction' }).click()])
  t.match(await alice.locator('#correction-1').innerText(), 'Vous avez saisi cette correction : un autre superviseur doit l’approuver.')

  const refusal = await Promise.all([alice.waitForResponse((r) => r.url().endsWith('/corrections/1/approve')), alice.getByRole('button', { name: 'Approuver la correction n° 1' }).click()])
  t.equal(refusal[0].status(), 403)
  t.equal(await alice.locator('.problem').innerText(), 'Vous avez saisi cette correction : un autre superviseur doit l’approuver (règle des quatre yeux).')
  t.same(votesOf(await p.published()), p.upload.counts.votes, 'nothing changed on the site')

  const bruno = await signIn(browser, p.desk, 'bruno', 'supervisor')
  await bruno.goto(`${p.desk.baseUrl}${p.path}`)
  t.same(await bruno.locator('#correction-1 tr.differs th').allInnerTexts(), ['1. Alice MARTIN', '3. Chloé LEROY'], 'the approver sees what changes')
  await Promise.all([bruno.waitForURL('**?fait=correction-approuvee'), bruno.getByRole('button', { name: 'Approuver la correction n° 1' }).click()])
  t.match(await bruno.locator('[data-field="version"]').innerText(), /^2, validée le/)

  t.same(votesOf(await p.published()), corrected.votes, 'the corrected figures are published')
  const results = await resultsOf(p.h, p.station.id)
  t.same(results.map((r) => [r.version, r.reason]), [
    [1, undefined],
    [2, 'desk correction 1 by alice, approved by bruno: cinq voix mal reportées, procès-verbal relu'],
  ], '[results] carries version 2 with its reason')
})

t.test('a withdrawal removes the station from the published totals', async (t) => {
  const browser = await launchChromium(t)
  if (!browser) return
  const p = await openPipeline(t)
  // Another station, confirmed by two independent officials (double policy): published by itself.
  const other = p.def.stations[6]
  if (other === undefined) throw new Error('the small election has 9 stations')
  const otherCounts = cleanCounts(other, 5)
  await produceReturns(p.h.bus, [
    smallReturn(other.id, otherCounts, { returnId: 'lyon-form', channel: 'form' }),
    smallReturn(other.id, otherCounts, { returnId: 'lyon-phone', channel: 'phone', submittedBy: 'phone-lyon' }),
  ])
  await p.h.consolidator.caughtUp()
  const row = (await readStationResults(p.h.db, [p.ref], { lock: false })).get(stationResultKey(p.ref.electionId, p.ref.contestId, p.ref.stationId))
  if (row === undefined) throw new Error('no station row')
  t.equal((await validateReturn(p.h.db, { ref: p.ref, returnId: p.upload.returnId, stamp: stationStamp(row), acknowledgeWarnings: false }, { username: 'olivier', role: 'operator' }, new Date())).ok, true)
  const before = await p.published()
  t.equal(before.stations.reported, 2)
  t.equal(before.voters, p.upload.counts.voters + otherCounts.voters)

  const alice = await signIn(browser, p.desk, 'alice', 'supervisor')
  await alice.goto(`${p.desk.baseUrl}${p.path}`)
  await alice.fill('#withdraw-reason', 'urne ouverte avant la clôture')
  await Promise.all([alice.waitForURL('**?fait=retire'), alice.getByRole('button', { name: 'Retirer le résultat publié' }).click()])
  t.equal(await alice.locator('[data-field="state"]').innerText(), 'en attente')
  t.match(await alice.locator('[data-field="version"]').innerText(), '2 (résultat retiré)')
  t.match(await alice.locator('#history').innerText(), /Résultat retiré\s+alice\s+version 2 · motif : urne ouverte avant la clôture/)

  const after = await p.published()
  t.equal(after.stations.reported, 1, 'the station no longer counts as reported')
  t.equal(after.voters, otherCounts.voters, 'its voters are gone from the totals')
  t.same(votesOf(after), otherCounts.votes)
  t.same((await resultsOf(p.h, p.station.id)).map((r) => [r.version, r.status, r.reason]), [[1, 'validated', undefined], [2, 'withdrawn', 'urne ouverte avant la clôture']])
})
