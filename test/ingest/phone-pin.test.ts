// Station code and PIN on the phone: a wrong pair is asked again from the code (the answer never
// says which of the two was wrong), and the shared verifier's lockout ends the call.
import t from 'tap'
import { LockoutSchema } from '../../core/credentials.js'
import { TOPICS } from '../../core/messages.js'
import { startPhone } from '../fixtures/phone-harness.js'

const wrongPin = (pin: string) => (pin === '111111' ? '222222' : '111111')

t.test('a wrong PIN is asked again, code first; the fifth locks the station code and ends the call', async (t) => {
  const h = await startPhone(t)
  const { code, pin } = h.login('S3')
  const call = h.newCall({ from: '+33611111111' })
  await call.dial()
  for (let attempt = 1; attempt <= 4; attempt++) {
    await call.press(`${code}#`)
    const again = await call.press(`${wrongPin(pin)}#`)
    t.same(
      again.say.map((s) => s.text),
      ['Le code du bureau ou le code confidentiel est incorrect.', 'Tapez le code du bureau de vote, 8 chiffres, puis dièse.'],
      `wrong PIN ${attempt}: asked again`,
    )
    t.notOk(again.hangup)
  }
  await call.press(`${code}#`)
  const locked = await call.press(`${wrongPin(pin)}#`)
  t.ok(locked.hangup, 'the fifth wrong PIN ends the call')
  t.same(locked.say.map((s) => s.text), [
    'Trop d’essais incorrects. L’accès est bloqué pendant 15 minutes. Rappelez plus tard, ou contactez la préfecture.',
  ])

  const later = await h.play([`${code}#`, `${pin}#`], { from: '+33622222222' })
  t.match(later.last?.say[0]?.text, /L’accès est bloqué pendant 15 minutes/, 'even the right PIN, from another phone, waits')
  t.ok(later.over)

  const lockouts: unknown[] = []
  const sub = await h.bus.subscribe({ topic: TOPICS.security, handle: async (records) => void lockouts.push(...records.map((r) => LockoutSchema.parse(JSON.parse(r.value)))) })
  await sub.caughtUp()
  await sub.stop()
  t.match(lockouts, [{ type: 'lockout', electionId: 'e2024', stationId: 'S3', code, caller: '+33611111111', reason: 'station-code', channel: 'phone', attempts: 5 }], 'the desk sees the lock')
  t.same(await h.returnsOnBus(), [])
})

t.test('an unknown code gets the same answer as a wrong PIN; a malformed PIN is invalid input, not an attempt', async (t) => {
  const h = await startPhone(t, { deps: { pinLockout: { maxCodeFailures: 2 } } })
  const { code, pin } = h.login('S3')
  const call = h.newCall()
  await call.dial()
  await call.press('99999999#')
  const unknown = await call.press(`${pin}#`)
  t.equal(unknown.say[0]?.text, 'Le code du bureau ou le code confidentiel est incorrect.')
  await call.press(`${code}#`)
  const wrong = await call.press(`${wrongPin(pin)}#`)
  t.same(wrong.say, unknown.say, 'a wrong PIN for a real code: the very same words')
  await call.press(`${code}#`)
  const short = await call.press('12#')
  t.equal(short.say[0]?.text, 'Saisie non valide.', 'two digits are not a PIN')
  t.match(short.say.at(-1)?.text, /code confidentiel, 6 chiffres/, 'the PIN is asked again')
  const opened = await call.press(`${pin}#`)
  t.match(opened.say.at(-1)?.text, /Nombre de votants/, 'one wrong PIN and a malformed one: not the two failures that lock the code here')
})
