// From an official's wrong PINs to the results desk: the real ingest app (web form and phone
// webhook) and the real consolidator share one embedded bus; the desk reads the consolidation
// database. Locks by both channels are listed while in force, with their station and caller, and
// as expired once they end.
import t from 'tap'
import { PhoneCall } from '../../bin/phone-caller.js'
import { buildConsolidator } from '../../consolidate/consolidator.js'
import { migrate } from '../../infra/db/migrate.js'
import { openPgliteDb } from '../../infra/db/pglite-db.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry } from '../../infra/metrics.js'
import { MARKUP_COMMUNE, startForm } from '../fixtures/form-harness.js'
import { NOW } from '../fixtures/ingest-harness.js'
import { lockoutRows, startTestDesk } from '../helpers/desk-client.js'
import { FormClient } from '../helpers/form-client.js'

const MINUTE_MS = 60_000
const wrongPin = (pin: string) => (pin === '111111' ? '222222' : '111111')

t.test('wrong PINs on the web form and by phone lock two stations, and the desk shows both', async (t) => {
  const h = await startForm(t)
  const db = await openPgliteDb()
  await migrate(db)
  const consolidator = buildConsolidator({ bus: h.bus, db, logger: silentLogger(), metrics: createMetricsRegistry(false), clock: () => NOW, relayIntervalMs: 20 })
  await consolidator.start()
  t.teardown(async () => {
    await consolidator.stop()
    await db.close()
  })

  // The web form: a president mistypes the PIN of S1 five times.
  const school = h.login('S1')
  const form = new FormClient(h.url)
  for (let i = 1; i <= 4; i++) t.equal((await form.post('/saisie/connexion', { code: school.code, pin: wrongPin(school.pin) })).status, 401, `form: wrong PIN ${i}`)
  const formLocked = await form.post('/saisie/connexion', { code: school.code, pin: wrongPin(school.pin) })
  t.equal(formLocked.status, 429, 'form: the fifth locks the code')

  // The phone: another president keys a wrong PIN for S3 five times in one call.
  const townHall = h.login('S3')
  const call = new PhoneCall({ voiceUrl: `${h.url}/v1/phone/voice`, from: '+33611111111' })
  await call.dial()
  for (let i = 1; i <= 5; i++) {
    await call.press(`${townHall.code}#`)
    await call.press(`${wrongPin(townHall.pin)}#`)
  }
  t.ok(call.over, 'phone: the fifth wrong PIN ends the call')

  await consolidator.caughtUp()
  let deskNow = new Date(NOW.getTime() + MINUTE_MS)
  const desk = await startTestDesk(t, { db, clock: () => deskNow })
  const operator = await desk.signedIn('olivier', 'operator')

  const until = '9 juin 2024 à 22:30:00'
  const page = await operator.get('/lockouts')
  t.equal(page.status, 200)
  t.same(lockoutRows(page.text, 'lockouts-in-force'), [
    {
      class: 'in-force',
      state: 'en cours, encore 14 min',
      locked: `code ${townHall.code}`,
      station: '0001 · Town hall — Commune 2 (C2)',
      caller: '+33611111111',
      channel: 'Téléphone',
      'locked-at': '9 juin 2024 à 22:15:00',
      until,
      attempts: '5',
    },
    {
      class: 'in-force',
      state: 'en cours, encore 14 min',
      locked: `code ${school.code}`,
      station: `0001 · School 1 — ${MARKUP_COMMUNE} (C1)`,
      caller: 'adresse 127.0.0.1',
      channel: 'Formulaire web',
      'locked-at': '9 juin 2024 à 22:15:00',
      until,
      attempts: '5',
    },
  ])
  t.notMatch(page.text, '<b>1</b>', 'the commune’s markup is shown as text')
  t.notMatch(page.text, '<img', 'never as an element')
  t.match((await operator.get('/')).text, '2 blocages de code PIN en cours.')
  const audited = await db.query<{ detail: { stationId: string; channel: string } }>(`SELECT detail FROM audit_log WHERE event = 'security.pin-lockout' ORDER BY seq`)
  t.same(audited.rows.map((r) => [r.detail.stationId, r.detail.channel]), [['S1', 'form'], ['S3', 'phone']], 'each lock is in the audit log')

  // Sixteen minutes after the locks started, they have ended.
  deskNow = new Date(NOW.getTime() + 16 * MINUTE_MS)
  const later = await operator.get('/lockouts')
  t.same(lockoutRows(later.text, 'lockouts-in-force'), [])
  t.same(lockoutRows(later.text, 'lockouts-ended')?.map((r) => [r.class, r.state, r.channel]), [
    ['ended', 'expiré', 'Téléphone'],
    ['ended', 'expiré', 'Formulaire web'],
  ])
  t.match((await operator.get('/')).text, 'Aucun blocage de code PIN en cours.')
})
