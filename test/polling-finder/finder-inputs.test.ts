// The finder's inputs without ../shared: the simple layouts with bad lines (each named by its line,
// none silently dropped), and a build from the demo election whose street index splits a street by
// side, answered through the same finder-lookup.js.
import t from 'tap'
import { join } from 'node:path'
import { demoElection } from '../../core/demo-election.js'
import { communeKey, findStreets, lookupAddress, nameShardId, parseQuery, stationsOnStreet, type CommuneShard } from '../../polling-finder/browser/finder-lookup.js'
import { buildFinder, FINDER_CACHE_CONTROL, PRECOMPRESS_MIN_BYTES } from '../../polling-finder/finder-build.js'
import { readAddressTable } from '../../polling-finder/inputs/address-table.js'
import { readOpeningHours } from '../../polling-finder/inputs/opening-hours.js'
import { readPollingPlaces } from '../../polling-finder/inputs/polling-places.js'
import { memoryStorage } from '../helpers/recording-outputs.js'

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'finder')

t.test('simple polling places: bad lines are named, good ones kept', async (t) => {
  const places = await readPollingPlaces(join(FIXTURES, 'places-simple.csv'))
  t.equal(places.layout, 'simple')
  t.same(places.rows.map((r) => r.bureau), ['0001', '0002'])
  t.same(places.problems, [
    'line 4: accessible is "peut-être": oui, non or empty',
    'line 5: commune "3523" is not an INSEE code',
    'line 6: coordinates "91", "-1.67" are not a latitude and a longitude',
  ])
  t.equal(places.rows[0]?.accessible, true)
})

t.test('simple address table: bad lines are named', async (t) => {
  const table = await readAddressTable(join(FIXTURES, 'addresses-simple.csv'))
  t.equal(table.rows.length, 6)
  t.same(table.problems, ['line 8: numero "abc" is not a house number', 'line 9: no street (voie)'])
})

t.test('opening hours: bad lines are named, the first hours of a commune kept', async (t) => {
  const hours = await readOpeningHours(join(FIXTURES, 'hours.csv'))
  t.same(hours.rows, [{ commune: '35238', hours: { open: '08:00', close: '19:00' } }])
  t.same(hours.problems, [
    'line 3: commune 35238 already has hours on line 2',
    'line 4: opening 20:00 is not before closing 08:00',
    'line 5: commune "4410" is not an INSEE code',
    'line 6: hours "8h"–"19:00" are not HH:MM',
  ])
})

t.test('a build from the demo election answers a split street by side', async (t) => {
  const storage = memoryStorage()
  const summary = await buildFinder(
    {
      definition: demoElection().definition,
      places: [await readPollingPlaces(join(FIXTURES, 'places-simple.csv'))],
      addresses: [await readAddressTable(join(FIXTURES, 'addresses-simple.csv'))],
      hours: await readOpeningHours(join(FIXTURES, 'hours.csv')),
    },
    { storage },
  )
  t.same(summary.oversizedShards, [])
  t.equal(summary.communesWithAddresses, 1)
  const shardObject = storage.objects.get('finder/data/commune/35238.json')
  t.ok(shardObject, 'the commune shard is written')
  t.equal(shardObject?.meta.cacheControl, FINDER_CACHE_CONTROL)
  t.ok(storage.objects.has('finder/data/commune/35238.json.gz') && storage.objects.has('finder/data/commune/35238.json.br'), 'with its variants')
  // Every shard and every file of PRECOMPRESS_MIN_BYTES or more has both siblings; a smaller page
  // or stylesheet has none (nginx gzips it on the fly), and nothing has only one.
  const plainKeys = [...storage.objects.keys()].filter((k) => !k.endsWith('.gz') && !k.endsWith('.br'))
  const withSiblings = plainKeys.filter((k) => storage.objects.has(`${k}.gz`) && storage.objects.has(`${k}.br`))
  const without = plainKeys.filter((k) => !storage.objects.has(`${k}.gz`) && !storage.objects.has(`${k}.br`))
  t.equal(withSiblings.length + without.length, plainKeys.length, 'no file with only one sibling')
  t.equal(summary.precompressed, withSiblings.length)
  t.equal(storage.objects.size, plainKeys.length + 2 * withSiblings.length, 'no sibling without its file')
  t.ok(without.length > 0, 'some small pages without siblings')
  for (const k of without) {
    t.ok(!k.startsWith('finder/data/') && (storage.objects.get(k)?.body.length ?? Infinity) < PRECOMPRESS_MIN_BYTES, `${k} is not a shard and under ${PRECOMPRESS_MIN_BYTES} bytes`)
  }
  t.ok(withSiblings.some((k) => k.endsWith('.html')), 'a larger page has its siblings')
  const { commune } = JSON.parse(shardObject?.body.toString() ?? '{}') as CommuneShard
  const paix = findStreets(commune, 'rue de la paix')
  t.equal(paix.length, 1)
  const street = paix[0]
  if (street === undefined) return
  t.same(stationsOnStreet(street, 3).stations.map((i) => commune.stations[i]?.code), ['0001'], 'odd side: bureau 1')
  t.same(stationsOnStreet(street, 4).stations.map((i) => commune.stations[i]?.code), ['0002'], 'even side: bureau 2')
  const split = stationsOnStreet(street, undefined)
  t.equal(split.definite, false)
  t.equal(split.reason, 'street-split')
  const [answer] = lookupAddress([commune], parseQuery('12 boulevard Voltaire, Rennes'))
  t.same(answer?.stations.map((i) => commune.stations[i]?.code), ['0001'], '"bd" and "boulevard" are one street')
  const stationPage = storage.objects.get('finder/bureau/35238-0001/index.html')?.body.toString() ?? ''
  t.match(stationPage, /Hôtel de ville/)
  t.match(stationPage, /de 08:00 à 19:00/, 'the commune’s own hours')
  t.match(storage.objects.get('finder/bureau/44109-0001/index.html')?.body.toString() ?? '', /de 08:00 à 20:00/, 'elsewhere the default')
  t.match(stationPage, /geo:48\.1113,-1\.68/)
  t.match(stationPage, /Bureau 0002/, 'the other bureau at the same place is listed')
  t.match(stationPage, /href="\.\.\/\.\.\/\.\.\/commune\/35238\/bureau\/0001\/"/, 'links to the results site’s station page')
  t.match(stationPage, /service-public\.fr\/particuliers\/vosdroits\/services-en-ligne-et-formulaires\/ISE/)
  const streets = storage.objects.get('finder/commune/35238/rues/index.html')?.body.toString() ?? ''
  t.match(streets, /impairs de 1 à 3/)
  t.match(streets, /pairs de 2 à 4/)
  const other = storage.objects.get('finder/commune/44109/index.html')?.body.toString() ?? ''
  t.match(other, /Nous n’avons pas la répartition des adresses/, 'a commune without address data lists all its stations')
})

t.test('the name index files the many Saint(e)-… by their second word', async (t) => {
  t.equal(nameShardId(communeKey('Saint-Maur-des-Fossés')), 'saint-ma')
  t.equal(nameShardId(communeKey('Sainte-Marie')), 'sainte-ma')
  t.equal(nameShardId(communeKey('Ivry-sur-Seine')), 'iv')
  t.equal(nameShardId(communeKey('Y')), 'y_')
})
