// English on the phone (a number whose webhook says `?lang=en`, or 9 at the French welcome), and
// names from the election definition spoken safely: every text and attribute is escaped XML.
import t from 'tap'
import { ingestTestElection } from '../fixtures/ingest-harness.js'
import { startPhone } from '../fixtures/phone-harness.js'

t.test('?lang=en: the whole call in English (en-GB), to the receipt', async (t) => {
  const h = await startPhone(t)
  const { code, pin } = h.login('S3')
  const call = h.newCall({ voiceUrl: `${h.voiceUrl}?lang=en` })
  const welcome = await call.dial()
  t.same(welcome.say.map((s) => s.text), ['Welcome to the polling-station results line.', 'Enter the polling-station code, 8 digits, then the hash key.'])
  t.ok(welcome.say.every((s) => s.language === 'en-GB'))
  await call.press(`${code}#`)
  const opened = await call.press(`${pin}#`)
  t.equal(opened.say.at(-1)?.text, 'Number of voters, then hash.')
  for (const f of ['480', '6', '4', '300']) await call.press(`${f}#`)
  const review = await call.press('170#')
  t.ok(review.say.some((s) => s.text === 'Line 4, number 1, Alice A: 300.'))
  t.equal(review.say.at(-1)?.text, 'To confirm and send, press 1. To correct a line, press 2.')
  const receipt = await call.press('1')
  t.equal(receipt.say[0]?.text, 'Your results are recorded. Write down your receipt number.')
  t.ok(receipt.say.every((s) => s.language === 'en-GB'))
  t.equal((await h.returnsOnBus()).length, 1)
})

t.test('9 at the French welcome switches the call to English; 9 on an English call is just invalid', async (t) => {
  const h = await startPhone(t)
  const call = h.newCall()
  const welcome = await call.dial()
  t.ok(welcome.say.some((s) => s.text === 'For English, press 9, then the hash key.'), 'the French welcome offers English')
  const english = await call.press('9#')
  t.same(english.say.map((s) => s.text), ['Welcome to the polling-station results line.', 'Enter the polling-station code, 8 digits, then the hash key.'])
  t.ok(english.say.every((s) => s.language === 'en-GB'))
  const invalid = await call.press('9#')
  t.equal(invalid.say[0]?.text, 'That entry is not valid.')
})

t.test('names with &, <, quotes are escaped in the TwiML and spoken as written', async (t) => {
  const election = ingestTestElection()
  const pres = election.election.contests[0]
  if (!pres) throw new Error('no contest')
  pres.candidates = [
    { id: 'ALICE', ballot: 1, name: 'Alice <Smith> & "Co"' },
    { id: 'BOB', ballot: 2, name: 'Bob l\'Ancien' },
  ]
  election.stations = election.stations.map((s) => (s.id === 'S3' ? { ...s, name: 'École <Jean & Jeanne>' } : s))
  const h = await startPhone(t, { election })
  const { code, pin } = h.login('S3')
  const call = h.newCall()
  await call.dial()
  await call.press(`${code}#`)
  const opened = await call.press(`${pin}#`)
  t.match(opened.say[0]?.text, /^Bureau de vote : École <Jean & Jeanne>\./)
  for (const f of ['480', '6', '4']) await call.press(`${f}#`)
  const xml = (await call.press('300#')).twiml
  t.match(xml, /Bob l&apos;Ancien/)
  t.notMatch(xml, /<Smith>|& "/, 'nothing of a name is raw markup')
  const sayTexts = [...xml.matchAll(/<Say language="fr-FR">([^<]*)<\/Say>/g)].map((m) => m[1])
  t.same(sayTexts, ['Noté : 300.', 'Candidat numéro 2, Bob l&apos;Ancien : nombre de voix, puis dièse.'])
  const review = await call.press('170#')
  t.ok(review.say.some((s) => s.text === 'Ligne 4, numéro 1, Alice <Smith> & "Co" : 300.'), 'the read-back says the name as written')
})
