// A station's contact (for the desk's chase list) is stored with the station and never leaves the
// consolidation database: the definition on [results] has no contact, and a definition without
// contacts loads as before.
import t from 'tap'
import { smallElection } from '../fixtures/small-election.js'
import { openHarness, produceDefinition, readResults } from '../fixtures/consolidation-harness.js'

t.test('contacts are stored for the desk and kept off [results]', async (t) => {
  const h = await openHarness(t)
  const def = smallElection()
  const [first, second] = def.stations
  if (first === undefined || second === undefined) throw new Error('the small election has stations')
  first.contact = { name: 'Jeanne Dupont', phone: '01 99 00 12 34' }
  second.contact = { phone: '01 99 00 56 78' }
  await produceDefinition(h.bus, def)
  await h.consolidator.caughtUp()

  const stored = await h.db.query<{ station_id: string; contact_name: string | null; contact_phone: string | null }>(
    'SELECT station_id, contact_name, contact_phone FROM stations WHERE contact_name IS NOT NULL OR contact_phone IS NOT NULL ORDER BY station_id',
  )
  t.same(stored.rows, [
    { station_id: first.id, contact_name: 'Jeanne Dupont', contact_phone: '01 99 00 12 34' },
    { station_id: second.id, contact_name: null, contact_phone: '01 99 00 56 78' },
  ].sort((a, b) => a.station_id.localeCompare(b.station_id)))

  const parts = (await readResults(h.bus)).filter((m) => m.type === 'election-definition-part')
  t.ok(parts.length > 0, 'the definition went to [results]')
  const stations = parts.flatMap((p) => (p.type === 'election-definition-part' ? p.stations : []))
  t.equal(stations.length, def.stations.length, 'with every station')
  t.same(stations.filter((s) => s.contact !== undefined), [], 'and no contact')
  t.notMatch(JSON.stringify(parts), '01 99 00', 'no phone number anywhere in it')
})
