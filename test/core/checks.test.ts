// The coded checks: each code fires on the case it names and stays silent on its neighbours, and
// each threshold is tested on both sides. Expected figures are worked out by hand in the comments.
import t, { type Test } from 'tap'
import { readFile } from 'node:fs/promises'
import {
  CHECKS,
  DEFAULT_THRESHOLDS,
  checkReturn,
  hasErrors,
  hasWarnings,
  type CheckContext,
  type Finding,
} from '../../core/checks.js'
import type { Candidate, Counts, Station } from '../../core/schemas.js'

const station: Station = { id: 'S1', code: '0101', name: 'École Jules-Ferry', commune: '75056', registered: 1000 }
const candidates: Candidate[] = [
  { id: 'A', ballot: 1, name: 'Alice' },
  { id: 'B', ballot: 2, name: 'Bruno' },
]
const ctx: CheckContext = { station, candidates }

/** A consistent sheet: 20 + 10 + 570 = 600 voters of 1000 registered; 300 + 270 = 570 valid. */
function clean(): Counts {
  return { registered: 1000, voters: 600, blank: 20, invalid: 10, valid: 570, votes: { A: 300, B: 270 } }
}

const sorted = (xs: readonly string[]) => [...xs].sort()
const codes = (fs: readonly Finding[]) => fs.map((f) => f.code)

/** Asserts exactly one finding, with this code, severity and (in any order) these fields. */
function assertOnly(t: Test, fs: Finding[], code: string, severity: string, fields: string[]) {
  t.strictSame(codes(fs), [code], `only ${code}`)
  const f = fs[0]
  t.ok(f)
  if (!f) return
  t.equal(f.severity, severity)
  t.strictSame(sorted(f.fields), sorted(fields))
}

t.test('a clean return gives no findings', async (t) => {
  t.strictSame(checkReturn(clean(), ctx), [])
  t.notOk(hasErrors([]))
  t.notOk(hasWarnings([]))
})

t.test('a station where nobody voted is clean (no share or turnout is computed on 0)', async (t) => {
  const empty: Counts = { registered: 1000, voters: 0, blank: 0, invalid: 0, valid: 0, votes: { A: 0, B: 0 } }
  t.strictSame(checkReturn(empty, ctx), [])
})

t.test('a station with 0 registered and 0 voters is clean, even among peers (ZZ Douchanbe 2017)', async (t) => {
  const zero: Counts = { registered: 0, voters: 0, blank: 0, invalid: 0, valid: 0, votes: { A: 0, B: 0 } }
  const fs = checkReturn(zero, { ...ctx, station: { ...station, registered: 0 }, peerTurnouts: [0.5, 0.5, 0.5, 0.5, 0.5] })
  t.strictSame(fs, [])
})

t.test('E101: a figure that is not a non-negative integer', async (t) => {
  const negative = { ...clean(), voters: -1 }
  assertOnly(t, checkReturn(negative, ctx), 'E101', 'error', ['voters'])

  // Several bad fields are reported together, candidates by their vote path; the arithmetic
  // checks are not run on top (they would only repeat the problem), nor is W206.
  const several = { ...clean(), blank: 2.5, invalid: Number.NaN, votes: { A: 300, B: -270 } }
  assertOnly(t, checkReturn(several, { ...ctx, alreadyValidated: true }), 'E101', 'error', ['blank', 'invalid', 'votes.B'])

  const infinite = { ...clean(), registered: Number.POSITIVE_INFINITY }
  assertOnly(t, checkReturn(infinite, ctx), 'E101', 'error', ['registered'])

  // Zero is a non-negative integer.
  const zeros: Counts = { registered: 1000, voters: 0, blank: 0, invalid: 0, valid: 0, votes: { A: 0, B: 0 } }
  t.notOk(codes(checkReturn(zeros, ctx)).includes('E101'))
})

t.test('E102: candidates do not add up to valid', async (t) => {
  // 300 + 269 = 569 ≠ 570 valid; blank + invalid + valid still = voters.
  const off = { ...clean(), votes: { A: 300, B: 269 } }
  const fs = checkReturn(off, ctx)
  assertOnly(t, fs, 'E102', 'error', ['valid', 'votes'])
  t.match(fs[0]?.detail, /569/)
  t.match(fs[0]?.detail, /570/)

  t.notOk(codes(checkReturn(clean(), ctx)).includes('E102'))
})

