// Bus messages: topic names and keys, and an election definition split into bus-sized parts and
// put back together whatever order, duplication or interleaving the parts arrive in.
import t from 'tap'
import {
  DefinitionAssembler,
  ElectionDefinitionPartSchema,
  ResultsMessageSchema,
  TOPICS,
  definitionPartKey,
  returnKey,
  splitDefinition,
  stationResultKey,
  type ElectionDefinitionPart,
} from '../../core/messages.js'
import { ElectionDefinitionSchema, type Area, type ElectionDefinition, type Station } from '../../core/schemas.js'

/** Kafka's default message.max.bytes is 1,048,588; stay under a round megabyte. */
const ONE_MB = 1_000_000

function election(): ElectionDefinition['election'] {
  return {
    id: 'pres-2027-t1',
    name: 'Élection présidentielle 2027, premier tour',
    round: 1,
    pollsCloseAt: '2027-04-11T20:00:00+02:00',
    policy: { mode: 'auto', autoAcknowledgeWarnings: false },
    contests: [
      {
        id: 'pres',
        name: 'Présidentielle',
        seats: 1,
        candidates: [
          { id: 'A', ballot: 1, name: 'Alice Martin', party: 'Parti A' },
          { id: 'B', ballot: 2, name: 'Bruno Petit' },
        ],
      },
    ],
  }
}

/**
 * A definition over the given départements (code → [région, communes, stations per commune]),
 * with names and addresses about as long as real ones.
 */
function definition(spec: Record<string, [region: string, communes: number, stationsPerCommune: number]>): ElectionDefinition {
  const areas: Area[] = [{ level: 'country', code: 'FR', name: 'France' }]
  const stations: Station[] = []
  const regions = new Set<string>()
  for (const [dep, [region, communes, perCommune]] of Object.entries(spec)) {
    if (!regions.has(region)) areas.push({ level: 'region', code: region, name: `Région ${region}`, parent: 'FR' })
    regions.add(region)
    areas.push({ level: 'departement', code: dep, name: `Département ${dep}`, parent: region })
    for (let c = 1; c <= communes; c++) {
      const commune = `${dep}${String(c).padStart(3, '0')}`
      areas.push({ level: 'commune', code: commune, name: `Saint-Étienne-de-la-Commune-n°${c}`, parent: dep })
      for (let s = 1; s <= perCommune; s++) {
        const code = String(s).padStart(4, '0')
        stations.push({
          id: `${commune}-${code}`,
          code,
          name: `Bureau ${code} — École élémentaire Jean-Baptiste-Poquelin`,
          commune,
          registered: 800 + ((c * 31 + s * 7) % 700),
          address: `${s} rue du Faubourg-Saint-Antoine, ${dep}000 Saint-Étienne-de-la-Commune-n°${c}`,
        })
      }
    }
  }
  return ElectionDefinitionSchema.parse({ election: election(), areas, stations })
}

/** Areas and stations in a fixed order, so two definitions compare whatever order they were built in. */
function normalised(def: ElectionDefinition) {
  const byKey = <T>(key: (x: T) => string) => (a: T, b: T) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
  return {
    election: def.election,
    areas: [...def.areas].sort(byKey((a: Area) => `${a.level}:${a.code}`)),
    stations: [...def.stations].sort(byKey((s: Station) => s.id)),
  }
}

