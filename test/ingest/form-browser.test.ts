// The officials' web form in a real Chromium (playwright-core), every case once with JavaScript
// disabled and once enabled: sign in, fill in, confirm, receipt; a refresh or a double submit is
// still one return; wrong PINs up to the lockout; field errors keep what was typed; English;
// names holding markup shown as text.
import t, { type Test } from 'tap'
import type { Browser, Page } from 'playwright-core'
import { launchChromium } from '../helpers/chromium.js'
import { MARKUP_COMMUNE, SCRIPT_CANDIDATE, startForm, type FormHarness } from '../fixtures/form-harness.js'

const browser = await launchChromium(t)

/** S1 votes in two contests: the presidential one (Alice ballot 1, Bob ballot 2) and Constituency 1 (Carol). */
const S1_FIGURES: Record<string, string> = {
  'f-pres-voters': '700',
  'f-pres-blank': '10',
  'f-pres-invalid': '5',
  'f-pres-votes-ALICE': '400',
  'f-pres-votes-BOB': '285',
  'f-leg1-voters': '690',
  'f-leg1-blank': '20',
  'f-leg1-invalid': '0',
  'f-leg1-votes-CAROL': '670',
}

async function openPage(t: Test, b: Browser, javaScriptEnabled: boolean): Promise<Page> {
  const context = await b.newContext({ javaScriptEnabled, viewport: { width: 390, height: 844 }, isMobile: true })
  t.teardown(() => context.close())
  return context.newPage()
}

async function signIn(page: Page, h: FormHarness, stationId: string): Promise<void> {
  const { code, pin } = h.login(stationId)
  await page.goto(`${h.url}/saisie/`)
  await page.getByLabel('Code du bureau (8 chiffres)').fill(code)
  await page.getByLabel('Code PIN (6 chiffres)').fill(pin)
  await Promise.all([page.waitForURL('**/saisie/feuille'), page.getByRole('button', { name: 'Continuer' }).click()])
}

async function fill(page: Page, figures: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(figures)) await page.fill(`#${id}`, value)
}

const busCounts = async (h: FormHarness) => (await h.returnsOnBus()).map(({ message: m }) => ({ contestId: m.contestId, stationId: m.stationId, channel: m.channel, receipt: m.receipt }))