t.test('E103: blank + invalid + valid is not voters', async (t) => {
  // 20 + 10 + 570 = 600 ≠ 601 voters (601 ≤ 1000 registered, so only E103).
  const fs = checkReturn({ ...clean(), voters: 601 }, ctx)
  assertOnly(t, fs, 'E103', 'error', ['blank', 'invalid', 'valid', 'voters'])
  t.match(fs[0]?.detail, /600/)
  t.match(fs[0]?.detail, /601/)
})

t.test('E104: more voters than registered; equal is fine', async (t) => {
  // 1001 voters = 20 + 10 + 971; 971 = 500 + 471.
  const over: Counts = { registered: 1000, voters: 1001, blank: 20, invalid: 10, valid: 971, votes: { A: 500, B: 471 } }
  assertOnly(t, checkReturn(over, ctx), 'E104', 'error', ['voters', 'registered'])

  // 1000 voters = 20 + 10 + 970; 970 = 500 + 470: a 100 % turnout is allowed.
  const full: Counts = { registered: 1000, voters: 1000, blank: 20, invalid: 10, valid: 970, votes: { A: 500, B: 470 } }
  t.strictSame(checkReturn(full, ctx), [])
})

t.test('E105: votes for a candidate who does not stand', async (t) => {
  // 300 + 265 + 5 = 570: only the unknown candidate is wrong.
  const fs = checkReturn({ ...clean(), votes: { A: 300, B: 265, Z: 5 } }, ctx)
  assertOnly(t, fs, 'E105', 'error', ['votes.Z'])
  t.match(fs[0]?.detail, /Z/)
})

t.test('E106: a candidate of the contest has no figure; 0 is a figure', async (t) => {
  const fs = checkReturn({ ...clean(), votes: { A: 570 } }, ctx)
  assertOnly(t, fs, 'E106', 'error', ['votes.B'])
  t.match(fs[0]?.detail, /B/)

  t.strictSame(checkReturn({ ...clean(), votes: { A: 570, B: 0 } }, ctx), [])
})

t.test('W201: registered differs from the station reference', async (t) => {
  const fs = checkReturn({ ...clean(), registered: 999 }, ctx)
  assertOnly(t, fs, 'W201', 'warning', ['registered'])
  t.match(fs[0]?.detail, /999/)
  t.match(fs[0]?.detail, /1000/)

  t.notOk(codes(checkReturn(clean(), ctx)).includes('W201'))
})

t.test('W202: blank share above blankShareMax (default 15 %), exactly at it is fine', async (t) => {
  t.equal(DEFAULT_THRESHOLDS.blankShareMax, 0.15)
  // 90 / 600 = 15 % exactly: 90 + 10 + 500 = 600, 300 + 200 = 500.
  const at: Counts = { registered: 1000, voters: 600, blank: 90, invalid: 10, valid: 500, votes: { A: 300, B: 200 } }
  t.strictSame(checkReturn(at, ctx), [])
  // 91 / 600 = 15.17 %: 91 + 10 + 499 = 600, 300 + 199 = 499.
  const above: Counts = { registered: 1000, voters: 600, blank: 91, invalid: 10, valid: 499, votes: { A: 300, B: 199 } }
  const fs = checkReturn(above, ctx)
  assertOnly(t, fs, 'W202', 'warning', ['blank'])
  t.match(fs[0]?.detail, /15\.2 %.*15\.0 %/)

  // A custom threshold moves the line: 60 / 600 = 10 % is at a 10 % maximum, 61 / 600 above it.
  const thresholds = { ...DEFAULT_THRESHOLDS, blankShareMax: 0.1 }
  const at10: Counts = { registered: 1000, voters: 600, blank: 60, invalid: 10, valid: 530, votes: { A: 300, B: 230 } }
  const above10: Counts = { registered: 1000, voters: 600, blank: 61, invalid: 10, valid: 529, votes: { A: 300, B: 229 } }
  t.strictSame(checkReturn(at10, { ...ctx, thresholds }), [])
  t.strictSame(codes(checkReturn(above10, { ...ctx, thresholds })), ['W202'])
})

t.test('W203: invalid share above invalidShareMax (default 15 %), exactly at it is fine', async (t) => {
  t.equal(DEFAULT_THRESHOLDS.invalidShareMax, 0.15)
  // 90 / 600 = 15 %: 20 + 90 + 490 = 600, 300 + 190 = 490.
  const at: Counts = { registered: 1000, voters: 600, blank: 20, invalid: 90, valid: 490, votes: { A: 300, B: 190 } }
  t.strictSame(checkReturn(at, ctx), [])
  // 91 / 600: 20 + 91 + 489 = 600, 300 + 189 = 489.
  const above: Counts = { registered: 1000, voters: 600, blank: 20, invalid: 91, valid: 489, votes: { A: 300, B: 189 } }
  assertOnly(t, checkReturn(above, ctx), 'W203', 'warning', ['invalid'])

  const thresholds = { ...DEFAULT_THRESHOLDS, invalidShareMax: 0.1 }
  const at10: Counts = { registered: 1000, voters: 600, blank: 20, invalid: 60, valid: 520, votes: { A: 300, B: 220 } }
  const above10: Counts = { registered: 1000, voters: 600, blank: 20, invalid: 61, valid: 519, votes: { A: 300, B: 219 } }
  t.strictSame(checkReturn(at10, { ...ctx, thresholds }), [])
  t.strictSame(codes(checkReturn(above10, { ...ctx, thresholds })), ['W203'])
})

