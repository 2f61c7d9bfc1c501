import t from 'tap'
import { sharePercent, addCountsInto, emptyCounts, formatShareFr, differingFields } from '../../core/counts.js'

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
