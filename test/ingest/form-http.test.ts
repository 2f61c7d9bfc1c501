// The officials' web form over plain HTTP, without a browser: what a browser cannot be made to do
// on cue (two confirms at once, a forged post, a bus that fails), the cookie's flags, and the
// session living in the cache, so that another ingest replica serves the next step.
import t from 'tap'
import type { Cache } from '../../infra/cache/cache.js'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'
import { formTestElection, startForm, type FormHarness } from '../fixtures/form-harness.js'
import { busOutage, publishElection, startIngest } from '../fixtures/ingest-harness.js'
import { FormClient, inputValue } from '../helpers/form-client.js'

/** S3's sheet (one contest): voters, blank, invalid, then Alice (ballot 1) and Bob (ballot 2). */
const S3_FIGURES = { 'pres.voters': '300', 'pres.blank': '4', 'pres.invalid': '6', 'pres.votes.ALICE': '170', 'pres.votes.BOB': '120' }

/** Signs in as S3 and posts its sheet: the client is left on the confirmation step. */
async function atConfirmation(h: FormHarness, c = new FormClient(h.url)): Promise<{ c: FormClient; token: string }> {
  const { code, pin } = h.login('S3')
  const sheet = await c.signIn(code, pin)
  const token = FormClient.token(sheet.html)
  const posted = await c.postSheet({ jeton: token, ...S3_FIGURES })
  if (posted.location !== '/saisie/verification') throw new Error(`sheet not accepted: ${posted.status}`)
  return { c, token }
}

t.test('the session cookie is HttpOnly and SameSite=Strict, limited to /saisie; pages forbid framing and scripts', async (t) => {
  const h = await startForm(t)
  const c = new FormClient(h.url)
  const { code, pin } = h.login('S1')
  const signedIn = await c.post('/saisie/connexion', { code, pin })
  t.equal(signedIn.status, 303)
  t.equal(signedIn.location, '/saisie/feuille')
  t.match(signedIn.headers.get('set-cookie'), /^saisie_session=[A-Za-z0-9_-]{43}; Path=\/saisie; HttpOnly; SameSite=Strict$/)
  const page = await c.get('/saisie/feuille')
  t.equal(page.headers.get('cache-control'), 'no-store')
  t.match(page.headers.get('content-security-policy'), "default-src 'none'")
  t.match(page.headers.get('content-security-policy'), "frame-ancestors 'none'")
  t.equal(page.headers.get('x-frame-options'), 'DENY')
})