/** A consistent sheet with `voters` of 1000 registered: no blank, no invalid, all to A. */
function turnoutOf(voters: number): Counts {
  return { registered: 1000, voters, blank: 0, invalid: 0, valid: voters, votes: { A: voters, B: 0 } }
}

t.test('W204: turnout further than turnoutDeviationMax (25 points) from the peers’ median', async (t) => {
  t.equal(DEFAULT_THRESHOLDS.turnoutDeviationMax, 0.25)
  t.equal(DEFAULT_THRESHOLDS.turnoutMinPeers, 5)
  const peerTurnouts = [0.5, 0.5, 0.5, 0.5, 0.5]
  // 750 / 1000 = 75 %, 25 points above 50 %: at the threshold, fine.
  t.strictSame(checkReturn(turnoutOf(750), { ...ctx, peerTurnouts }), [])
  // 751 / 1000: 25.1 points above.
  const fs = checkReturn(turnoutOf(751), { ...ctx, peerTurnouts })
  assertOnly(t, fs, 'W204', 'warning', ['voters'])
  t.match(fs[0]?.detail, /75\.1 %.*50\.0 %.*5 peers/)
  // Below the peers works the same way: 25 % is at the threshold, 24.9 % beyond it.
  t.strictSame(checkReturn(turnoutOf(250), { ...ctx, peerTurnouts }), [])
  t.strictSame(codes(checkReturn(turnoutOf(249), { ...ctx, peerTurnouts })), ['W204'])
})

t.test('W204: needs turnoutMinPeers peers (5 by default); 4 are not enough', async (t) => {
  // 95 % against 50 % is 45 points away: flagged with 5 peers, not with 4.
  t.strictSame(checkReturn(turnoutOf(950), { ...ctx, peerTurnouts: [0.5, 0.5, 0.5, 0.5] }), [])
  t.strictSame(codes(checkReturn(turnoutOf(950), { ...ctx, peerTurnouts: [0.5, 0.5, 0.5, 0.5, 0.5] })), ['W204'])
  // Nor with no peers at all.
  t.strictSame(checkReturn(turnoutOf(950), ctx), [])

  const thresholds = { ...DEFAULT_THRESHOLDS, turnoutMinPeers: 2, turnoutDeviationMax: 0.1 }
  t.strictSame(checkReturn(turnoutOf(950), { ...ctx, thresholds, peerTurnouts: [0.5] }), [])
  t.strictSame(codes(checkReturn(turnoutOf(950), { ...ctx, thresholds, peerTurnouts: [0.5, 0.5] })), ['W204'])
  // 60 % against 50 % is the custom 10 points, not beyond them; 61 % is beyond.
  t.strictSame(checkReturn(turnoutOf(600), { ...ctx, thresholds, peerTurnouts: [0.5, 0.5] }), [])
  t.strictSame(codes(checkReturn(turnoutOf(610), { ...ctx, thresholds, peerTurnouts: [0.5, 0.5] })), ['W204'])
})

t.test('W204: peers are summarised by their median, so one odd peer does not move the line', async (t) => {
  // Sorted peers 0, 0, .5, .5, .5, .5: median (.5 + .5) / 2 = 50 %, mean 33.3 %. 75 % is 25 points
  // from the median (fine) but 41.7 from the mean.
  const peerTurnouts = [0.5, 0, 0.5, 0.5, 0, 0.5]
  t.strictSame(checkReturn(turnoutOf(750), { ...ctx, peerTurnouts }), [])
  // Odd count, unsorted input: median of .9, .1, .5, .6, .4 is .5; 76 % is 26 points away.
  t.strictSame(codes(checkReturn(turnoutOf(760), { ...ctx, peerTurnouts: [0.9, 0.1, 0.5, 0.6, 0.4] })), ['W204'])
  // Even count, sorted .25 .25 .5 .75 .75 1: median (.5 + .75) / 2 = .625 (mean .583). 87.5 % is
  // exactly 25 points from the median, 87.6 % beyond.
  const even = [1, 0.25, 0.75, 0.5, 0.75, 0.25]
  t.strictSame(checkReturn(turnoutOf(875), { ...ctx, peerTurnouts: even }), [])
  t.strictSame(codes(checkReturn(turnoutOf(876), { ...ctx, peerTurnouts: even })), ['W204'])
})

