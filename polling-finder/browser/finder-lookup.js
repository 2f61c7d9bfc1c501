// The finder's look-up, shared word for word by the browser (served as finder/finder-lookup.js)
// and the builder (which normalises street names with the same functions, so a key written at
// build time is the key the browser computes from what a voter types). Pure: no DOM, no fetch.
// Plain JavaScript (an ES module) because browsers run it as it is; its types are in
// finder-lookup.d.ts.

/** Shard files under finder/data/, relative to the finder's root. */
export const DATA_DIR = 'data'
/** Geographic tiles: squares of this many degrees of latitude and longitude. */
export const GEO_TILE_DEG = 0.05

/** Side of a street a run of house numbers is on. */
export const SIDE_ALL = 0
export const SIDE_ODD = 1
export const SIDE_EVEN = 2

// Abbreviations of French street types and titles, as town halls and voters write them.
const ABBREVIATIONS = {
  av: 'avenue', ave: 'avenue', bd: 'boulevard', bld: 'boulevard', boul: 'boulevard', bvd: 'boulevard',
  r: 'rue', pl: 'place', imp: 'impasse', all: 'allee', sq: 'square', rte: 'route', che: 'chemin', ch: 'chemin',
  chem: 'chemin', fg: 'faubourg', fbg: 'faubourg', pass: 'passage', psg: 'passage', qu: 'quai', qua: 'quai',
  crs: 'cours', res: 'residence', sen: 'sentier', sent: 'sentier', vla: 'villa', cite: 'cite', prom: 'promenade',
  st: 'saint', ste: 'sainte', gal: 'general', gen: 'general', mal: 'marechal', pdt: 'president',
  pres: 'president', prof: 'professeur', dr: 'docteur', cdt: 'commandant', cne: 'capitaine', lt: 'lieutenant',
  col: 'colonel', ml: 'marechal', mar: 'marechal', ht: 'haut', hte: 'haute', gd: 'grand', gde: 'grande',
}
// Articles and prepositions: "rue de la Paix" and "rue Paix" are the same street to a voter.
const STOP_WORDS = new Set(['de', 'du', 'des', 'la', 'le', 'les', 'l', 'd', 'a', 'au', 'aux', 'et', 'en', 'sur', 'sous'])