t.test('a post without the session field, with another one, or from another site is refused; nothing is sent', async (t) => {
  const h = await startForm(t)
  const { c, token } = await atConfirmation(h)
  const missing = await c.post('/saisie/verification', { action: 'confirmer' })
  t.equal(missing.status, 403)
  t.match(missing.html, 'Ce formulaire a expiré ou ne vient pas de ce site')
  t.equal((await c.post('/saisie/verification', { jeton: token.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A')), action: 'confirmer' })).status, 403)
  const other = await c.post('/saisie/verification', { jeton: token, action: 'confirmer' }, { origin: 'https://evil.example' })
  t.equal(other.status, 403, 'an Origin of another site')
  t.equal((await c.post('/saisie/verification', { jeton: token, action: 'confirmer' }, { 'sec-fetch-site': 'cross-site' })).status, 403)
  t.equal((await c.postSheet({ ...S3_FIGURES })).status, 403, 'the sheet too')
  t.same(await h.returnsOnBus(), [])
  const same = await c.post('/saisie/verification', { jeton: token, action: 'confirmer' }, { origin: h.url })
  t.equal(same.location, '/saisie/recepisse', 'the page’s own origin is fine')
})

t.test('two confirms at once: one return, both shown the same receipt', async (t) => {
  const h = await startForm(t)
  const { c, token } = await atConfirmation(h)
  const answers = await Promise.all([0, 1].map(() => c.post('/saisie/verification', { jeton: token, action: 'confirmer' })))
  t.same(answers.map((a) => [a.status, a.location]), [[303, '/saisie/recepisse'], [303, '/saisie/recepisse']])
  const onBus = await h.returnsOnBus()
  t.equal(onBus.length, 1, 'one return on the bus')
  const receipt = await c.get('/saisie/recepisse')
  t.match(receipt.html, onBus[0]?.message.receipt ?? 'no receipt')
  const again = await c.post('/saisie/verification', { jeton: token, action: 'confirmer' })
  t.equal(again.location, '/saisie/recepisse', 'a later repeat (back button, resend) goes to the receipt')
  t.equal((await h.returnsOnBus()).length, 1)
})

t.test('a bus that does not confirm: no receipt, the figures wait on the confirmation page, a retry sends them once', async (t) => {
  const outage = busOutage()
  const h = await startForm(t, { wrapBus: outage.wrap })
  const { c, token } = await atConfirmation(h)
  const refused = await c.post('/saisie/verification', { jeton: token, action: 'confirmer' })
  t.equal(refused.status, 503)
  t.match(refused.headers.get('retry-after'), /^\d+$/)
  t.match(refused.html, 'Les résultats n’ont pas pu être enregistrés : rien n’a été envoyé')
  t.match(refused.html, '<td>300</td>', 'the figures are still shown, ready to confirm again')
  t.notMatch(refused.html, 'receipt-number')
  t.equal((await c.get('/saisie/recepisse')).location, '/saisie/verification', 'no receipt page before the return is durable')

  outage.recover()
  const retried = await c.post('/saisie/verification', { jeton: token, action: 'confirmer' })
  t.equal(retried.location, '/saisie/recepisse')
  t.equal((await h.returnsOnBus()).length, 1)
})

t.test('another ingest replica sharing the cache serves the next step', async (t) => {
  const cache = createMemoryCache()
  t.teardown(() => cache.close())
  const h = await startForm(t, { cache })
  const replica = await startIngest(t, { cache, replicaOf: h })

  const { c, token } = await atConfirmation(h)
  const other = new FormClient(replica.url)
  other.cookie = c.cookie
  const confirm = await other.get('/saisie/verification')
  t.equal(confirm.status, 200, 'the replica knows the session and its figures')
  t.match(confirm.html, '<td>170</td>')
  t.equal((await other.post('/saisie/verification', { jeton: token, action: 'confirmer' })).location, '/saisie/recepisse')
  t.equal((await c.get('/saisie/recepisse')).status, 200, 'and the first one shows the receipt')
})

t.test('the PIN is checked and forgotten: no cache entry holds it', async (t) => {
  const written: string[] = []
  const memory = createMemoryCache()
  const recording: Cache = {
    ...memory,
    set: async (key, value, ttl) => {
      written.push(`${key}=${value}`)
      return memory.set(key, value, ttl)
    },
    setIfAbsent: async (key, value, ttl) => {
      written.push(`${key}=${value}`)
      return memory.setIfAbsent(key, value, ttl)
    },
  }
  t.teardown(() => memory.close())
  const h = await startForm(t, { cache: recording })
  const { c, token } = await atConfirmation(h)
  await c.post('/saisie/verification', { jeton: token, action: 'confirmer' })
  const { pin } = h.login('S3')
  t.ok(written.some((w) => w.startsWith('form:session:')), 'the session is in the cache')
  t.same(written.filter((w) => w.includes(pin)), [], 'but nothing written holds the PIN')
})

t.test('a malformed code or PIN is told apart and never counts towards the lockout', async (t) => {
  const h = await startForm(t)
  const c = new FormClient(h.url)
  const { code, pin } = h.login('S2')
  for (let i = 0; i < 6; i++) {
    const page = await c.post('/saisie/connexion', { code: code.slice(1), pin: `${pin}9` })
    t.equal(page.status, 400)
    t.match(page.html, 'Le code du bureau compte 8 chiffres.')
    t.match(page.html, 'Le code PIN compte 6 chiffres.')
    t.equal(inputValue(page.html, 'code'), code.slice(1), 'the code typed is kept')
  }
  const spaced = `${code.slice(0, 4)} ${code.slice(4)}`
  t.equal((await c.post('/saisie/connexion', { code: spaced, pin })).location, '/saisie/feuille', 'the right PIN still opens, spaces in the code are fine')
})

t.test('without a session every step leads back to sign-in, saying why; signing out ends the session', async (t) => {
  const h = await startForm(t)
  const anonymous = new FormClient(h.url)
  for (const path of ['/saisie/feuille', '/saisie/verification', '/saisie/recepisse']) {
    t.equal((await anonymous.get(path)).location, '/saisie/?session=expiree', `GET ${path}`)
  }
  t.equal((await anonymous.postSheet(S3_FIGURES)).location, '/saisie/?session=expiree', 'a sheet posted without a session')
  const login = await anonymous.get('/saisie/?session=expiree')
  t.match(login.html, 'Votre session a expiré ou vous n’êtes pas connecté')

  const { c, token } = await atConfirmation(h)
  const cookie = c.cookie
  const out = await c.post('/saisie/deconnexion', { jeton: token })
  t.equal(out.location, '/saisie/?fin=1')
  t.match(out.headers.get('set-cookie'), /^saisie_session=; .*Max-Age=0/)
  const stale = new FormClient(h.url)
  stale.cookie = cookie
  t.equal((await stale.get('/saisie/verification')).location, '/saisie/?session=expiree', 'the old cookie opens nothing')
  t.match((await c.get('/saisie/?fin=1')).html, 'Vous êtes déconnecté.')
})

t.test('a correction after the receipt is a new return, the sheet showing the figures sent', async (t) => {
  const h = await startForm(t)
  const { c, token } = await atConfirmation(h)
  await c.post('/saisie/verification', { jeton: token, action: 'confirmer' })
  t.equal((await c.post('/saisie/correction', { jeton: token })).location, '/saisie/feuille')
  const sheet = await c.get('/saisie/feuille')
  t.equal(inputValue(sheet.html, 'f-pres-votes-ALICE'), '170', 'the figures sent, ready to correct')
  await c.postSheet({ jeton: token, ...S3_FIGURES, 'pres.votes.ALICE': '171', 'pres.voters': '301' })
  await c.post('/saisie/verification', { jeton: token, action: 'confirmer' })
  const onBus = (await h.returnsOnBus()).map((r) => r.message)
  t.equal(onBus.length, 2)
  t.not(onBus[0]?.returnId, onBus[1]?.returnId, 'a new return id')
  t.same(onBus.map((m) => m.counts.votes.ALICE), [170, 171])
  t.match((await c.get('/saisie/recepisse')).html, onBus[1]?.receipt ?? 'no receipt', 'the receipt of the correction')
})

t.test('a definition corrected while the figures wait for confirmation: back to the new sheet, nothing sent', async (t) => {
  const h = await startForm(t)
  const { c, token } = await atConfirmation(h)
  const corrected = formTestElection()
  corrected.election.contests[0]?.candidates.push({ id: 'DAVE', ballot: 3, name: 'Dave D' })
  await publishElection(h.bus, corrected)
  // Ingest follows [elections]: wait until the sheet it shows has the new candidate.
  let sheet = await c.get('/saisie/feuille')
  for (let polls = 0; polls < 1000 && !sheet.html.includes('f-pres-votes-DAVE'); polls++) sheet = await c.get('/saisie/feuille')
  t.match(sheet.html, 'Dave D', 'the corrected definition is loaded')

  const confirmed = await c.post('/saisie/verification', { jeton: token, action: 'confirmer' })
  t.equal(confirmed.location, '/saisie/feuille', 'the stale figures are not sent')
  const fresh = await c.get('/saisie/feuille')
  t.equal(inputValue(fresh.html, 'f-pres-votes-ALICE'), '170', 'the figures that still apply are kept')
  t.equal(inputValue(fresh.html, 'f-pres-votes-DAVE'), '', 'the new candidate waits for a figure')
  t.same(await h.returnsOnBus(), [])
})
