// The desk's list of officials' PIN lockouts, from locks the real consolidator took in from
// `[security]`: the ones in force first, then the expired ones, each with its station, caller,
// channel, times and attempts; names shown as text, never as markup; every role sees it, and
// the dashboard counts the locks in force.
import t from 'tap'
import type { Lockout } from '../../../core/credentials.js'
import { openHarness, produceDefinition, produceLockouts } from '../../fixtures/consolidation-harness.js'
import { SMALL_ELECTION_ID, smallElection } from '../../fixtures/small-election.js'
import { lockoutRows, startTestDesk } from '../../helpers/desk-client.js'
import { decodeEntities } from '../../helpers/form-client.js'

const SCRIPT_STATION = '<script>alert("pwned")</script> Gymnase'
const MARKUP_CALLER = '<img src=x onerror=alert(1)>'

/** A lock around the desk's clock (19:00 UTC, 21:00 in Paris), minutes relative to it. */
function lock(fields: Omit<Lockout, 'type' | 'at' | 'until'>, fromMinute: number, toMinute: number): Lockout {
  const at = (minute: number) => new Date(Date.parse('2027-04-11T19:00:00.000Z') + minute * 60_000).toISOString()
  return { type: 'lockout', ...fields, at: at(fromMinute), until: at(toMinute) }
}

const locks = {
  stationByPhone: lock({ electionId: SMALL_ELECTION_ID, stationId: '75056-0201', code: '41234567', caller: '+33611111111', reason: 'station-code', channel: 'phone', attempts: 5 }, -8, 7),
  addressOnForm: lock({ code: '99999999', caller: 'web:192.0.2.7', reason: 'caller', channel: 'form', attempts: 20 }, -5, 10),
  expiredWithheld: lock({ electionId: SMALL_ELECTION_ID, stationId: '94028-0001', code: '51234567', caller: 'anonymous', reason: 'station-code', channel: 'phone', attempts: 5 }, -30, -15),
  // As ingest produced them before it said the channel and the attempts.
  expiredOlder: lock({ caller: MARKUP_CALLER, reason: 'caller' }, -40, -25),
}

t.test('the lockouts page lists the locks in force, then the expired ones, for every desk role', async (t) => {
  const h = await openHarness(t)
  const def = smallElection()
  const gymnase = def.stations.find((s) => s.id === '75056-0201')
  if (gymnase === undefined) throw new Error('the small election has 75056-0201')
  gymnase.name = SCRIPT_STATION
  await produceDefinition(h.bus, def)
  await produceLockouts(h.bus, Object.values(locks))
  await h.consolidator.caughtUp()

  const desk = await startTestDesk(t, { db: h.db })
  const operator = await desk.signedIn('olivier', 'operator')
  const page = await operator.get('/lockouts')
  t.equal(page.status, 200)
  t.match(page.text, '<caption>En cours (2)</caption>')
  t.match(decodeEntities(page.text), '<li><a href="/">Tableau de bord</a></li><li><a href="/chase">À relancer</a></li><li><a href="/review">À examiner</a></li><li><a href="/lockouts" aria-current="page">Blocages PIN</a></li>', 'the navigation marks the page')

  t.same(lockoutRows(page.text, 'lockouts-in-force'), [
    {
      class: 'in-force',
      state: 'en cours, encore 10 min',
      locked: 'cette adresse, pour tout code',
      station: 'dernier code essayé 99999999 : code délivré à aucun bureau',
      caller: 'adresse 192.0.2.7',
      channel: 'Formulaire web',
      'locked-at': '11 avril 2027 à 20:55:00',
      until: '11 avril 2027 à 21:10:00',
      attempts: '20',
    },
    {
      class: 'in-force',
      state: 'en cours, encore 7 min',
      locked: 'code 41234567',
      station: `0201 · ${SCRIPT_STATION} — Paris (75056)`,
      caller: '+33611111111',
      channel: 'Téléphone',
      'locked-at': '11 avril 2027 à 20:52:00',
      until: '11 avril 2027 à 21:07:00',
      attempts: '5',
    },
  ], 'in force: the latest started first, the station named with its code and commune')
  t.same(lockoutRows(page.text, 'lockouts-ended'), [
    {
      class: 'ended',
      state: 'expiré',
      locked: 'code 51234567',
      station: '0001 · Hôtel de ville — Créteil (94028)',
      caller: 'numéro masqué',
      channel: 'Téléphone',
      'locked-at': '11 avril 2027 à 20:30:00',
      until: '11 avril 2027 à 20:45:00',
      attempts: '5',
    },
    {
      class: 'ended',
      state: 'expiré',
      locked: 'cet appelant, pour tout code',
      station: '—',
      caller: MARKUP_CALLER,
      channel: 'inconnu',
      'locked-at': '11 avril 2027 à 20:20:00',
      until: '11 avril 2027 à 20:35:00',
      attempts: '—',
    },
  ], 'expired: the latest ended first; what a record did not say is said to be unknown')
  t.notMatch(page.text, '<script>', 'the station name is text, not a script')
  t.notMatch(page.text, '<img', 'nor is the caller markup')
  t.match(page.text, '&lt;script&gt;alert(&quot;pwned&quot;)&lt;&#x2F;script&gt; Gymnase')

  const dashboard = await operator.get('/')
  t.equal(dashboard.status, 200)
  t.match(dashboard.text, /<p class="lockouts-summary alert" id="lockouts-summary">2 blocages de code PIN en cours\. <a href="\/lockouts">Voir les blocages<\/a><\/p>/)

  for (const role of ['supervisor', 'admin']) {
    const seen = await (await desk.signedIn(role, role)).get('/lockouts')
    t.equal(seen.status, 200, `a ${role} sees the page`)
    t.equal(lockoutRows(seen.text, 'lockouts-in-force')?.length, 2)
  }
  const anonymous = await desk.client().get('/lockouts')
  t.equal(anonymous.status, 303, 'without a session: to the login form')
  t.equal(anonymous.headers.get('location'), '/login')
})

t.test('with no lock at all both lists say so, and so does the dashboard', async (t) => {
  const desk = await startTestDesk(t)
  const browser = await desk.signedIn('olivier', 'operator')
  const page = await browser.get('/lockouts')
  t.equal(page.status, 200)
  t.same(lockoutRows(page.text, 'lockouts-in-force'), [])
  t.match(page.text, 'Aucun blocage en cours.')
  t.match(page.text, 'Aucun blocage expiré.')
  const dashboard = await browser.get('/')
  t.match(dashboard.text, '<p class="lockouts-summary" id="lockouts-summary">Aucun blocage de code PIN en cours.')
})
