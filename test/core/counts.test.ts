import t from 'tap'
import fc from 'fast-check'
import {
  sharePercent,
  addCountsInto,
  subtractCountsInto,
  sumCounts,
  candidateVotesTotal,
  countsEqual,
  emptyCounts,
  formatShareFr,
  formatShareEn,
  formatCountFr,
  differingFields,
} from '../../core/counts.js'

t.test('sharePercent rounds half up to two decimals, in integers', async (t) => {
  // 8,656,346 / 36,054,394 = 24.00898… % → 24.01 %: the Ministry's figure for Macron, 2017 round 1.
  t.equal(sharePercent(8_656_346, 36_054_394), 24.01)
  t.equal(sharePercent(1, 8), 12.5)
  // 1/40000 = 0.0025 % → 0.00; 3/40000 = 0.0075 % → 0.01 (half up).
  t.equal(sharePercent(1, 40_000), 0)
  t.equal(sharePercent(3, 40_000), 0.01)
  // exactly half a hundredth: 1/80 = 1.25 %, 1/160 = 0.625 % → 0.63
  t.equal(sharePercent(1, 160), 0.63)
  t.equal(sharePercent(5, 0), 0)
  t.equal(formatShareFr(24.01), '24,01\u00a0%')
})

t.test('addCountsInto sums every field and candidate', async (t) => {
  const total = emptyCounts()
  addCountsInto(total, { registered: 10, voters: 8, blank: 1, invalid: 1, valid: 6, votes: { A: 4, B: 2 } })
  addCountsInto(total, { registered: 5, voters: 5, blank: 0, invalid: 0, valid: 5, votes: { B: 5 } })
  t.same(total, { registered: 15, voters: 13, blank: 1, invalid: 1, valid: 11, votes: { A: 4, B: 7 } })
  t.same(differingFields(total, { ...total, voters: 12, votes: { A: 4, B: 6 } }), ['voters', 'votes.B'])
})

t.test('sharePercent gives the Ministry’s printed shares for 2017 (../shared/data/README.txt)', async (t) => {
  // Round 1, of 36,054,394 valid votes.
  t.equal(sharePercent(7_678_491, 36_054_394), 21.3, 'Le Pen 21.30 %')
  t.equal(sharePercent(7_212_995, 36_054_394), 20.01, 'Fillon 20.01 %')
  t.equal(sharePercent(7_059_951, 36_054_394), 19.58, 'Mélenchon 19.58 %')
  // Round 2, of 31,381,603 valid votes: 66.10 % and 33.90 %, which add up to 100.
  t.equal(sharePercent(20_743_128, 31_381_603), 66.1)
  t.equal(sharePercent(10_638_475, 31_381_603), 33.9)
  t.equal(sharePercent(31_381_603, 31_381_603), 100)
  t.equal(sharePercent(0, 31_381_603), 0)
})

t.test('sharePercent is within half a hundredth of the exact share, and monotonic', async (t) => {
  const property = fc.property(
    fc.integer({ min: 1, max: 50_000_000 }),
    fc.integer({ min: 0, max: 50_000_000 }),
    (whole, raw) => {
      const part = raw % (whole + 1)
      const share = sharePercent(part, whole)
      const exact = (100 * part) / whole
      // Two decimals exactly: 100 × share is a whole number (up to float noise).
      const hundredths = share * 100
      return (
        Math.abs(share - exact) <= 0.005 + 1e-9 &&
        Math.abs(hundredths - Math.round(hundredths)) < 1e-6 &&
        (part === whole || sharePercent(part + 1, whole) >= share)
      )
    },
  )
  t.doesNotThrow(() => fc.assert(property, { numRuns: 2_000 }))
})

t.test('formatting: French and English shares, French thousands', async (t) => {
  t.equal(formatShareFr(0.5), '0,50\u00a0%')
  t.equal(formatShareFr(100), '100,00\u00a0%')
  t.equal(formatShareEn(24.01), '24.01%')
  t.equal(formatShareEn(7), '7.00%')
  // 47,582,183 registered in 2017: narrow no-break spaces between groups of three.
  t.equal(formatCountFr(47_582_183), '47\u202f582\u202f183')
  t.equal(formatCountFr(1000), '1\u202f000')
  t.equal(formatCountFr(999), '999')
  t.equal(formatCountFr(0), '0')
})

t.test('subtractCountsInto undoes addCountsInto (a correction replaces a station in an area total)', async (t) => {
  const area = { registered: 2000, voters: 1500, blank: 30, invalid: 20, valid: 1450, votes: { A: 800, B: 650 } }
  const old = { registered: 1000, voters: 700, blank: 10, invalid: 10, valid: 680, votes: { A: 400, B: 280 } }
  const corrected = { registered: 1000, voters: 710, blank: 10, invalid: 10, valid: 690, votes: { A: 405, B: 280, C: 5 } }
  subtractCountsInto(area, old)
  addCountsInto(area, corrected)
  // By hand: voters 1500 − 700 + 710 = 1510; A 800 − 400 + 405 = 805; C 0 + 5.
  t.strictSame(area, { registered: 2000, voters: 1510, blank: 30, invalid: 20, valid: 1460, votes: { A: 805, B: 650, C: 5 } })
  const sum = { ...emptyCounts(), votes: {} }
  addCountsInto(sum, corrected)
  subtractCountsInto(sum, corrected)
  t.ok(countsEqual(sum, emptyCounts()), 'zeroed votes equal no votes')
})

t.test('sumCounts, candidateVotesTotal', async (t) => {
  const a = { registered: 10, voters: 8, blank: 1, invalid: 1, valid: 6, votes: { A: 4, B: 2 } }
  const b = { registered: 5, voters: 5, blank: 0, invalid: 0, valid: 5, votes: { C: 5 } }
  t.strictSame(sumCounts([a, b, a]), { registered: 25, voters: 21, blank: 2, invalid: 2, valid: 17, votes: { A: 8, B: 4, C: 5 } })
  t.strictSame(sumCounts([]), emptyCounts())
  t.equal(candidateVotesTotal(a), 6)
  t.equal(candidateVotesTotal(emptyCounts()), 0)
  t.same(a.votes, { A: 4, B: 2 }, 'inputs are not modified')
})

t.test('countsEqual and differingFields treat a missing candidate as 0', async (t) => {
  const a = { registered: 10, voters: 8, blank: 1, invalid: 1, valid: 6, votes: { A: 6, B: 0 } }
  const b = { registered: 10, voters: 8, blank: 1, invalid: 1, valid: 6, votes: { A: 6 } }
  t.ok(countsEqual(a, b))
  t.ok(countsEqual(b, a))
  t.strictSame(differingFields(a, b), [])
  t.notOk(countsEqual(a, { ...a, registered: 11 }))
  t.notOk(countsEqual(a, { ...a, votes: { A: 5, B: 1 } }))
  // Fields in a fixed order: base fields first, then candidates sorted by id.
  t.strictSame(differingFields(a, { registered: 9, voters: 8, blank: 2, invalid: 0, valid: 6, votes: { Z: 1, A: 5 } }), [
    'registered', 'blank', 'invalid', 'votes.A', 'votes.Z',
  ])
})