/** Lower case, no accents, only letters, digits and single spaces. */
export function normalizeText(text) {
  return String(text)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

/** Words of a street name as compared: abbreviations expanded, articles dropped. */
export function streetTokens(text) {
  return normalizeText(text)
    .split(' ')
    .filter((w) => w !== '')
    .map((w) => ABBREVIATIONS[w] ?? w)
    .filter((w) => !STOP_WORDS.has(w))
}

/** The key a street is filed under in a shard. */
export function streetKey(text) {
  return streetTokens(text).join(' ')
}

/** Key of a commune name for the name index: "Saint-Maur-des-Fossés" → "saint maur fosses". */
export function communeKey(name) {
  return streetTokens(name).join(' ')
}

/**
 * The name-index shard holding communes whose key starts like this one: the first two letters,
 * except that the 4,000-odd "Saint(e)-…" are filed by the next word's, or their shard would
 * weigh 120 KB gzipped ("saint-ma" holds Saint-Malo and Saint-Maur).
 */
export function nameShardId(key) {
  const [first = '', second = ''] = key.split(' ')
  const two = (word) => {
    const letters = word.replace(/[^a-z]/g, '')
    return letters.length >= 2 ? letters.slice(0, 2) : `${letters}_`
  }
  return first === 'saint' || first === 'sainte' ? `${first}-${two(second)}` : two(key)
}

/** The geographic tile of a point. */
export function geoTileId(lat, lon) {
  return `${Math.floor(lat / GEO_TILE_DEG)}_${Math.floor(lon / GEO_TILE_DEG)}`
}

/**
 * What a voter typed, in parts: a postcode (5 digits), a house number, the street, a commune name
 * after a comma. "12 bis rue Marat, 94200 Ivry" → {postcode: "94200", number: 12, street: "rue Marat",
 * commune: "Ivry"}.
 */
export function parseQuery(text) {
  let rest = String(text).replace(/\s+/g, ' ').trim()
  let postcode
  const cp = rest.match(/(?:^|[\s,])(\d{5})(?=$|[\s,])/)
  if (cp) {
    postcode = cp[1]
    rest = `${rest.slice(0, cp.index)} , ${rest.slice((cp.index ?? 0) + cp[0].length)}`
  }
  const [streetPart = '', ...communeParts] = rest.split(',')
  let street = streetPart.trim()
  let commune = communeParts.join(' ').replace(/\s+/g, ' ').trim()
  let number
  const num = street.match(/^(\d{1,4})(?:\s*(?:bis|ter|quater|quinquies|[a-eqt])\b)?[\s,]*(.*)$/i)
  if (num) {
    number = Number(num[1])
    street = num[2] ?? ''
  }
  // Without a comma or a postcode, one phrase with no number is a commune's name.
  if (postcode === undefined && commune === '' && number === undefined) {
    commune = street
    street = ''
  }
  return { postcode, number, street: street.trim(), commune }
}

/** The house number of an address line as the builder files it: "46 BIS" → 46. */
export function houseNumber(text) {
  // Four digits at most: a five-digit "number" is a postcode or a spreadsheet date ("42493 RUE …").
  const m = String(text).trim().match(/^(\d{1,4})(?!\d)/)
  return m ? Number(m[1]) : undefined
}

/**
 * The first shard a query needs (each file is one request): a postcode → its shard; a commune
 * name → the name index, whose entry then names the one shard holding the commune.
 */
export function firstShardPath(query) {
  if (query.postcode !== undefined) return `${DATA_DIR}/cp/${query.postcode}.json`
  const key = communeKey(query.commune)
  if (key === '') return undefined
  return `${DATA_DIR}/noms/${nameShardId(key)}.json`
}

export function communeShardPath(code) {
  return `${DATA_DIR}/commune/${code}.json`
}

export function geoTilePath(lat, lon) {
  return `${DATA_DIR}/geo/${geoTileId(lat, lon)}.json`
}

/**
 * Communes of a name-index shard matching the typed name: the exact name if there is one,
 * otherwise every name starting with it (at most `limit`).
 */
export function matchCommuneNames(nameShard, typed, limit = 30) {
  const key = communeKey(typed)
  const exact = nameShard.communes.filter((c) => c.key === key)
  if (exact.length > 0) return exact
  return nameShard.communes.filter((c) => c.key.startsWith(key)).slice(0, limit)
}

/**
 * The communes a name-index entry points at, from the shard it names: its postcode's shard (which
 * may hold neighbours sharing the postcode) or, without a postcode, its own commune shard.
 */
export function communesOfShard(shard, entry) {
  if (shard === undefined) return []
  if (shard.commune !== undefined) return [shard.commune]
  return shard.communes.filter((c) => c.code === entry.code)
}

/** Communes of a shard that the query's commune words name, or all of them when it names none. */
export function communesForQuery(communes, query) {
  if (query.commune === '') return communes
  const key = communeKey(query.commune)
  const named = communes.filter((c) => communeKey(c.name) === key || communeKey(c.name).startsWith(key))
  return named.length > 0 ? named : communes
}

/** Streets of `commune` the typed street may be: the longest name found whole in what was typed. */
export function findStreets(commune, typedStreet) {
  const typed = streetTokens(typedStreet)
  if (typed.length === 0) return []
  // A commune name typed after the street without a comma is not part of the street.
  const communeWords = streetTokens(commune.name)
  if (communeWords.length > 0 && typed.length > communeWords.length && endsWith(typed, communeWords)) {
    typed.length -= communeWords.length
  }
  const exact = commune.streets.filter((s) => s.key === typed.join(' '))
  if (exact.length > 0) return exact
  let best = []
  let bestLength = 0
  for (const street of commune.streets) {
    const words = street.key.split(' ')
    if (words.length < bestLength || !containsRun(typed, words)) continue
    if (words.length > bestLength) {
      best = []
      bestLength = words.length
    }
    best.push(street)
  }
  if (best.length > 0) return best
  // A part of the name ("Marat" for "rue Jean-Paul Marat"): every street holding all the words.
  return commune.streets.filter((s) => {
    const words = s.key.split(' ')
    return typed.every((w) => words.includes(w))
  })
}

function endsWith(words, tail) {
  const offset = words.length - tail.length
  return tail.every((w, i) => words[offset + i] === w)
}

function containsRun(words, run) {
  outer: for (let i = 0; i + run.length <= words.length; i++) {
    for (let j = 0; j < run.length; j++) if (words[i + j] !== run[j]) continue outer
    return true
  }
  return false
}

/**
 * The station(s) of a number on a street. `definite` when one station covers it; otherwise the
 * candidates with the runs that tell them apart (which side, which numbers).
 */
export function stationsOnStreet(street, number) {
  if (street.stations.length === 1) return { definite: true, stations: street.stations, runs: street.runs }
  if (number !== undefined) {
    const side = number % 2 === 1 ? SIDE_ODD : SIDE_EVEN
    const hits = street.runs.filter((r) => (r[2] === SIDE_ALL || r[2] === side) && r[0] <= number && number <= r[1])
    const stations = unique(hits.map((r) => r[3]))
    if (stations.length === 1) return { definite: true, stations, runs: hits }
    if (stations.length > 1) return { definite: false, stations, runs: hits, reason: 'number-shared' }
    // Between or beyond the known numbers: the runs either side on the same side of the street.
    const sameSide = street.runs.filter((r) => r[2] === SIDE_ALL || r[2] === side)
    const below = sameSide.filter((r) => r[1] < number).sort((a, b) => b[1] - a[1])[0]
    const above = sameSide.filter((r) => r[0] > number).sort((a, b) => a[0] - b[0])[0]
    const near = [below, above].filter((r) => r !== undefined)
    if (near.length > 0) return { definite: false, stations: unique(near.map((r) => r[3])), runs: near, reason: 'number-unknown' }
  }
  return { definite: false, stations: street.stations, runs: street.runs, reason: 'street-split' }
}

function unique(values) {
  return [...new Set(values)]
}

/**
 * Answers an address query from the communes of a shard: for each matching street, the
 * station(s). Station references are indexes into the commune's `stations`.
 */
export function lookupAddress(communes, query) {
  const answers = []
  for (const commune of communesForQuery(communes, query)) {
    if (!commune.hasAddresses) continue
    for (const street of findStreets(commune, query.street)) {
      answers.push({ commune, street, ...stationsOnStreet(street, query.number) })
    }
  }
  return answers
}

/** Even-odd ray casting on a ring of [lon, lat] pairs stored flat: [lon0, lat0, lon1, lat1, …]. */
export function pointInRing(lon, lat, ring) {
  let inside = false
  const n = ring.length / 2
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i]
    const yi = ring[2 * i + 1]
    const xj = ring[2 * j]
    const yj = ring[2 * j + 1]
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Great-circle distance in metres. */
export function distanceMetres(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180
  const dLat = (lat2 - lat1) * rad
  const dLon = (lon2 - lon1) * rad
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(a)))
}

/**
 * From a geographic tile: the bureau area containing the point (when areas exist there), and the
 * nearest polling places.
 */
export function locate(tile, lat, lon, nearestCount = 3) {
  // Even-odd over every ring of an area: a hole (or a second part) is handled the same way.
  const area = tile.areas.find((a) => a.rings.filter((ring) => pointInRing(lon, lat, ring)).length % 2 === 1)
  const nearest = tile.places
    .map((p) => ({ place: p, metres: Math.round(distanceMetres(lat, lon, p.lat, p.lon)) }))
    .sort((a, b) => a.metres - b.metres)
    .slice(0, nearestCount)
  return { area, nearest }
}

/** A run in words, as the street index and the search page show it: "impairs de 1 à 51". */
export function describeRun(run) {
  const [from, to, side] = run
  const many = side === SIDE_ALL ? 'numéros' : side === SIDE_ODD ? 'impairs' : 'pairs'
  const one = side === SIDE_ALL ? 'numéro' : side === SIDE_ODD ? 'impair' : 'pair'
  return from === to ? `${one} ${from}` : `${many} de ${from} à ${to}`
}
