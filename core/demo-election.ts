// The built-in demo election: what `elections start` loads when no election is, so a newcomer sees
// pages fill up. A presidential-style first round in four départements of Bretagne and Pays de la
// Loire, with real commune names but invented candidates and figures. Pure and deterministic: a
// seeded generator, so every run (and every test) sees the same figures.
import { franceUpperAreas } from './area-tree.js'
import type { Area, Candidate, Counts, ElectionDefinition, Station } from './schemas.js'

export interface DemoReturn {
  stationId: string
  contestId: string
  counts: Counts
}

export interface DemoElection {
  definition: ElectionDefinition
  returns: DemoReturn[]
}

export interface DemoElectionOptions {
  /** The embargo instant; `elections start` passes "now" so results show at once. */
  pollsCloseAt?: string
}

/** In the past, so a demo loaded without options publishes straight away. */
export const DEMO_POLLS_CLOSE_AT = '2024-04-14T18:00:00Z'
export const DEMO_ELECTION_ID = 'demo-presidentielle'
export const DEMO_CONTEST_ID = 'pres'
const DEMO_SEED = 20_240_414

const CANDIDATES: readonly Candidate[] = [
  { id: 'VASSEUR', ballot: 1, name: 'Claire Vasseur', party: 'Renouveau démocratique' },
  { id: 'MARCHETTI', ballot: 2, name: 'Hugo Marchetti', party: 'Union des républicains' },
  { id: 'DELORME', ballot: 3, name: 'Sophie Delorme', party: 'Écologistes solidaires' },
  { id: 'GUERIN', ballot: 4, name: 'Antoine Guérin', party: 'Rassemblement des territoires' },
  { id: 'BENALI', ballot: 5, name: 'Nadia Benali', party: 'Gauche populaire' },
  { id: 'RIVIERE', ballot: 6, name: 'Paul Rivière', party: 'Parti de la liberté' },
]

/** Relative strength of each candidate (in ballot order) per département: regional colour. */
const LEANINGS: Readonly<Record<string, readonly number[]>> = {
  '22': [24, 16, 14, 20, 17, 9],
  '35': [29, 15, 19, 13, 17, 7],
  '44': [27, 17, 17, 15, 16, 8],
  '49': [26, 22, 13, 18, 12, 9],
}

interface DemoCommune {
  code: string
  name: string
  stations: number
  /** Average turnout of the commune's stations. */
  turnout: number
}

// Real communes (INSEE codes), fewer bureaux than in reality to keep the demo small.
const COMMUNES: readonly DemoCommune[] = [
  { code: '22278', name: 'Saint-Brieuc', stations: 14, turnout: 0.76 },
  { code: '22113', name: 'Lannion', stations: 8, turnout: 0.8 },
  { code: '22093', name: 'Lamballe', stations: 6, turnout: 0.81 },
  { code: '22187', name: 'Plérin', stations: 6, turnout: 0.82 },
  { code: '35238', name: 'Rennes', stations: 30, turnout: 0.75 },
  { code: '35288', name: 'Saint-Malo', stations: 14, turnout: 0.78 },
  { code: '35115', name: 'Fougères', stations: 8, turnout: 0.77 },
  { code: '35360', name: 'Vitré', stations: 8, turnout: 0.81 },
  { code: '44109', name: 'Nantes', stations: 36, turnout: 0.76 },
  { code: '44184', name: 'Saint-Nazaire', stations: 16, turnout: 0.77 },
  { code: '44143', name: 'Rezé', stations: 10, turnout: 0.79 },
  { code: '44069', name: 'Guérande', stations: 6, turnout: 0.83 },
  { code: '49007', name: 'Angers', stations: 26, turnout: 0.74 },
  { code: '49099', name: 'Cholet', stations: 12, turnout: 0.8 },
  { code: '49328', name: 'Saumur', stations: 8, turnout: 0.77 },
  { code: '49353', name: 'Trélazé', stations: 5, turnout: 0.73 },
]

const POLLING_PLACES: readonly string[] = [
  'Hôtel de ville',
  'École élémentaire Jules-Ferry',
  'Groupe scolaire Jean-Moulin',
  'Salle des fêtes',
  'Gymnase Pierre-de-Coubertin',
  'École maternelle Les Tilleuls',
  'Maison des associations',
  'Centre social Simone-Veil',
  'École Paul-Bert',
  'Médiathèque',
]

