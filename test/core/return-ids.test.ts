// Return ids and receipts. The expected receipts were computed outside this code base (Python's
// hashlib: first 60 bits of SHA-256, 5 bits per Crockford base32 character), not by receiptFor.
import fc from 'fast-check'
import t from 'tap'
import { canonicalJson, receiptFor, returnIdFromContent, returnIdFromKey } from '../../core/return-ids.js'

// Crockford base32 leaves out I, L, O and U so a receipt read aloud over the phone is unambiguous.
const RECEIPT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/

t.test('receiptFor matches an independent computation', async (t) => {
  // sha256("abc") starts ba7816bf8f01cfea; its first 60 bits in Crockford base32: Q9W1DFWF077Y.
  t.equal(receiptFor('abc'), 'Q9W1-DFWF-077Y')
  // sha256("") starts e3b0c44298fc1c14.
  t.equal(receiptFor(''), 'WERC-8GMR-ZGE1')
  t.equal(receiptFor('officiel-75056-0101:idem-1'), '443S-P2E3-ZN3A')
})

t.test('receiptFor is deterministic and well formed', async (t) => {
  for (const id of ['a', 'api-client:key-1', 'officiel:sha256:00ff', 'é', 'x'.repeat(200)]) {
    const r = receiptFor(id)
    t.equal(receiptFor(id), r, 'same id, same receipt')
    t.match(r, RECEIPT, `${r} is XXXX-XXXX-XXXX in Crockford base32`)
  }
})

t.test('100,000 different ids give 100,000 different receipts', async (t) => {
  const seen = new Map<string, string>()
  let collisions = 0
  let malformed = 0
  for (let i = 0; i < 100_000; i++) {
    // Neighbouring ids, the worst case for a weak hash.
    const id = returnIdFromKey(`officiel-${i % 997}`, `key-${i}`)
    const r = receiptFor(id)
    if (!RECEIPT.test(r)) malformed += 1
    if (seen.has(r)) collisions += 1
    seen.set(r, id)
  }
  t.equal(malformed, 0)
  t.equal(collisions, 0)
  t.equal(seen.size, 100_000)
})

t.test('returnIdFromKey scopes the idempotency key to its sender', async (t) => {
  t.equal(returnIdFromKey('officiel-1', 'k1'), 'officiel-1:k1')
  t.not(returnIdFromKey('officiel-1', 'k1'), returnIdFromKey('officiel-2', 'k1'))
})

t.test('returnIdFromContent: same sheet, same id, whatever the key order', async (t) => {
  const a = { stationId: 'S1', counts: { voters: 600, blank: 20, votes: { A: 300, B: 270 } } }
  const b = { counts: { votes: { B: 270, A: 300 }, blank: 20, voters: 600 }, stationId: 'S1' }
  const id = returnIdFromContent('officiel-1', a)
  t.equal(returnIdFromContent('officiel-1', b), id)
  t.match(id, /^officiel-1:sha256:[0-9a-f]{32}$/)
  t.not(returnIdFromContent('officiel-2', a), id, 'another sender is another return')
  t.not(returnIdFromContent('officiel-1', { ...a, stationId: 'S2' }), id, 'other content is another return')
  // sha256 of {"a":1,"b":{"c":2,"d":[3,{"e":4,"f":5}]}} (computed with Python), first 32 hex digits.
  t.equal(
    returnIdFromContent('x', { b: { d: [3, { f: 5, e: 4 }], c: 2 }, a: 1 }),
    'x:sha256:474b87622775a8da6a3b0fb9619e0698',
  )
})

t.test('canonicalJson sorts keys at every depth and keeps array order', async (t) => {
  t.equal(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}')
  t.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }))
  t.not(canonicalJson([1, 2]), canonicalJson([2, 1]))
  t.equal(canonicalJson('é'), '"é"')
  t.equal(canonicalJson(42), '42')
  t.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}', 'undefined drops out, as in JSON')
})

t.test('canonicalJson keeps a "__proto__" key from parsed JSON', async (t) => {
  // Without it, two different bodies would get the same content id.
  const tricky = JSON.parse('{"__proto__":{"voters":1},"a":1}') as unknown
  t.equal(canonicalJson(tricky), '{"__proto__":{"voters":1},"a":1}')
  t.not(canonicalJson(tricky), canonicalJson({ a: 1 }))
})

t.test('canonicalJson writes exactly what JSON.stringify writes of the key-sorted value', async (t) => {
  // The definition, written the slow way: a replacer that rebuilds every object with sorted keys.
  const reference = (value: unknown) =>
    JSON.stringify(value, (_key, v: unknown) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return v
      const sorted = Object.create(null) as Record<string, unknown>
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k]
      return sorted
    })
  // What reaches it: data parsed from JSON (or built from such data), where keys like "0" or "12"
  // are common (candidate numbers); plus the odd values JSON.stringify has rules for.
  const key = fc.oneof(fc.string(), fc.nat().map(String), fc.constantFrom('__proto__', '4294967294', '4294967295', '01', '-1'))
  const anything = fc.anything({ key, withNullPrototype: true, withSparseArray: true, withDate: true })
  fc.assert(
    fc.property(anything, (value) => {
      const expected = reference(value)
      if (expected === undefined) t.throws(() => canonicalJson(value))
      else if (canonicalJson(value) !== expected) throw new Error(`differs for ${expected}`)
    }),
    { numRuns: 2_000 },
  )
  t.equal(canonicalJson({ at: new Date(0), list: [undefined, () => 1, 2] }), '{"at":"1970-01-01T00:00:00.000Z","list":[null,null,2]}')
  t.equal(canonicalJson({ b: 1, 10: 1, a: 1, 2: 1, '01': 1 }), '{"2":1,"10":1,"01":1,"a":1,"b":1}', 'index keys first, numerically')
})
