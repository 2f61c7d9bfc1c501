// The dashboard's completeness figures on the small election, after real returns went through
// the real consolidator: reported, validated, published, held for review, in conflict, and the
// share of registered voters the validated stations cover, per département and overall.
import t from 'tap'
import { cleanCounts, smallElection } from '../../fixtures/small-election.js'
import { openHarness, produceDefinition, produceReturns, smallReturn, stationState } from '../../fixtures/consolidation-harness.js'
import { dashboardRow, startTestDesk } from '../../helpers/desk-client.js'

const pct = (text: string) => `${text}\u00a0%`

t.test('with no election loaded the dashboard says so', async (t) => {
  const desk = await startTestDesk(t)
  const browser = await desk.signedIn('alice', 'operator')
  const page = await browser.get('/')
  t.equal(page.status, 200)
  t.match(page.text, 'Aucune élection n’est chargée.')
})

t.test('completeness by département and overall, from the consolidated station results', async (t) => {
  const h = await openHarness(t)
  const def = smallElection()
  await produceDefinition(h.bus, def)
  const station = (id: string) => {
    const s = def.stations.find((x) => x.id === id)
    if (s === undefined) throw new Error(`no station ${id} in the small election`)
    return s
  }
  const paris1 = station('75056-0101')
  const paris2 = station('75056-0102')
  const creteil1 = station('94028-0001')
  const creteil2 = station('94028-0002')
  const lyon1 = station('69123-0101')
  const slip = (counts: ReturnType<typeof cleanCounts>) => ({ ...counts, valid: counts.valid - 1, invalid: counts.invalid + 1 })
  const phone = { channel: 'phone' as const, submittedBy: 'ivr' }
  await produceReturns(h.bus, [
    smallReturn(paris1.id, cleanCounts(paris1, 1)),
    smallReturn(paris2.id, cleanCounts(paris2, 2)),
    smallReturn(lyon1.id, cleanCounts(lyon1, 3)),
    // An arithmetic error: held for review.
    smallReturn(creteil1.id, slip(cleanCounts(creteil1, 4))),
    // A phone slip, then an upload that disagrees with it: a conflict.
    smallReturn(creteil2.id, slip(cleanCounts(creteil2, 5)), { returnId: 'ivr:call-1', ...phone }),
  ])
  await h.consolidator.caughtUp()
  await produceReturns(h.bus, [smallReturn(creteil2.id, cleanCounts(creteil2, 5))])
  await h.consolidator.caughtUp()
  t.same(
    await Promise.all([paris1, paris2, lyon1, creteil1, creteil2].map(async (s) => (await stationState(h.db, s.id))?.state)),
    ['published', 'published', 'published', 'needs-review', 'conflict'],
    'the consolidator put the stations where the dashboard should count them',
  )

  const desk = await startTestDesk(t, { db: h.db })
  const browser = await desk.signedIn('alice', 'operator')
  const page = await browser.get('/')
  t.equal(page.status, 200)
  t.match(page.text, '<h2>Élection présidentielle 2027, 1er tour</h2>')
  t.match(page.text, /<caption>Élection présidentielle 2027, 1er tour : avancement par département \(cliquer un département pour ses communes\)<\/caption>/)
  t.match(page.text, 'Situation au <span data-live="as-of">11 avril 2027 à 21:00:00</span>', 'the time of the figures, in Paris time')

  const table = `departements-${def.election.id}`
  t.same(dashboardRow(page.text, table, '75'), {
    area: '75 · Paris',
    stations: '3',
    reported: '2',
    'reported-share': pct('66,67'),
    validated: '2',
    published: '2',
    'needs-review': '0',
    conflict: '0',
    // (1210 + 980) / (1210 + 980 + 1105) registered
    'registered-covered': pct('66,46'),
  })
  t.same(dashboardRow(page.text, table, '94'), {
    area: '94 · Val-de-Marne',
    stations: '3',
    reported: '2',
    'reported-share': pct('66,67'),
    validated: '0',
    published: '0',
    'needs-review': '1',
    conflict: '1',
    'registered-covered': pct('0,00'),
  })
  t.same(dashboardRow(page.text, table, '69'), {
    area: '69 · Rhône',
    stations: '3',
    reported: '1',
    'reported-share': pct('33,33'),
    validated: '1',
    published: '1',
    'needs-review': '0',
    conflict: '0',
    // 890 / (890 + 1015 + 1260)
    'registered-covered': pct('28,12'),
  })
  t.same(dashboardRow(page.text, `overall-${def.election.id}`, 'all'), {
    area: 'Ensemble',
    stations: '9',
    reported: '5',
    'reported-share': pct('55,56'),
    validated: '3',
    published: '3',
    'needs-review': '1',
    conflict: '1',
    // (1210 + 980 + 890) / 10395
    'registered-covered': pct('29,63'),
  })
  const order = [...page.text.matchAll(/<tr data-area="([^"]+)">/g)].map((m) => m[1])
  t.same(order, ['all', '11', '84', '69', '75', '94'], 'overall first, then régions, then départements, each by code')
})