t.test('W205: another independent return gives different figures', async (t) => {
  // Same figures: no finding.
  t.strictSame(checkReturn(clean(), { ...ctx, otherReturns: [clean()] }), [])
  // 1 vote moved from B to A on the other sheet.
  const other = { ...clean(), votes: { A: 301, B: 269 } }
  assertOnly(t, checkReturn(clean(), { ...ctx, otherReturns: [other] }), 'W205', 'warning', ['votes.A', 'votes.B'])
  // Several disagreeing sheets give one finding; an agreeing one before them is skipped.
  const other2 = { ...clean(), blank: 21, invalid: 9 }
  const fs = checkReturn(clean(), { ...ctx, otherReturns: [clean(), other2, other] })
  assertOnly(t, fs, 'W205', 'warning', ['blank', 'invalid'])
  // A missing candidate on the other sheet and a 0 on this one are the same figure.
  t.strictSame(checkReturn({ ...clean(), votes: { A: 570, B: 0 } }, { ...ctx, otherReturns: [{ ...clean(), votes: { A: 570 } }] }), [])
})

t.test('W206: a return for a station already validated is a correction', async (t) => {
  assertOnly(t, checkReturn(clean(), { ...ctx, alreadyValidated: true }), 'W206', 'warning', [])
  t.strictSame(checkReturn(clean(), { ...ctx, alreadyValidated: false }), [])
})

t.test('errors sort before warnings', async (t) => {
  // W201 (999 registered), W206 (correction), W202 (200 / 600 blank), E102 (300 + 69 + 2 ≠ 370),
  // E105 (Z). Voters: 200 + 30 + 370 = 600, so no E103.
  const messy: Counts = { registered: 999, voters: 600, blank: 200, invalid: 30, valid: 370, votes: { A: 300, B: 69, Z: 2 } }
  const fs = checkReturn(messy, { ...ctx, alreadyValidated: true })
  t.strictSame(sorted(codes(fs)), ['E102', 'E105', 'W201', 'W202', 'W206'])
  const firstWarning = fs.findIndex((f) => f.severity === 'warning')
  t.equal(firstWarning, 2, 'both errors come first')
  t.ok(fs.slice(firstWarning).every((f) => f.severity === 'warning'))
  t.ok(hasErrors(fs))
  t.ok(hasWarnings(fs))
  t.notOk(hasErrors(fs.slice(firstWarning)))
  t.notOk(hasWarnings(fs.slice(0, firstWarning)))
})

t.test('the catalogue: codes match keys, severity matches the prefix, fr and en for every code', async (t) => {
  const expected = ['E101', 'E102', 'E103', 'E104', 'E105', 'E106', 'W201', 'W202', 'W203', 'W204', 'W205', 'W206']
  t.strictSame(Object.keys(CHECKS).sort(), expected)
  const titles = new Set<string>()
  for (const [key, def] of Object.entries(CHECKS)) {
    t.equal(def.code, key, `${key} code`)
    t.equal(def.severity, key.startsWith('E') ? 'error' : 'warning', `${key} severity`)
    t.match(def.title, /^[a-z]+(-[a-z]+)*$/, `${key} title is a slug`)
    titles.add(def.title)
    for (const lang of ['fr', 'en'] as const) {
      t.ok(def[lang].length > 10, `${key} ${lang} sentence`)
      t.match(def[lang], /^[A-ZÀ-Ý].*\.$/, `${key} ${lang} is a sentence`)
    }
    t.not(def.fr, def.en, `${key} fr is translated`)
  }
  t.equal(titles.size, expected.length, 'titles are unique')
})

t.test('docs/checks.md lists every code with its severity and both sentences', async (t) => {
  const doc = await readFile(new URL('../../docs/checks.md', import.meta.url), 'utf8')
  for (const def of Object.values(CHECKS)) {
    const row = doc.split('\n').find((line) => line.startsWith(`| ${def.code} `))
    t.ok(row, `${def.code} has a table row`)
    if (!row) continue
    t.ok(row.includes(def.severity), `${def.code} severity`)
    t.ok(row.includes(def.fr), `${def.code} French sentence`)
    t.ok(row.includes(def.en), `${def.code} English sentence`)
  }
})
