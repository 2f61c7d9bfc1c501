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

/** Dials S3 and enters its five figures: the call waits at the read-back. */
async function callS3ToReadBack(h: Awaited<ReturnType<typeof startPhone>>, options: Parameters<typeof h.newCall>[0] = {}) {
  const { code, pin } = h.login('S3')
  const call = h.newCall(options)
  await call.dial()
  for (const keys of [`${code}#`, `${pin}#`, ...S3_FIGURES.map((f) => `${f}#`)]) await call.press(keys)
  return call
}

t.test('correction after the read-back: 2, the line, the right figure, a new read-back, then 1', async (t) => {
  const h = await startPhone(t)
  const call = await callS3ToReadBack(h)
  const choose = await call.press('2')
  t.match(choose.say.at(-1)?.text, /numéro de la ligne à corriger, de 1 à 5/)
  const asked = await call.press('3#')
  t.same(asked.say.map((s) => s.text), ['Ligne 3, bulletins nuls : tapez le nombre exact, puis dièse.'])
  const again = await call.press('14#')
  const readBack = again.say.map((s) => s.text)
  t.ok(readBack.includes('Ligne 3, bulletins nuls : 14.'), 'the corrected figure is read back')
  t.ok(readBack.includes('Ligne 1, votants : 480.'), 'with every other line unchanged')
  t.same(await h.returnsOnBus(), [], 'a correction submits nothing by itself')
  await call.press('1')
  const onBus = await h.returnsOnBus()
  t.equal(onBus.length, 1)
  t.match(onBus[0]?.message.counts, { voters: 480, blank: 6, invalid: 14, votes: { ALICE: 300, BOB: 170 } })
})

t.test('invalid keys are asked again, three tries per prompt; the third ends the call with nothing sent', async (t) => {
  const h = await startPhone(t)
  const { code, pin } = h.login('S3')
  const call = h.newCall()
  await call.dial()
  const badCode = await call.press('12*4#')
  t.same(badCode.say.map((s) => s.text), ['Saisie non valide.', 'Tapez le code du bureau de vote, 8 chiffres, puis dièse.'])
  await call.press(`${code}#`)
  await call.press(`${pin}#`)
  const tooLong = await call.press('1234567#')
  t.equal(tooLong.say[0]?.text, 'Saisie non valide.', 'seven digits is no figure of a polling station')
  t.match(tooLong.say.at(-1)?.text, /Nombre de votants/, 'the same figure is asked again')
  const absurd = await call.press(`${'9'.repeat(300)}#`)
  t.equal(absurd.say[0]?.text, 'Saisie non valide.')
  const ended = await call.press('4*0#')
  t.ok(ended.hangup, 'the third invalid entry at one prompt ends the call')
  t.same(ended.say.map((s) => s.text), ['Saisie non valide.', 'Aucune saisie valide après trois essais. Rien n’a été transmis. Rappelez quand vous serez prêt. Au revoir.'])
  t.same(await h.returnsOnBus(), [])
})

t.test('a valid entry starts the next prompt with three fresh tries; a wrong menu key is asked again', async (t) => {
  const h = await startPhone(t)
  const call = await callS3ToReadBack(h)
  const wrongKey = await call.press('7')
  t.equal(wrongKey.say[0]?.text, 'Saisie non valide.')
  t.match(wrongKey.say.at(-1)?.text, /Pour confirmer et transmettre, tapez 1/)
  await call.silence()
  const done = await call.press('1')
  t.ok(done.hangup)
  t.equal((await h.returnsOnBus()).length, 1, 'two failed tries at the read-back still leave the third')
})

t.test('silence: the provider posts without Digits; asked again twice, the third timeout ends the call', async (t) => {
  const h = await startPhone(t)
  const call = h.newCall()
  await call.dial()
  const first = await call.silence()
  t.same(first.say.map((s) => s.text), ['Je n’ai rien entendu.', 'Tapez le code du bureau de vote, 8 chiffres, puis dièse.'])
  await call.silence()
  const third = await call.silence()
  t.ok(third.hangup)
  t.match(third.say.at(-1)?.text, /Rien n’a été transmis/)
  t.same(await h.returnsOnBus(), [])
})

t.test('hanging up before confirming submits nothing and forgets the call', async (t) => {
  const h = await startPhone(t)
  const call = await callS3ToReadBack(h)
  const action = call.last?.gather?.action
  t.equal(await call.hangUp(), 200, 'the status callback is answered')
  t.same(await h.returnsOnBus(), [], 'nothing reached [returns]')
  // The provider would post nothing more; a late webhook of this call finds it forgotten.
  const late = h.newCall({ callSid: call.callSid })
  const res = await late.post(new URL(action ?? '', h.voiceUrl).toString(), { Digits: '1' })
  const text = await res.text()
  t.match(text, /Cet appel a expiré\. Rien n’a été transmis\./)
  t.match(text, /<Hangup\/>/)
  t.same(await h.returnsOnBus(), [], 'the late confirmation submits nothing')
})

t.test('a call reported no-answer or canceled on the voice webhook itself is forgotten too', async (t) => {
  const h = await startPhone(t)
  for (const status of ['no-answer', 'canceled']) {
    const call = await callS3ToReadBack(h)
    const action = new URL(call.last?.gather?.action ?? '', h.voiceUrl).toString()
    const ended = await call.post(h.voiceUrl, { CallStatus: status })
    t.equal(ended.status, 200)
    t.match(await ended.text(), /<Response\/>/, `${status}: an empty answer`)
    const late = await (await call.post(action, { Digits: '1' })).text()
    t.match(late, /Cet appel a expiré/, `${status}: the call is gone`)
  }
  t.same(await h.returnsOnBus(), [])
  t.match(await h.metricsText(), /ingest_phone_calls_total\{outcome="hung-up"\} 2/)
})

t.test('the confirming webhook posted twice: one return, and the same receipt twice', async (t) => {
  const h = await startPhone(t)
  const call = await callS3ToReadBack(h)
  const first = await call.press('1')
  const repeated = await call.repeatLast()
  t.same(repeated, first, 'the repeat gets the same answer')
  t.equal((await h.returnsOnBus()).length, 1, 'and nothing is produced again')
})

t.test('two copies of the confirming webhook at the same moment: one return', async (t) => {
  const h = await startPhone(t)
  const call = await callS3ToReadBack(h)
  const action = new URL(call.last?.gather?.action ?? '', h.voiceUrl).toString()
  const answers = await Promise.all([call.post(action, { Digits: '1' }), call.post(action, { Digits: '1' })])
  const texts = await Promise.all(answers.map((a) => a.text()))
  t.equal(texts[0], texts[1], 'both hear the same receipt')
  t.equal((await h.returnsOnBus()).length, 1)
})