const REGISTERED_MIN = 300
const REGISTERED_SPREAD = 1_200
/** Stations vary around their commune's turnout by at most ± half of this. */
const TURNOUT_SPREAD = 0.06

export function demoElection(options: DemoElectionOptions = {}): DemoElection {
  const random = mulberry32(DEMO_SEED)
  const departements = [...new Set(COMMUNES.map((c) => c.code.slice(0, 2)))]
  const areas: Area[] = [
    ...franceUpperAreas(departements),
    ...COMMUNES.map((c): Area => ({ level: 'commune', code: c.code, name: c.name, parent: c.code.slice(0, 2) })),
  ]
  const stations: Station[] = []
  const returns: DemoReturn[] = []
  for (const commune of COMMUNES) {
    const leaning = LEANINGS[commune.code.slice(0, 2)] ?? CANDIDATES.map(() => 1)
    for (let i = 0; i < commune.stations; i++) {
      const bureau = String(i + 1).padStart(4, '0')
      const station: Station = {
        id: `${commune.code}-${bureau}`,
        code: bureau,
        name: `Bureau ${bureau}`,
        commune: commune.code,
        registered: REGISTERED_MIN + Math.floor(random() * REGISTERED_SPREAD),
        // Two or three bureaux share a polling place, as in most towns.
        address: `${POLLING_PLACES[Math.floor(i / 3) % POLLING_PLACES.length] ?? 'Mairie'}, ${commune.name}`,
        contact: demoContact(stations.length),
      }
      stations.push(station)
      returns.push({ stationId: station.id, contestId: DEMO_CONTEST_ID, counts: stationCounts(station, commune, leaning, random) })
    }
  }
  const name = 'Élection présidentielle (démonstration) — 1er tour'
  return {
    definition: {
      election: {
        id: DEMO_ELECTION_ID,
        name,
        round: 1,
        pollsCloseAt: options.pollsCloseAt ?? DEMO_POLLS_CLOSE_AT,
        policy: { mode: 'auto', autoAcknowledgeWarnings: false },
        contests: [{ id: DEMO_CONTEST_ID, name, seats: 1, candidates: CANDIDATES.map((c) => ({ ...c })) }],
      },
      areas,
      stations,
    },
    returns,
  }
}

/**
 * Made-up presidents, reachable at numbers ARCEP reserves for fiction (01 99 00 00 00 to
 * 01 99 99 99 99), so the desk's chase list has someone to call and no real person is named.
 * Derived from the station's index, not from the seeded generator, so the figures stay the same.
 */
function demoContact(index: number): NonNullable<Station['contact']> {
  const number = String(index).padStart(4, '0')
  return { name: `Président du bureau ${index + 1}`, phone: `01 99 00 ${number.slice(0, 2)} ${number.slice(2, 4)}` }
}

function stationCounts(station: Station, commune: DemoCommune, leaning: readonly number[], random: () => number): Counts {
  const turnout = commune.turnout + (random() - 0.5) * TURNOUT_SPREAD
  const voters = Math.round(station.registered * turnout)
  // Blank 1–2.5 % and invalid 0.4–1.2 % of voters: the shares of a French presidential first round.
  const blank = Math.round(voters * (0.01 + random() * 0.015))
  const invalid = Math.round(voters * (0.004 + random() * 0.008))
  const valid = voters - blank - invalid
  const weights = leaning.map((w) => w * (0.8 + random() * 0.4))
  const shares = apportion(valid, weights)
  const votes: Record<string, number> = {}
  for (const [i, candidate] of CANDIDATES.entries()) votes[candidate.id] = shares[i] ?? 0
  return { registered: station.registered, voters, blank, invalid, valid, votes }
}

/** Splits `total` in proportion to `weights` by largest remainder, so the parts add up exactly. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => (total * w) / sum)
  const parts = exact.map(Math.floor)
  let left = total - parts.reduce((a, b) => a + b, 0)
  const byRemainder = exact.map((x, i) => ({ i, remainder: x - Math.floor(x) })).sort((a, b) => b.remainder - a.remainder || a.i - b.i)
  for (const { i } of byRemainder) {
    if (left === 0) break
    parts[i] = (parts[i] ?? 0) + 1
    left -= 1
  }
  return parts
}

/** A small, well-known 32-bit generator: deterministic across platforms, unlike Math.random. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}
