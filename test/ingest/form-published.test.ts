// From the official's web form to the published page: the whole pipeline in one process
// (openRuntime: ingest, consolidation on PGlite, the publisher writing OUTPUT_DIR), two stations'
// presidents filling in their sheets in Chromium, and the national index.json showing their
// figures. The scan goes to DATA_DIR/scans and nowhere under the published output.
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import t from 'tap'
import { scanStorageKey } from '../../core/scans.js'
import { loadConfig } from '../../infra/config.js'
import { silentLogger } from '../../infra/logging.js'
import { openBus } from '../../bin/adapters.js'
import { issueCredentials } from '../../bin/credentials.js'
import { publishDefinition } from '../../bin/load-election.js'
import { openRuntime } from '../../bin/runtime.js'
import { launchChromium } from '../helpers/chromium.js'
import { cleanCounts, SMALL_ELECTION_ID, smallElection } from '../fixtures/small-election.js'
import { PNG_1X1, sha256Hex } from '../fixtures/scan-samples.js'
import { readIssuedLogins } from '../fixtures/form-harness.js'

t.test('two presidents send their sheets on the web form; the national page adds them up', async (t) => {
  const browser = await launchChromium(t)
  if (!browser) return
  const dir = t.testdir({})
  const config = loadConfig({ DATA_DIR: join(dir, 'data'), OUTPUT_DIR: join(dir, 'out'), FORM_SECURE_COOKIES: 'false', PUBLISH_INTERVAL_MS: '50' })
  const logger = silentLogger()
  const definition = smallElection()
  const [paris, lyon] = [definition.stations[0], definition.stations[6]]
  if (!paris || !lyon) throw new Error('the small election has stations')

  // Set-up, as the prefecture does it: the election loaded, the credentials issued.
  const bus = await openBus(config, logger, 'tools')
  await publishDefinition(bus, definition)
  await issueCredentials({ bus, definition, outDir: join(dir, 'credentials'), stations: [paris.id, lyon.id] })
  await bus.close()
  const login = await readIssuedLogins(join(dir, 'credentials'))

  const runtime = await openRuntime(config, logger, { serveSite: false, ephemeralIngestPort: true })
  t.teardown(() => runtime.close())
  await runtime.ingest.waitForElection(SMALL_ELECTION_ID)

  const sent = [
    { station: paris, counts: cleanCounts(paris, 3), scan: true },
    { station: lyon, counts: cleanCounts(lyon, 8), scan: false },
  ]
  for (const { station, counts, scan } of sent) {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    const credentials = login.get(station.id)
    if (!credentials) throw new Error(`no credentials for ${station.id}`)
    await page.goto(`${runtime.ingestUrl}/saisie/`)
    await page.fill('#code', credentials.code)
    await page.fill('#pin', credentials.pin)
    await Promise.all([page.waitForURL('**/saisie/feuille'), page.click('button[type=submit]')])
    await page.fill('#f-pres-voters', String(counts.voters))
    await page.fill('#f-pres-blank', String(counts.blank))
    await page.fill('#f-pres-invalid', String(counts.invalid))
    for (const [candidate, votes] of Object.entries(counts.votes)) await page.fill(`#f-pres-votes-${candidate}`, String(votes))
    if (scan) await page.setInputFiles('#scan', { name: 'pv.png', mimeType: 'image/png', buffer: PNG_1X1 })
    await Promise.all([page.waitForURL('**/saisie/verification'), page.getByRole('button', { name: 'Vérifier les chiffres' }).click()])
    await Promise.all([page.waitForURL('**/saisie/recepisse'), page.getByRole('button', { name: 'Confirmer et envoyer' }).click()])
    t.match(await page.locator('.receipt-number').innerText(), /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/, `${station.id}: receipt shown`)
    await context.close()
  }

  await runtime.consolidator.caughtUp()
  await runtime.publisher.caughtUp()
  await runtime.publisher.publishNow()
  const national = JSON.parse(await readFile(join(dir, 'out', 'index.json'), 'utf8'))
  t.same(national.stations.reported, 2, 'both stations are counted')
  const sum = (pick: (c: (typeof sent)[number]['counts']) => number) => sent.reduce((total, s) => total + pick(s.counts), 0)
  t.equal(national.voters, sum((c) => c.voters))
  t.equal(national.blank, sum((c) => c.blank))
  t.equal(national.invalid, sum((c) => c.invalid))
  t.equal(national.valid, sum((c) => c.valid))
  t.equal(national.registered, paris.registered + lyon.registered)
  for (const candidate of national.candidates as { id: string; votes: number }[]) {
    t.equal(candidate.votes, sum((c) => c.votes[candidate.id] ?? 0), `${candidate.id}'s votes`)
  }

  const key = scanStorageKey({ sha256: sha256Hex(PNG_1X1), contentType: 'image/png' })
  t.same(await readFile(join(dir, 'data', 'scans', key)), PNG_1X1, 'the scan is in DATA_DIR/scans')
  // The station's public page names the signed sheet behind its figures by its SHA-256 (the file
  // itself is published only where PUBLISH_SCANS_URL says); a station sent without a scan names none.
  const stationPage = async (station: typeof paris) => readFile(join(dir, 'out', 'commune', station.commune, 'bureau', station.code, 'index.json'), 'utf8')
  const parisPage = JSON.parse(await stationPage(paris)) as { station: { results: { scan: { sha256: string } | null }[] } }
  t.equal(parisPage.station.results[0]?.scan?.sha256, sha256Hex(PNG_1X1), "the Paris station's page gives its scan's SHA-256")
  const lyonPage = JSON.parse(await stationPage(lyon)) as { station: { results: { scan: unknown }[] } }
  t.equal(lyonPage.station.results[0]?.scan, null, 'the Lyon station, sent without a scan, names none')

  const published = await readdir(join(dir, 'out'), { recursive: true })
  t.same(published.filter((f) => f.includes('scan') || f.endsWith('.png')), [], 'and nowhere in the published output')
})
