// The area tree and France's upper areas. Sums are worked out by hand; the département → région
// table is copied by hand from ../shared/data/README.txt ("Département -> région", read there from
// gregoiredavid/france-geojson), not from core/france-areas.ts.
import t from 'tap'
import { areaKey, buildAreaTree, franceUpperAreas, parentLevel, type AreaKey } from '../../core/area-tree.js'
import { DEPARTEMENTS, REGIONS, findDepartement, findRegion } from '../../core/france-areas.js'
import type { Area, Station } from '../../core/schemas.js'

// Région 11 (Île-de-France) and département 11 (Aude) share a code on purpose. Areas are listed
// out of order; Lyon has no station.
const areas: Area[] = [
  { level: 'commune', code: '94081', name: 'Vitry-sur-Seine', parent: '94' },
  { level: 'departement', code: '75', name: 'Paris', parent: '11' },
  { level: 'region', code: '84', name: 'Auvergne-Rhône-Alpes', parent: 'FR' },
  { level: 'commune', code: '75056', name: 'Paris', parent: '75' },
  { level: 'departement', code: '11', name: 'Aude', parent: '76' },
  { level: 'region', code: '11', name: 'Île-de-France', parent: 'FR' },
  { level: 'country', code: 'FR', name: 'France' },
  { level: 'departement', code: '94', name: 'Val-de-Marne', parent: '11' },
  { level: 'commune', code: '94028', name: 'Créteil', parent: '94' },
  { level: 'region', code: '76', name: 'Occitanie', parent: 'FR' },
  { level: 'departement', code: '69', name: 'Rhône', parent: '84' },
  { level: 'commune', code: '11069', name: 'Carcassonne', parent: '11' },
  { level: 'commune', code: '69123', name: 'Lyon', parent: '69' },
]

function station(id: string, commune: string, registered: number): Station {
  return { id, code: id.slice(-4), name: `Bureau ${id}`, commune, registered }
}

const stations: Station[] = [
  station('75056-0101', '75056', 1000),
  station('75056-0102', '75056', 1100),
  station('75056-0201', '75056', 900),
  station('94028-0001', '94028', 800),
  station('94028-0002', '94028', 700),
  station('94081-0001', '94081', 1200),
  station('11069-0001', '11069', 500),
]

t.test('buildAreaTree counts stations and registered voters at every level', async (t) => {
  const tree = buildAreaTree({ areas, stations })
  // By hand: Paris 1000 + 1100 + 900; Créteil 800 + 700; Vitry 1200; Carcassonne 500; Lyon nothing.
  const expected: Record<AreaKey, [stations: number, registered: number]> = {
    'commune:75056': [3, 3000],
    'commune:94028': [2, 1500],
    'commune:94081': [1, 1200],
    'commune:11069': [1, 500],
    'commune:69123': [0, 0],
    'departement:75': [3, 3000],
    'departement:94': [3, 2700],
    'departement:11': [1, 500],
    'departement:69': [0, 0],
    'region:11': [6, 5700],
    'region:76': [1, 500],
    'region:84': [0, 0],
    'country:FR': [7, 6200],
  }
  t.equal(tree.nodes.size, Object.keys(expected).length)
  for (const [key, [count, registered]] of Object.entries(expected)) {
    const node = tree.nodes.get(key as AreaKey)
    t.ok(node, key)
    t.equal(node?.stationCount, count, `${key} stations`)
    t.equal(node?.registered, registered, `${key} registered`)
  }
  t.equal(tree.root.key, 'country:FR')
  t.equal(tree.nodes.get('region:11')?.area.name, 'Île-de-France')
  t.equal(tree.nodes.get('departement:11')?.area.name, 'Aude')
  t.equal(tree.stations.size, 7)
  t.strictSame(tree.nodes.get('commune:94028')?.stations.map((s) => s.id), ['94028-0001', '94028-0002'])
  t.strictSame(tree.nodes.get('departement:94')?.stations, [], 'only communes hold stations directly')
})

t.test('children are sorted by code and point back to their parent', async (t) => {
  const tree = buildAreaTree({ areas, stations })
  t.strictSame(tree.root.children.map((n) => n.key), ['region:11', 'region:76', 'region:84'])
  t.strictSame(tree.nodes.get('region:11')?.children.map((n) => n.key), ['departement:75', 'departement:94'])
  t.strictSame(tree.nodes.get('departement:94')?.children.map((n) => n.key), ['commune:94028', 'commune:94081'])
  t.equal(tree.root.parent, undefined)
  for (const node of tree.nodes.values()) {
    for (const child of node.children) t.equal(child.parent, node, `${child.key} → ${node.key}`)
  }
})