for (const javaScriptEnabled of browser ? [false, true] : []) {
  const mode = `JavaScript ${javaScriptEnabled ? 'enabled' : 'disabled'}`
  const b = browser as Browser

  t.test(`${mode}: sign in, fill in the sheet of two contests, confirm; the receipt is shown once the returns are on the bus`, async (t) => {
    const h = await startForm(t)
    const page = await openPage(t, b, javaScriptEnabled)
    await signIn(page, h, 'S1')

    t.match(await page.locator('.station').innerText(), `Bureau 0001 — School 1, ${MARKUP_COMMUNE}`, 'the station and its commune, markup shown as text')
    const labels = await page.locator('form[enctype="multipart/form-data"] .field label[for^="f-"]').allInnerTexts()
    t.same(labels, [
      'Nombre de votants',
      'Bulletins blancs',
      'Bulletins nuls',
      `N° 1 — ${SCRIPT_CANDIDATE}`,
      'N° 2 — Bob B (Parti "Bleu")',
      'Nombre de votants',
      'Bulletins blancs',
      'Bulletins nuls',
      'N° 1 — Carol C',
    ], 'each contest in the order of the paper sheet: voters, blank, invalid, candidates by ballot number')
    t.same(await page.locator('input[id^="f-"]').evaluateAll((inputs) => inputs.map((i) => i.getAttribute('inputmode'))), Array(9).fill('numeric'))
    t.same(await page.locator('legend').allInnerTexts(), ['Presidential', 'Circonscription 1'])

    await fill(page, S1_FIGURES)
    await Promise.all([page.waitForURL('**/saisie/verification'), page.getByRole('button', { name: 'Vérifier les chiffres' }).click()])
    t.same(await page.locator('#figures-pres td').allInnerTexts(), ['700', '10', '5', '400', '285', '685'], 'the confirmation repeats the numbers, with the valid total')
    t.same(await page.locator('#figures-leg1 td').allInnerTexts(), ['690', '20', '0', '670', '670'])
    t.same(await h.returnsOnBus(), [], 'nothing is sent before the official confirms')

    await Promise.all([page.waitForURL('**/saisie/recepisse'), page.getByRole('button', { name: 'Confirmer et envoyer' }).click()])
    const onBus = await busCounts(h)
    t.same(onBus.map((r) => [r.contestId, r.stationId, r.channel]), [['pres', 'S1', 'form'], ['leg1', 'S1', 'form']], 'one return per contest, from the form channel')
    const shown = await page.locator('.receipt-number').allInnerTexts()
    t.same(shown, onBus.map((r) => r.receipt), 'the receipts shown are those of the returns on the bus')
    const [pres] = (await h.returnsOnBus()).map((r) => r.message)
    t.same(pres?.counts, { registered: 1000, voters: 700, blank: 10, invalid: 5, valid: 685, votes: { ALICE: 400, BOB: 285 } }, 'registered from the reference, valid the candidates’ total')

    await page.reload()
    t.same(await page.locator('.receipt-number').allInnerTexts(), shown, 'a refresh of the receipt shows the same receipts')
    await page.goBack()
    t.match(page.url(), /\/saisie\/recepisse$/, 'going back to the confirmation leads to the receipt again')
    t.equal((await h.returnsOnBus()).length, 2, 'and nothing was sent again')
    t.equal(await page.locator('script').count(), 0, 'no script element came from a name')
    if (javaScriptEnabled) t.equal(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), undefined, 'no injected script ran')
  })

  t.test(`${mode}: a double click on confirm sends one return per contest and shows its receipt`, async (t) => {
    const h = await startForm(t)
    const page = await openPage(t, b, javaScriptEnabled)
    await signIn(page, h, 'S3')
    await fill(page, { 'f-pres-voters': '300', 'f-pres-blank': '4', 'f-pres-invalid': '6', 'f-pres-votes-ALICE': '170', 'f-pres-votes-BOB': '120' })
    await Promise.all([page.waitForURL('**/saisie/verification'), page.getByRole('button', { name: 'Vérifier les chiffres' }).click()])
    // The browser sends both posts and may abandon the first navigation for the second (then
    // waitForURL fails with ERR_ABORTED): wait for the page it ends on, whichever post led there.
    await page.getByRole('button', { name: 'Confirmer et envoyer' }).dblclick()
    await page.locator('.receipt-number').first().waitFor()
    t.match(page.url(), /\/saisie\/recepisse$/, 'the page ends on the receipt')
    const onBus = await busCounts(h)
    t.equal(onBus.length, 1, 'one return')
    t.same(await page.locator('.receipt-number').allInnerTexts(), [onBus[0]?.receipt])
  })

  t.test(`${mode}: wrong PINs up to the lockout, which says until when and whom to call`, async (t) => {
    const h = await startForm(t)
    const page = await openPage(t, b, javaScriptEnabled)
    const { code, pin } = h.login('S2')
    const wrong = pin === '000000' ? '111111' : '000000'
    await page.goto(`${h.url}/saisie/`)
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.getByLabel('Code du bureau (8 chiffres)').fill(code)
      await page.getByLabel('Code PIN (6 chiffres)').fill(wrong)
      const [answer] = await Promise.all([page.waitForResponse('**/saisie/connexion'), page.getByRole('button', { name: 'Continuer' }).click()])
      await page.waitForLoadState()
      if (attempt < 5) {
        t.equal(answer.status(), 401, `attempt ${attempt}: wrong`)
        t.match(await page.getByRole('alert').innerText(), 'Code du bureau ou code PIN incorrect')
        t.equal(await page.getByLabel('Code du bureau (8 chiffres)').inputValue(), code, 'the code is kept')
        t.equal(await page.getByLabel('Code PIN (6 chiffres)').inputValue(), '', 'the PIN is never shown back')
      } else {
        t.equal(answer.status(), 429, 'the fifth wrong PIN locks the code')
      }
    }
    t.match(await page.locator('h1').innerText(), 'Connexion bloquée')
    const locked = await page.locator('#locked').innerText()
    t.match(locked, /bloquée jusqu’à \d{2}:\d{2} \(heure de Paris\), soit pendant 15 min/, 'when to retry')
    t.match(locked, /appelez la cellule élections de votre préfecture/, 'whom to call')

    await page.getByLabel('Code PIN (6 chiffres)').fill(pin)
    await Promise.all([page.waitForResponse('**/saisie/connexion'), page.getByRole('button', { name: 'Continuer' }).click()])
    t.match(await page.locator('#locked').innerText(), 'bloquée', 'even the right PIN waits for the end of the lock')
    t.match(page.url(), /\/saisie\/connexion$/)
  })

  t.test(`${mode}: field errors are shown per field and keep what was typed`, async (t) => {
    const h = await startForm(t)
    const page = await openPage(t, b, javaScriptEnabled)
    await signIn(page, h, 'S3')
    const typed = { 'f-pres-voters': '30O', 'f-pres-blank': '', 'f-pres-invalid': '-2', 'f-pres-votes-ALICE': '17000', 'f-pres-votes-BOB': '1 20' }
    await fill(page, typed)
    const [answer] = await Promise.all([page.waitForResponse('**/saisie/feuille'), page.getByRole('button', { name: 'Vérifier les chiffres' }).click()])
    await page.waitForLoadState()
    t.equal(answer.status(), 422)
    for (const [id, value] of Object.entries(typed)) t.equal(await page.locator(`#${id}`).inputValue(), value, `${id} keeps "${value}"`)
    const errorOf = (id: string) => page.locator(`#${id}-error`).innerText()
    t.equal(await errorOf('f-pres-voters'), 'Saisissez un nombre entier, en chiffres uniquement.')
    t.equal(await errorOf('f-pres-blank'), 'Saisissez ce nombre (0 s’il n’y en a aucun).')
    t.equal(await errorOf('f-pres-invalid'), 'Un nombre ne peut pas être négatif.')
    t.match(await errorOf('f-pres-votes-ALICE'), /dépasse de loin les 500 inscrits du bureau/)
    t.equal(await page.locator('#f-pres-votes-BOB-error').count(), 0, '"1 20" with a thousands space is a number')
    t.equal(await page.locator('#f-pres-voters').getAttribute('aria-describedby'), 'f-pres-voters-error')
    t.equal(await page.locator('#problems li').count(), 4, 'a summary links to each wrong field')

    await fill(page, { 'f-pres-voters': '300', 'f-pres-blank': '4', 'f-pres-invalid': '6', 'f-pres-votes-ALICE': '170' })
    await Promise.all([page.waitForURL('**/saisie/verification'), page.getByRole('button', { name: 'Vérifier les chiffres' }).click()])
    t.same(await page.locator('#figures-pres td').allInnerTexts(), ['300', '4', '6', '170', '120', '290'])
    t.same(await h.returnsOnBus(), [], 'nothing sent while correcting')
  })

  t.test(`${mode}: a sheet that does not add up is flagged on the confirmation page, and can be corrected`, async (t) => {
    const h = await startForm(t)
    const page = await openPage(t, b, javaScriptEnabled)
    await signIn(page, h, 'S3')
    await fill(page, { 'f-pres-voters': '600', 'f-pres-blank': '4', 'f-pres-invalid': '6', 'f-pres-votes-ALICE': '170', 'f-pres-votes-BOB': '120' })
    await Promise.all([page.waitForURL('**/saisie/verification'), page.getByRole('button', { name: 'Vérifier les chiffres' }).click()])
    const warnings = await page.locator('#warnings').innerText()
    t.match(warnings, 'Blancs + nuls + exprimés n’est pas égal au nombre de votants. (300 ≠ 600)')
    t.match(warnings, 'Il y a plus de votants que d’inscrits. (600 > 500)')
    await Promise.all([page.waitForURL('**/saisie/feuille'), page.getByRole('button', { name: 'Corriger' }).click()])
    t.equal(await page.locator('#f-pres-voters').inputValue(), '600', 'back on the sheet with the figures entered')
    t.equal(await page.locator('#f-pres-votes-BOB').inputValue(), '120')
    await page.fill('#f-pres-voters', '300')
    await Promise.all([page.waitForURL('**/saisie/verification'), page.getByRole('button', { name: 'Vérifier les chiffres' }).click()])
    t.equal(await page.locator('#warnings').count(), 0, 'nothing left to check')
    await Promise.all([page.waitForURL('**/saisie/recepisse'), page.getByRole('button', { name: 'Confirmer et envoyer' }).click()])
    t.same((await h.returnsOnBus()).map((r) => r.message.counts.voters), [300], 'only the corrected sheet was sent')
  })

  t.test(`${mode}: in English, from the language link to the receipt`, async (t) => {
    const h = await startForm(t)
    const page = await openPage(t, b, javaScriptEnabled)
    const { code, pin } = h.login('S3')
    await page.goto(`${h.url}/saisie/`)
    t.equal(await page.locator('html').getAttribute('lang'), 'fr', 'French by default')
    await Promise.all([page.waitForURL('**/saisie/?lang=en'), page.getByRole('link', { name: 'English' }).click()])
    t.equal(await page.locator('html').getAttribute('lang'), 'en')
    await page.getByLabel('Station code (8 digits)').fill(code)
    await page.getByLabel('PIN (6 digits)').fill(pin)
    await Promise.all([page.waitForURL('**/saisie/feuille'), page.getByRole('button', { name: 'Continue' }).click()])
    t.match(await page.locator('.station').innerText(), 'Station 0001 — Town hall, Commune 2')
    await page.getByLabel('Voters').fill('300')
    await page.getByLabel('Blank ballots').fill('4')
    await page.getByLabel('Invalid ballots').fill('x')
    await page.getByLabel('No. 2 — Bob B').fill('120')
    await Promise.all([page.waitForResponse('**/saisie/feuille'), page.getByRole('button', { name: 'Check the figures' }).click()])
    await page.waitForLoadState()
    t.equal(await page.locator('#f-pres-invalid-error').innerText(), 'Enter a whole number, in digits only.')
    t.equal(await page.locator('#f-pres-votes-ALICE-error').innerText(), 'Enter this figure (0 if there are none).')
    await page.getByLabel('Invalid ballots').fill('6')
    await page.locator('#f-pres-votes-ALICE').fill('170')
    await Promise.all([page.waitForURL('**/saisie/verification'), page.getByRole('button', { name: 'Check the figures' }).click()])
    t.equal(await page.locator('h1').innerText(), 'Check and confirm')
    await Promise.all([page.waitForURL('**/saisie/recepisse'), page.getByRole('button', { name: 'Confirm and send' }).click()])
    t.equal(await page.locator('h1').innerText(), 'Receipt')
    t.match(await page.locator('main').innerText(), /Receipt number: [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/)
    await Promise.all([page.waitForURL('**/saisie/recepisse?lang=fr'), page.getByRole('link', { name: 'Français' }).click()])
    t.equal(await page.locator('h1').innerText(), 'Récépissé', 'and back to French')
  })
}
