// The desk's lists on the small election after real returns went through the real consolidator:
// the chase list (who has sent nothing, whom to call, filters, order, pages), the review queue
// (urgency order, check codes, links to the station view) and the dashboard's drill-down by
// région, département and commune.
import t from 'tap'
import { enterCorrection } from '../../../consolidate/desk/station-actions.js'
import { decodeEntities } from '../../helpers/form-client.js'
import { dashboardRow, startTestDesk, TEST_NOW } from '../../helpers/desk-client.js'
import { LISTS_CONTACT, openListsScenario } from '../../fixtures/desk-lists-scenario.js'
import { cleanCounts, SMALL_CONTEST_ID, SMALL_ELECTION_ID, smallElection } from '../../fixtures/small-election.js'

/** The rows of the list table `tableId`: each cell's text by its data-field, plus the row's key attribute. */
function listRows(html: string, tableId: string, key: string): Record<string, string>[] {
  const table = new RegExp(`<table class="list" id="${tableId}">([\\s\\S]*?)</table>`).exec(html)?.[1] ?? ''
  return [...table.matchAll(new RegExp(`<tr data-${key}="([^"]+)"[^>]*>([\\s\\S]*?)</tr>`, 'g'))].map((row) => {
    const cells: Record<string, string> = { [key]: decodeEntities(row[1] ?? '') }
    for (const m of (row[2] ?? '').matchAll(/<td data-field="([^"]+)">([\s\S]*?)<\/td>/g)) {
      cells[m[1] ?? ''] = decodeEntities((m[2] ?? '').replace(/<[^>]*>/g, '')).trim()
    }
    return cells
  })
}

const stationView = (stationId: string) => `/stations/${SMALL_ELECTION_ID}/${SMALL_CONTEST_ID}/${stationId}`

t.test('chase list: stations with no return, biggest roll first, with their contact and the time since polls closed', async (t) => {
  const { h } = await openListsScenario(t)
  // The desk's clock one hour after the fixture's polls closed.
  const oneHourAfterClose = new Date(Date.parse(smallElection().election.pollsCloseAt) + 60 * 60_000)
  const desk = await startTestDesk(t, { db: h.db, clock: () => oneHourAfterClose })
  const browser = await desk.signedIn('olga', 'operator')

  const page = await browser.get('/chase')
  t.equal(page.status, 200)
  t.match(page.text, 'Bureaux fermés depuis 1 h 00 min.', 'the desk’s clock says one hour after polls closed')
  t.match(page.text, '<strong>2</strong> bureau(x) sans aucune remontée')
  const rows = listRows(page.text, 'chase', 'station')
  t.same(
    rows.map((r) => [r.station, r.registered, r['since-close'], r.contact, r.phone, r.departement, r.commune]),
    [
      ['75056-0201', '1\u202f105', '1 h 00 min', LISTS_CONTACT.name, LISTS_CONTACT.phone, '75', 'Paris (75056)'],
      ['69123-0102', '1\u202f015', '1 h 00 min', 'aucun contact', '', '69', 'Lyon (69123)'],
    ].map(([id, ...rest]) => [`${id?.slice(6)} · ${id === '75056-0201' ? 'Gymnase "Jean Dame"' : 'Groupe scolaire Michel-Servet'}`, ...rest]),
    'the most registered first; a station without a contact says so',
  )
  t.match(decodeEntities(page.text), `<a href="${stationView('75056-0201')}">`, 'each station links to its station view')
  t.match(page.text, '<a href="tel:0199001234">01 99 00 12 34</a>', 'the phone number can be dialled from the page')

  const byArea = await browser.get('/chase?order=area')
  t.same(listRows(byArea.text, 'chase', 'station').map((r) => r.departement), ['69', '75'], 'by area: département, then commune')

  const paris = await browser.get('/chase?departement=75')
  t.same(listRows(paris.text, 'chase', 'station').map((r) => r.departement), ['75'])
  const lyon = await browser.get('/chase?commune=69123')
  t.same(listRows(lyon.text, 'chase', 'station').map((r) => r.commune), ['Lyon (69123)'])
  const none = await browser.get('/chase?commune=94028')
  t.match(none.text, 'Tous les bureaux retenus ont remonté au moins un résultat.')

  const beyond = await browser.get('/chase?page=2')
  t.equal(beyond.status, 200)
  t.same(listRows(beyond.text, 'chase', 'station'), [], 'past the last page: no rows')
  t.match(beyond.text, 'rien sur cette page (2 en tout) · page 2 sur 1', 'and the page says where it is')
  t.match(decodeEntities(beyond.text), '<a href="/chase?election=pres-2027-t1" rel="prev">Page précédente</a>')

  const bad = await browser.get('/chase?page=zero&departement=%3Cscript%3E')
  t.equal(bad.status, 400)
  t.match(bad.text, 'Valeur invalide pour le département, le numéro de page.')
  const unknown = await browser.get('/chase?election=nope')
  t.equal(unknown.status, 404)
  t.match(unknown.text, 'Aucune élection « nope » n’est chargée.')

  const anonymous = await desk.client().get('/chase')
  t.equal(anonymous.status, 303, 'no session: to the login form')
})