t.test('ancestorsOfStation: commune, département, région, country, nearest first', async (t) => {
  const tree = buildAreaTree({ areas, stations })
  t.strictSame(tree.ancestorsOfStation('94081-0001').map((n) => n.key), [
    'commune:94081',
    'departement:94',
    'region:11',
    'country:FR',
  ])
  // Aude (département 11) climbs to Occitanie, not to région 11.
  t.strictSame(tree.ancestorsOfStation('11069-0001').map((n) => n.key), [
    'commune:11069',
    'departement:11',
    'region:76',
    'country:FR',
  ])
  t.strictSame(tree.ancestorsOfStation('nowhere'), [])
})

t.test('a malformed definition throws, naming the culprit', async (t) => {
  t.throws(() => buildAreaTree({ areas: [...areas, { level: 'departement', code: '75', name: 'Paris bis', parent: '11' }], stations }), {
    message: /departement:75/,
  })
  t.throws(() => buildAreaTree({ areas: [...areas, { level: 'commune', code: '99001', name: 'Ailleurs', parent: '99' }], stations }), {
    message: /commune:99001.*departement:99/,
  })
  t.throws(() => buildAreaTree({ areas: [...areas, { level: 'commune', code: '99002', name: 'Orpheline' }], stations }), {
    message: /commune:99002/,
  })
  t.throws(() => buildAreaTree({ areas, stations: [...stations, station('XX-0001', '13055', 10)] }), {
    message: /XX-0001.*13055/,
  })
  t.throws(() => buildAreaTree({ areas, stations: [...stations, station('75056-0101', '75056', 10)] }), {
    message: /75056-0101/,
  })
  t.throws(() => buildAreaTree({ areas: areas.filter((a) => a.level !== 'country'), stations }), { message: /country/ })
  t.throws(() => buildAreaTree({ areas: [...areas, { level: 'country', code: 'BE', name: 'Belgique' }], stations }), {
    message: /country/,
  })
})

t.test('areaKey and parentLevel', async (t) => {
  t.equal(areaKey('departement', '2A'), 'departement:2A')
  t.equal(parentLevel('station'), 'commune')
  t.equal(parentLevel('commune'), 'departement')
  t.equal(parentLevel('departement'), 'region')
  t.equal(parentLevel('region'), 'country')
  t.equal(parentLevel('country'), undefined)
})

t.test('franceUpperAreas puts each département under its région', async (t) => {
  const upper = franceUpperAreas(['75', '2A', 'ZA', 'ZN', 'ZZ', '75'])
  const parents = Object.fromEntries(upper.filter((a) => a.level === 'departement').map((a) => [a.code, a.parent]))
  t.strictSame(parents, { '75': '11', '2A': '94', ZA: '01', ZN: 'COM', ZZ: 'FE' })
  t.strictSame(
    upper.filter((a) => a.level === 'region').map((a) => a.code).sort(),
    ['01', '11', '94', 'COM', 'FE'],
    'only the régions in use',
  )
  t.strictSame(upper[0], { level: 'country', code: 'FR', name: 'France' })
  for (const r of upper.filter((a) => a.level === 'region')) t.equal(r.parent, 'FR')
  // The result is a valid top of a tree.
  const tree = buildAreaTree({ areas: upper, stations: [] })
  t.equal(tree.nodes.get('region:94')?.children[0]?.key, 'departement:2A')
})

t.test('franceUpperAreas takes an INSEE code for its Ministry code, and refuses unknown codes', async (t) => {
  const upper = franceUpperAreas(['971', 'ZA'])
  t.strictSame(upper.map((a) => `${a.level}:${a.code}`), ['country:FR', 'region:01', 'departement:ZA'])
  t.throws(() => franceUpperAreas(['20']), { message: /20/ }, 'Corse is 2A / 2B, there is no 20')
  t.throws(() => franceUpperAreas(['96']), { message: /96/ })
})

