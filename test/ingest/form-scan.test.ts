// The scan of the signed tally sheet on the web form, in Chromium with JavaScript disabled and
// enabled: stored under its SHA-256 before the returns refer to it; a file too large or not an
// image or PDF is refused with a message and nothing typed is lost; a good scan stays attached
// while a figure is corrected.
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import { scanStorageKey } from '../../core/scans.js'
import { launchChromium } from '../helpers/chromium.js'
import { startForm, type FormHarness } from '../fixtures/form-harness.js'
import { HTML_AS_PNG, jpegOfSize, PNG_1X1, sha256Hex, TINY_PDF } from '../fixtures/scan-samples.js'

const browser = await launchChromium(t)

const S3_FIGURES: Record<string, string> = { 'f-pres-voters': '300', 'f-pres-blank': '4', 'f-pres-invalid': '6', 'f-pres-votes-ALICE': '170', 'f-pres-votes-BOB': '120' }
const SCAN_MAX_BYTES = 4096

async function sheetPage(t: Test, b: Browser, javaScriptEnabled: boolean): Promise<{ h: FormHarness; page: Page }> {
  const h = await startForm(t, { scanMaxBytes: SCAN_MAX_BYTES })
  const context = await b.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 }, isMobile: true })
  t.teardown(() => context.close())
  const page = await context.newPage()
  const { code, pin } = h.login('S3')
  await page.goto(`${h.url}/saisie/`)
  await page.fill('#code', code)
  await page.fill('#pin', pin)
  await Promise.all([page.waitForURL('**/saisie/feuille'), page.click('button[type=submit]')])
  for (const [id, value] of Object.entries(S3_FIGURES)) await page.fill(`#${id}`, value)
  return { h, page }
}

/** Submits the sheet; resolves with the status of the answer once its page (or the next step's) is loaded. */
async function submitSheet(page: Page): Promise<number> {
  const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/saisie/feuille') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Vérifier les chiffres' }).click()])
  if (answer.status() === 303) await page.waitForURL('**/saisie/verification')
  await page.waitForLoadState()
  return answer.status()
}

async function figuresKept(t: Test, page: Page): Promise<void> {
  for (const [id, value] of Object.entries(S3_FIGURES)) t.equal(await page.locator(`#${id}`).inputValue(), value, `${id} kept`)
}

const filesIn = async (dir: string): Promise<string[]> => (await readdir(dir, { recursive: true }).catch(() => [])).filter((f) => f.includes('.'))

for (const javaScriptEnabled of browser ? [false, true] : []) {
  const mode = `JavaScript ${javaScriptEnabled ? 'enabled' : 'disabled'}`
  const b = browser as Browser

  t.test(`${mode}: the scan is stored under its SHA-256 and the return refers to it`, async (t) => {
    const { h, page } = await sheetPage(t, b, javaScriptEnabled)
    await page.setInputFiles('#scan', { name: 'pv-bureau-1.png', mimeType: 'image/png', buffer: PNG_1X1 })
    t.equal(await submitSheet(page), 303, 'on to the confirmation')
    const sha256 = sha256Hex(PNG_1X1)
    t.match(await page.locator('#scan-line').innerText(), `pv-bureau-1.png (${PNG_1X1.length} octets), empreinte SHA-256 ${sha256}`)
    const key = scanStorageKey({ sha256, contentType: 'image/png' })
    t.same(await readFile(join(h.scansDir, key)), PNG_1X1, 'stored before anything refers to it')
    t.same(await h.returnsOnBus(), [])

    await Promise.all([page.waitForURL('**/saisie/recepisse'), page.getByRole('button', { name: 'Confirmer et envoyer' }).click()])
    const [sent] = (await h.returnsOnBus()).map((r) => r.message)
    t.same(sent?.scan, { sha256, contentType: 'image/png', bytes: PNG_1X1.length }, 'the return carries the scan reference')
    t.match(await page.locator('#scan-line').innerText(), sha256, 'the receipt names the scan too')
  })

  t.test(`${mode}: a scan too large is refused with a message; the figures stay; another file then goes through`, async (t) => {
    const { h, page } = await sheetPage(t, b, javaScriptEnabled)
    await page.setInputFiles('#scan', { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: jpegOfSize(SCAN_MAX_BYTES + 1) })
    t.equal(await submitSheet(page), 422)
    t.equal(await page.locator('#scan-error').innerText(), 'Le fichier dépasse 4,1 ko : envoyez une photo moins lourde, ou aucun fichier. Les chiffres saisis sont conservés.')
    await figuresKept(t, page)
    t.same(await filesIn(h.scansDir), [], 'nothing stored')

    await page.setInputFiles('#scan', { name: 'pv.pdf', mimeType: 'application/pdf', buffer: TINY_PDF })
    t.equal(await submitSheet(page), 303)
    t.match(await page.locator('#scan-line').innerText(), `pv.pdf (${TINY_PDF.length} octets)`)
  })

  t.test(`${mode}: a file that is not an image or a PDF is refused whatever its name; the figures stay`, async (t) => {
    const { h, page } = await sheetPage(t, b, javaScriptEnabled)
    await page.setInputFiles('#scan', { name: 'pv.png', mimeType: 'image/png', buffer: HTML_AS_PNG })
    t.equal(await submitSheet(page), 422)
    t.match(await page.locator('#scan-error').innerText(), 'Ce fichier n’est ni une image JPEG ou PNG ni un PDF')
    t.equal(await page.locator('#scan').getAttribute('aria-describedby'), 'scan-hint scan-error')
    await figuresKept(t, page)
    t.same(await filesIn(h.scansDir), [], 'nothing stored')
    await page.setInputFiles('#scan', [])
    t.equal(await submitSheet(page), 303, 'without a file the sheet goes on')
    t.equal(await page.locator('#scan-line').innerText(), 'Aucun fichier joint.')
  })

  t.test(`${mode}: a good scan stays attached while a wrong figure is corrected, and can be removed`, async (t) => {
    const { h, page } = await sheetPage(t, b, javaScriptEnabled)
    await page.fill('#f-pres-blank', 'quatre')
    await page.setInputFiles('#scan', { name: 'pv.pdf', mimeType: 'application/pdf', buffer: TINY_PDF })
    t.equal(await submitSheet(page), 422)
    t.match(await page.locator('#scan-attached').innerText(), 'Fichier joint : pv.pdf')
    t.same(await filesIn(h.scansDir), [scanStorageKey({ sha256: sha256Hex(TINY_PDF), contentType: 'application/pdf' })], 'already stored')
    await page.fill('#f-pres-blank', '4')
    t.equal(await submitSheet(page), 303)
    t.match(await page.locator('#scan-line').innerText(), 'pv.pdf', 'attached without choosing it again')

    await Promise.all([page.waitForURL('**/saisie/feuille'), page.getByRole('button', { name: 'Corriger' }).click()])
    await page.check('#scan-remove')
    t.equal(await submitSheet(page), 303)
    t.equal(await page.locator('#scan-line').innerText(), 'Aucun fichier joint.')
    await Promise.all([page.waitForURL('**/saisie/recepisse'), page.getByRole('button', { name: 'Confirmer et envoyer' }).click()])
    t.equal((await h.returnsOnBus())[0]?.message.scan, undefined, 'the return has no scan')
  })
}