/** A deterministic shuffle (a fixed linear congruential generator), so failures reproduce. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs]
  let state = seed
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31
    const j = state % (i + 1)
    const tmp = out[i] as T
    out[i] = out[j] as T
    out[j] = tmp
  }
  return out
}

function feed(assembler: DefinitionAssembler, parts: readonly ElectionDefinitionPart[]): ElectionDefinition[] {
  const done: ElectionDefinition[] = []
  for (const p of parts) {
    const def = assembler.add(p)
    if (def) done.push(def)
  }
  return done
}

const small = () => definition({ '75': ['11', 2, 3], '94': ['11', 3, 2], '2A': ['94', 2, 1] })

t.test('topic names and keys are the public ones', async (t) => {
  t.strictSame(TOPICS, { returns: 'returns', elections: 'elections', results: 'results', credentials: 'credentials', security: 'security' })
  t.equal(returnKey('75056-0101'), '75056-0101')
  t.equal(stationResultKey('pres-2027-t1', 'pres', '75056-0101'), 'pres-2027-t1:pres:75056-0101')
})

t.test('splitDefinition: part 0 holds the election and upper areas, then one part per département', async (t) => {
  const def = small()
  const parts = splitDefinition(def)
  // 3 départements → 4 parts; départements in code order: 2A, 75, 94.
  t.equal(parts.length, 4)
  parts.forEach((p, i) => {
    t.equal(p.part, i)
    t.equal(p.parts, 4)
    t.equal(p.electionId, 'pres-2027-t1')
    t.equal(p.definitionVersion, parts[0]?.definitionVersion)
    t.ok(ElectionDefinitionPartSchema.safeParse(p).success, `part ${i} parses`)
    t.ok(ResultsMessageSchema.safeParse(JSON.parse(JSON.stringify(p))).success, `part ${i} is a [results] message`)
  })
  const [head, corse, paris, valDeMarne] = parts
  t.strictSame(head?.election, def.election)
  t.strictSame(head?.stations, [])
  // Country, régions 11 and 94, départements 75, 94, 2A: 6 areas, no commune.
  t.strictSame(head?.areas.map((a) => `${a.level}:${a.code}`).sort(), [
    'country:FR', 'departement:2A', 'departement:75', 'departement:94', 'region:11', 'region:94',
  ])
  t.equal(corse?.election, undefined)
  t.strictSame(corse?.areas.map((a) => a.code), ['2A001', '2A002'])
  t.equal(corse?.stations.length, 2)
  t.equal(paris?.stations.length, 6)
  t.equal(valDeMarne?.stations.length, 6)
  t.ok(valDeMarne?.stations.every((s) => s.commune.startsWith('94')))
  t.strictSame(parts.map(definitionPartKey), [0, 1, 2, 3].map((i) => `def:pres-2027-t1:${i}`))
})

t.test('definitionVersion: same content same version, whatever the key order; any change a new one', async (t) => {
  const def = small()
  const version = splitDefinition(def)[0]?.definitionVersion
  t.match(version, /^[0-9a-f]{32}$/)
  // The same content with every object's keys in reverse order.
  const reverseKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(reverseKeys)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)]))
        : v
  const sameContent = reverseKeys(def) as ElectionDefinition
  t.not(JSON.stringify(sameContent), JSON.stringify(def), 'the key order really differs')
  t.equal(splitDefinition(sameContent)[0]?.definitionVersion, version)
  const changed = { ...def, stations: def.stations.map((s, i) => (i === 0 ? { ...s, registered: s.registered + 1 } : s)) }
  t.not(splitDefinition(changed)[0]?.definitionVersion, version)
})

t.test('DefinitionAssembler: parts in any order give back the definition, once, at the last part', async (t) => {
  const def = small()
  const parts = splitDefinition(def)
  for (let seed = 1; seed <= 24; seed++) {
    const order = shuffled(parts, seed)
    const assembler = new DefinitionAssembler()
    const results = order.map((p) => assembler.add(p))
    t.ok(results.slice(0, -1).every((r) => r === undefined), `seed ${seed}: nothing before the last part`)
    const last = results.at(-1)
    t.ok(last, `seed ${seed}: complete at the last part`)
    if (last) t.strictSame(normalised(last), normalised(def), `seed ${seed}: same definition`)
  }
})

t.test('DefinitionAssembler: duplicate parts are harmless', async (t) => {
  const def = small()
  const [p0, p1, p2, p3] = splitDefinition(def)
  if (!p0 || !p1 || !p2 || !p3) throw new Error('expected 4 parts')
  const assembler = new DefinitionAssembler()
  // Redelivery: part 1 three times and part 0 twice before the set is complete.
  t.strictSame(feed(assembler, [p1, p1, p0, p1, p2, p0]), [])
  const done = feed(assembler, [p3])
  t.equal(done.length, 1)
  t.strictSame(normalised(done[0] as ElectionDefinition), normalised(def))
  // A late duplicate after completion does not produce a definition by itself.
  t.strictSame(feed(assembler, [p2]), [])
  // A full redelivery (a consumer reading the topic again) assembles it again.
  t.equal(feed(assembler, [p0, p1, p3]).length, 1)
})

t.test('DefinitionAssembler: two versions interleaved are never mixed', async (t) => {
  const a = small()
  // Version B: one more commune in 94 and Paris' stations re-counted.
  const b = definition({ '75': ['11', 2, 3], '94': ['11', 4, 2], '2A': ['94', 2, 1] })
  const partsA = splitDefinition(a)
  const partsB = splitDefinition(b)
  t.not(partsA[0]?.definitionVersion, partsB[0]?.definitionVersion)
  // B0 A3 B1 A0 B2 A1 B3 A2: A completes at A2, B at B3.
  const interleaved = [partsB[0], partsA[3], partsB[1], partsA[0], partsB[2], partsA[1], partsB[3], partsA[2]]
  const assembler = new DefinitionAssembler()
  const done = feed(assembler, interleaved.filter((p): p is ElectionDefinitionPart => p !== undefined))
  t.equal(done.length, 2)
  t.strictSame(normalised(done[0] as ElectionDefinition), normalised(b), 'B first: its last part came first')
  t.strictSame(normalised(done[1] as ElectionDefinition), normalised(a))
  t.equal(done[1]?.stations.length, 14, 'A: 6 Paris + 6 Val-de-Marne + 2 Corse')
  t.equal(done[0]?.stations.length, 16, 'B: 6 + 8 + 2')
})

t.test('every part of a definition with a 3,000-station département is under 1 MB', async (t) => {
  // Nord, the largest département, had about 2,600 bureaux in 650 communes in 2017; take 3,000 in
  // 600 communes, beside a small département.
  const def = definition({ '59': ['32', 600, 5], '62': ['32', 10, 3] })
  t.equal(def.stations.length, 3_030)
  const parts = splitDefinition(def)
  t.equal(parts.length, 3)
  let largest = 0
  for (const p of parts) {
    const bytes = Buffer.byteLength(JSON.stringify(p), 'utf8')
    largest = Math.max(largest, bytes)
    t.ok(bytes < ONE_MB, `part ${p.part}: ${bytes} bytes`)
  }
  t.ok(largest > 500_000, `the big part is realistic (${largest} bytes), not trivially small`)
  const back = feed(new DefinitionAssembler(), parts)
  t.equal(back[0]?.stations.length, 3_030)
})