// ../shared/data/README.txt, "Département -> région (INSEE 2016+ régions)", typed in by hand.
const REGION_OF_README: Record<string, { name: string; departements: string[] }> = {
  '11': { name: 'Île-de-France', departements: ['75', '77', '78', '91', '92', '93', '94', '95'] },
  '24': { name: 'Centre-Val de Loire', departements: ['18', '28', '36', '37', '41', '45'] },
  '27': { name: 'Bourgogne-Franche-Comté', departements: ['21', '25', '39', '58', '70', '71', '89', '90'] },
  '28': { name: 'Normandie', departements: ['14', '27', '50', '61', '76'] },
  '32': { name: 'Hauts-de-France', departements: ['02', '59', '60', '62', '80'] },
  '44': { name: 'Grand Est', departements: ['08', '10', '51', '52', '54', '55', '57', '67', '68', '88'] },
  '52': { name: 'Pays de la Loire', departements: ['44', '49', '53', '72', '85'] },
  '53': { name: 'Bretagne', departements: ['22', '29', '35', '56'] },
  '75': { name: 'Nouvelle-Aquitaine', departements: ['16', '17', '19', '23', '24', '33', '40', '47', '64', '79', '86', '87'] },
  '76': { name: 'Occitanie', departements: ['09', '11', '12', '30', '31', '32', '34', '46', '48', '65', '66', '81', '82'] },
  '84': { name: 'Auvergne-Rhône-Alpes', departements: ['01', '03', '07', '15', '26', '38', '42', '43', '63', '69', '73', '74'] },
  '93': { name: "Provence-Alpes-Côte d'Azur", departements: ['04', '05', '06', '13', '83', '84'] },
  '94': { name: 'Corse', departements: ['2A', '2B'] },
  '01': { name: 'Guadeloupe', departements: ['971'] },
  '02': { name: 'Martinique', departements: ['972'] },
  '03': { name: 'Guyane', departements: ['973'] },
  '04': { name: 'La Réunion', departements: ['974'] },
  '06': { name: 'Mayotte', departements: ['976'] },
}

t.test('the 2016 département → région mapping matches the shared data README', async (t) => {
  let departementCount = 0
  for (const [region, { name, departements }] of Object.entries(REGION_OF_README)) {
    t.equal(findRegion(region)?.name, name, `région ${region} is ${name}`)
    for (const code of departements) {
      departementCount += 1
      t.equal(findDepartement(code)?.region, region, `département ${code} is in région ${region}`)
    }
    // And nothing else sits in that région.
    const inCode = DEPARTEMENTS.filter((d) => d.region === region).map((d) => d.insee).sort()
    t.strictSame(inCode, [...departements].sort(), `région ${region} has exactly the README's départements`)
  }
  t.equal(departementCount, 101, '96 metropolitan + 5 overseas départements')
})

t.test('overseas codes: Ministry letters, INSEE numbers, collectivités and the French abroad', async (t) => {
  // README: ZA 971, ZB 972, ZC 973, ZD 974, ZM 976 are départements; the rest have no région.
  // ZX stands for Saint-Martin (978) and Saint-Barthélemy (977) together; one code is kept. 99 is
  // INSEE's prefix for abroad.
  const overseas: Record<string, [insee: string, region: string]> = {
    ZA: ['971', '01'], ZB: ['972', '02'], ZC: ['973', '03'], ZD: ['974', '04'], ZM: ['976', '06'],
    ZS: ['975', 'COM'], ZN: ['988', 'COM'], ZP: ['987', 'COM'], ZW: ['986', 'COM'], ZX: ['977', 'COM'],
    ZZ: ['99', 'FE'],
  }
  for (const [code, [insee, region]] of Object.entries(overseas)) {
    const d = findDepartement(code)
    t.equal(d?.insee, insee, `${code} is INSEE ${insee}`)
    t.equal(d?.region, region, `${code} is under ${region}`)
  }
})

t.test('every département of france-areas.ts has a known région, and the codes are those of the results file', async (t) => {
  // README: 107 département codes, 96 metropolitan incl. 2A/2B + 11 Z* codes.
  t.equal(DEPARTEMENTS.length, 107)
  t.equal(new Set(DEPARTEMENTS.map((d) => d.code)).size, 107, 'codes are unique')
  t.equal(new Set(DEPARTEMENTS.map((d) => d.insee)).size, 107, 'INSEE codes are unique')
  t.equal(DEPARTEMENTS.filter((d) => d.code.startsWith('Z')).length, 11)
  for (const d of DEPARTEMENTS) {
    t.ok(findRegion(d.region), `${d.code} ${d.name} → région ${d.region}`)
  }
  // 13 metropolitan + 5 overseas régions, plus the two groupings COM and FE; none is empty.
  t.equal(REGIONS.length, 20)
  for (const r of REGIONS) t.ok(DEPARTEMENTS.some((d) => d.region === r.code), `région ${r.code} has a département`)
  t.ok(!findDepartement('20'))
})