t.test('review queue: conflicts and errors first, then warnings; the bigger roll first; codes and links', async (t) => {
  const { h } = await openListsScenario(t)
  const desk = await startTestDesk(t, { db: h.db })
  const browser = await desk.signedIn('sam', 'supervisor')
  const page = await browser.get('/review')
  t.equal(page.status, 200)
  t.match(page.text, '<strong data-live="review-total">4</strong> résultat(s) retenu(s)')
  const rows = listRows(page.text, 'review', 'result')
  t.same(
    rows.map((r) => [r.result, r.state, r.registered, r.findings]),
    [
      [`${SMALL_ELECTION_ID}/${SMALL_CONTEST_ID}/94028-0001`, 'À revoir', '1\u202f340', 'E102'],
      [`${SMALL_ELECTION_ID}/${SMALL_CONTEST_ID}/94028-0002`, 'En conflit', '1\u202f175', 'W205'],
      [`${SMALL_ELECTION_ID}/${SMALL_CONTEST_ID}/94080-0001`, 'À revoir', '1\u202f420', 'W201'],
      [`${SMALL_ELECTION_ID}/${SMALL_CONTEST_ID}/69266-0001`, 'À revoir', '1\u202f260', 'W201'],
    ],
    'an error and a conflict before warnings even with fewer registered; within each, the bigger roll first',
  )
  t.match(page.text, /<span class="finding error" title="La somme des voix des candidats n’est pas égale au nombre de suffrages exprimés.">E102<\/span>/, 'each code carries its sentence')
  t.match(decodeEntities(page.text), `<a href="${stationView('94028-0002')}">`, 'each result links to its station view')
  t.match(page.text, '<caption>Corrections en attente d’un second superviseur (0)</caption>', 'the corrections awaiting approval: none yet')
  t.equal((await browser.get('/review?election=nope')).status, 200, 'an election with nothing held lists nothing')
  t.same(listRows((await browser.get('/review?election=nope')).text, 'review', 'result'), [])
})

t.test('dashboard by région, then a département’s communes', async (t) => {
  const { h } = await openListsScenario(t)
  const desk = await startTestDesk(t, { db: h.db })
  const browser = await desk.signedIn('olga', 'operator')
  const page = await browser.get('/')
  t.match(dashboardRow(page.text, `regions-${SMALL_ELECTION_ID}`, '84'), {
    area: '84 · Auvergne-Rhône-Alpes',
    stations: '3',
    reported: '2',
    validated: '1',
    'needs-review': '1',
  })
  t.match(dashboardRow(page.text, `regions-${SMALL_ELECTION_ID}`, '11'), { area: '11 · Île-de-France', stations: '6', reported: '5', validated: '2', 'needs-review': '2', conflict: '1' })
  t.match(decodeEntities(page.text), `<a href="/areas/${SMALL_ELECTION_ID}/94">94 · Val-de-Marne</a>`, 'a département opens its communes')

  const dep = await browser.get(`/areas/${SMALL_ELECTION_ID}/94`)
  t.equal(dep.status, 200)
  t.match(dashboardRow(dep.text, `total-${SMALL_ELECTION_ID}`, 'all'), { stations: '3', reported: '3', conflict: '1', 'needs-review': '2' })
  t.match(dashboardRow(dep.text, `communes-${SMALL_ELECTION_ID}`, '94028'), { area: '94028 · Créteil', stations: '2', reported: '2', 'needs-review': '1', conflict: '1' })
  t.match(dashboardRow(dep.text, `communes-${SMALL_ELECTION_ID}`, '94080'), { area: '94080 · Vincennes', stations: '1', reported: '1', 'needs-review': '1' })
  const paris = await browser.get(`/areas/${SMALL_ELECTION_ID}/75`)
  t.match(decodeEntities(paris.text), `<a href="/chase?election=${SMALL_ELECTION_ID}&commune=75056">75056 · Paris</a>`, 'a commune with stations missing links to them')
  t.equal((await browser.get(`/areas/${SMALL_ELECTION_ID}/13`)).status, 404)
  t.equal((await browser.get('/areas/nope/75')).status, 404)
})

t.test('review queue: a correction entered by one supervisor waits there for another', async (t) => {
  const { h, station } = await openListsScenario(t)
  const ref = { electionId: SMALL_ELECTION_ID, contestId: SMALL_CONTEST_ID, stationId: '75056-0101' }
  const entered = await enterCorrection(h.db, { ref, counts: cleanCounts(station('75056-0101'), 11), reason: 'procès-verbal relu' }, { username: 'alice', role: 'supervisor' }, TEST_NOW)
  t.equal(entered.ok, true, 'alice enters a correction of a published station')
  const desk = await startTestDesk(t, { db: h.db })
  const browser = await desk.signedIn('sam', 'supervisor')
  const page = decodeEntities((await browser.get('/review')).text)
  t.match(page, '<caption>Corrections en attente d’un second superviseur (1)</caption>')
  t.match(page, `<tr><td><a href="${stationView('75056-0101')}">0101 · Mairie du 1er arrondissement</a></td><td>alice</td><td>moins d’une minute</td></tr>`)
})
