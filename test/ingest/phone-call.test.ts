// The phone channel, driven the way the provider drives it: scripted webhook posts to the real
// ingest app, the TwiML read back strictly, the returns read back from the real bus.
import t from 'tap'
import { startPhone, steps } from '../fixtures/phone-harness.js'

/** S3 votes in the presidential contest only: voters, blank, invalid, ALICE, BOB. */
const S3_FIGURES = ['480', '6', '4', '300', '170']

t.test('happy path: code, PIN, five figures, read-back, confirm → one phone return and its receipt read out', async (t) => {
  const h = await startPhone(t)
  const { code, pin } = h.login('S3')
  const call = h.newCall()
  const welcome = await call.dial()
  t.equal(welcome.say[0]?.language, 'fr-FR', 'French by default')
  t.match(welcome.say.map((s) => s.text).join(' '), /code du bureau de vote, 8 chiffres/)
  t.match(welcome.gather, { numDigits: 8, finishOnKey: '#', actionOnEmptyResult: true })
  t.match(welcome.gather?.action, /^voice\?s=1$/, 'the action points back at the webhook')

  await call.press(`${code}#`)
  const opened = await call.press(`${pin}#`)
  t.match(opened.say.map((s) => s.text).join(' '), /Bureau de vote : Town hall\. Test election 2024\./)
  t.match(opened.say.at(-1)?.text, /Nombre de votants/)
  for (const figure of S3_FIGURES.slice(0, -1)) await call.press(`${figure}#`)
  const review = await call.press(`${S3_FIGURES.at(-1)}#`)
  const readBack = review.say.map((s) => s.text)
  t.same(readBack.slice(0, -1), [
    'Noté : 170.',
    'Voici les nombres saisis.',
    'Ligne 1, votants : 480.',
    'Ligne 2, bulletins blancs : 6.',
    'Ligne 3, bulletins nuls : 4.',
    'Ligne 4, numéro 1, Alice A : 300.',
    'Ligne 5, numéro 2, Bob B : 170.',
  ])
  t.match(review.gather, { numDigits: 1 })
  t.same(await h.returnsOnBus(), [], 'nothing is submitted before the confirmation')

  const receipt = await call.press('1')
  t.ok(receipt.hangup, 'the call ends after the receipt')
  const onBus = await h.returnsOnBus()
  t.equal(onBus.length, 1)
  const message = onBus[0]?.message
  t.match(message, {
    electionId: 'e2024',
    contestId: 'pres',
    stationId: 'S3',
    channel: 'phone',
    submittedBy: 'official:S3',
    counts: { registered: 500, voters: 480, blank: 6, invalid: 4, valid: 470, votes: { ALICE: 300, BOB: 170 } },
  })
  // "7K2M-9XQ4-…" is said "7, K, 2, M. 9, X, Q, 4. …", twice.
  const spelled = (message?.receipt ?? '').split('-').map((group) => [...group].join(', ')).join('. ')
  t.match(message?.receipt, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
  t.same(
    receipt.say.map((s) => s.text),
    ['Vos résultats sont enregistrés. Notez votre numéro de récépissé.', spelled, 'Je répète.', spelled, 'Merci. Au revoir.'],
    `the receipt ${message?.receipt} is read one character at a time, twice`,
  )
})

t.test('a station voting in two contests: both sheets, contest by contest, two receipts', async (t) => {
  const h = await startPhone(t)
  const { code, pin } = h.login('S1')
  const call = await h.play(steps(`${code}#`, `${pin}#`, '700#', '10#', '5#', '400#', '285#', '690#', '8#', '2#', '680#'))
  const said = call.said.join(' ')
  t.match(said, /Scrutin : Presidential\./)
  t.match(said, /Scrutin : Constituency 1\..*Candidat numéro 1, Carol C/)
  const last = await call.press('1')
  t.ok(last.hangup)
  const onBus = (await h.returnsOnBus()).map((r) => r.message)
  t.same(
    onBus.map((m) => [m.contestId, m.counts]),
    [
      ['pres', { registered: 1000, voters: 700, blank: 10, invalid: 5, valid: 685, votes: { ALICE: 400, BOB: 285 } }],
      ['leg1', { registered: 1000, voters: 690, blank: 8, invalid: 2, valid: 680, votes: { CAROL: 680 } }],
    ],
  )
  const spoken = last.say.map((s) => s.text).join(' ')
  t.match(spoken, /Presidential : .*Constituency 1 : /, 'each receipt is named by its contest')
})
