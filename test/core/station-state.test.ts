// The station-result state machine under each policy. The expected tables are written out by hand
// from DESIGN.md's policies (auto: one clean return validates; double: two agreeing independent
// returns; manual: the desk validates all) so a change of behaviour shows up as a table diff.
import t, { type Test } from 'tap'
import { readFile } from 'node:fs/promises'
import { transition, type StationEvent } from '../../core/station-state.js'
import type { Finding } from '../../core/checks.js'
import type { StationResultState, ValidationPolicy } from '../../core/schemas.js'

const STATES: StationResultState[] = ['awaiting', 'received', 'validated', 'needs-review', 'conflict', 'published']
const MODES = ['auto', 'double', 'manual'] as const
const POLICIES: ValidationPolicy[] = MODES.flatMap((mode) => [
  { mode, autoAcknowledgeWarnings: false },
  { mode, autoAcknowledgeWarnings: true },
])
const name = (p: ValidationPolicy) => `${p.mode}${p.autoAcknowledgeWarnings ? '+ack' : ''}`

const error: Finding = { code: 'E102', severity: 'error', fields: ['valid', 'votes'] }
const warning: Finding = { code: 'W202', severity: 'warning', fields: ['blank'] }
const correction: Finding = { code: 'W206', severity: 'warning', fields: [] }

function received(findings: Finding[], agreeingIndependent = 0, disagreeingIndependent = 0): StationEvent {
  return { kind: 'return-received', findings, agreeingIndependent, disagreeingIndependent }
}

/** States a new return can arrive in before any validation. */
const OPEN_STATES: StationResultState[] = ['awaiting', 'received', 'needs-review', 'conflict']

type Outcome = [state: StationResultState, emitResult: boolean]

// [policy name] → outcome, for a return in an open state.
const CLEAN_FIRST: Record<string, Outcome> = {
  auto: ['validated', true], 'auto+ack': ['validated', true],
  double: ['received', false], 'double+ack': ['received', false],
  manual: ['received', false], 'manual+ack': ['received', false],
}
const CLEAN_AGREEING: Record<string, Outcome> = {
  auto: ['validated', true], 'auto+ack': ['validated', true],
  double: ['validated', true], 'double+ack': ['validated', true],
  manual: ['received', false], 'manual+ack': ['received', false],
}
const WARNING_FIRST: Record<string, Outcome> = {
  auto: ['needs-review', false], 'auto+ack': ['validated', true],
  double: ['needs-review', false], 'double+ack': ['received', false],
  manual: ['needs-review', false], 'manual+ack': ['received', false],
}
const WARNING_AGREEING: Record<string, Outcome> = {
  auto: ['needs-review', false], 'auto+ack': ['validated', true],
  double: ['needs-review', false], 'double+ack': ['validated', true],
  manual: ['needs-review', false], 'manual+ack': ['received', false],
}

function expectOutcome(t: Test, from: StationResultState, event: StationEvent, policy: ValidationPolicy, want: Outcome) {
  t.strictSame(transition(from, event, policy), { ok: true, state: want[0], emitResult: want[1] }, `${name(policy)} from ${from}`)
}

t.test('return-received: clean, warned, agreeing and first returns under each policy', async (t) => {
  for (const policy of POLICIES) {
    for (const from of OPEN_STATES) {
      expectOutcome(t, from, received([]), policy, CLEAN_FIRST[name(policy)]!)
      expectOutcome(t, from, received([], 1), policy, CLEAN_AGREEING[name(policy)]!)
      expectOutcome(t, from, received([warning]), policy, WARNING_FIRST[name(policy)]!)
      expectOutcome(t, from, received([warning], 2), policy, WARNING_AGREEING[name(policy)]!)
    }
  }
})

t.test('return-received: an error goes to review, whatever the policy and agreement, unless it disagrees', async (t) => {
  for (const policy of POLICIES) {
    for (const from of OPEN_STATES) {
      expectOutcome(t, from, received([error]), policy, ['needs-review', false])
      expectOutcome(t, from, received([error, warning], 3), policy, ['needs-review', false])
      // A disagreement outranks an error: the two sheets must be compared, whichever came first.
      expectOutcome(t, from, received([error], 0, 1), policy, ['conflict', false])
    }
  }
})

t.test('return-received: a disagreeing independent return is a conflict, even if others agree', async (t) => {
  for (const policy of POLICIES) {
    for (const from of OPEN_STATES) {
      expectOutcome(t, from, received([], 0, 1), policy, ['conflict', false])
      expectOutcome(t, from, received([warning], 1, 1), policy, ['conflict', false])
    }
  }
})

t.test('return-received after validation is a correction: always to review, even with auto-acknowledge', async (t) => {
  for (const policy of POLICIES) {
    for (const from of ['validated', 'published'] as const) {
      expectOutcome(t, from, received([correction]), policy, ['needs-review', false])
      expectOutcome(t, from, received([correction], 1), policy, ['needs-review', false])
      // Even if the caller forgot the W206 finding, the state says it is a correction.
      expectOutcome(t, from, received([]), policy, ['needs-review', false])
      expectOutcome(t, from, received([error]), policy, ['needs-review', false])
    }
    // After a rejected correction the station is awaiting again while its old version stays
    // published; the caller still flags the next return with W206, and it goes to review.
    for (const from of OPEN_STATES) {
      expectOutcome(t, from, received([correction]), policy, ['needs-review', false])
      expectOutcome(t, from, received([correction], 1), policy, ['needs-review', false])
    }
  }
})

t.test('desk-validated: from received, needs-review and conflict; refused elsewhere', async (t) => {
  for (const policy of POLICIES) {
    for (const from of STATES) {
      const r = transition(from, { kind: 'desk-validated' }, policy)
      if (from === 'received' || from === 'needs-review' || from === 'conflict') {
        t.strictSame(r, { ok: true, state: 'validated', emitResult: true }, `${name(policy)} from ${from}`)
      } else {
        t.equal(r.ok, false, `${name(policy)} cannot validate from ${from}`)
        if (!r.ok) t.match(r.reason, from)
      }
    }
  }
})

t.test('desk-rejected: back to awaiting from received, needs-review and conflict; refused elsewhere', async (t) => {
  for (const policy of POLICIES) {
    for (const from of STATES) {
      const r = transition(from, { kind: 'desk-rejected' }, policy)
      if (from === 'received' || from === 'needs-review' || from === 'conflict') {
        t.strictSame(r, { ok: true, state: 'awaiting', emitResult: false }, `${name(policy)} from ${from}`)
      } else {
        t.equal(r.ok, false, `${name(policy)} cannot reject from ${from}`)
        if (!r.ok) t.match(r.reason, from)
      }
    }
  }
})

t.test('desk-corrected: figures approved by a second person validate from every state', async (t) => {
  for (const policy of POLICIES) {
    for (const from of STATES) {
      t.strictSame(transition(from, { kind: 'desk-corrected' }, policy), { ok: true, state: 'validated', emitResult: true }, `${name(policy)} from ${from}`)
    }
  }
})

t.test('desk-withdrawn: from validated or published back to awaiting, emitting the withdrawal; refused elsewhere', async (t) => {
  for (const policy of POLICIES) {
    for (const from of STATES) {
      const r = transition(from, { kind: 'desk-withdrawn' }, policy)
      if (from === 'validated' || from === 'published') {
        t.strictSame(r, { ok: true, state: 'awaiting', emitResult: true }, `${name(policy)} from ${from}`)
      } else {
        t.equal(r.ok, false, `${name(policy)} cannot withdraw from ${from}`)
        if (!r.ok) t.match(r.reason, from)
      }
    }
  }
})

t.test('published: only from validated', async (t) => {
  for (const policy of POLICIES) {
    for (const from of STATES) {
      const r = transition(from, { kind: 'published' }, policy)
      if (from === 'validated') {
        t.strictSame(r, { ok: true, state: 'published', emitResult: false }, `${name(policy)} from ${from}`)
      } else {
        t.equal(r.ok, false, `${name(policy)} cannot publish from ${from}`)
        if (!r.ok) t.match(r.reason, from)
      }
    }
  }
})

/** Runs events from `awaiting`, returning the states visited and how many results were emitted. */
function run(policy: ValidationPolicy, events: StationEvent[]) {
  let state: StationResultState = 'awaiting'
  const visited: StationResultState[] = [state]
  let emitted = 0
  for (const e of events) {
    const r = transition(state, e, policy)
    if (!r.ok) throw new Error(r.reason)
    state = r.state
    visited.push(state)
    if (r.emitResult) emitted += 1
  }
  return { visited, emitted }
}

t.test('a night under auto: validated, published, corrected with four eyes, published again', async (t) => {
  const { visited, emitted } = run({ mode: 'auto', autoAcknowledgeWarnings: false }, [
    received([]),
    { kind: 'published' },
    received([correction]),
    { kind: 'desk-validated' },
    { kind: 'published' },
  ])
  t.strictSame(visited, ['awaiting', 'validated', 'published', 'needs-review', 'validated', 'published'])
  t.equal(emitted, 2, 'the correction is emitted as a second version')
})

t.test('a night under double: first return waits, a disagreeing one conflicts, the desk settles', async (t) => {
  const policy: ValidationPolicy = { mode: 'double', autoAcknowledgeWarnings: false }
  t.strictSame(run(policy, [received([]), received([], 1), { kind: 'published' }]), {
    visited: ['awaiting', 'received', 'validated', 'published'],
    emitted: 1,
  })
  t.strictSame(run(policy, [received([]), received([], 0, 1), { kind: 'desk-rejected' }, received([]), received([], 1)]), {
    visited: ['awaiting', 'received', 'conflict', 'awaiting', 'received', 'validated'],
    emitted: 1,
  })
})

t.test('a night under manual: nothing validates without the desk', async (t) => {
  const policy: ValidationPolicy = { mode: 'manual', autoAcknowledgeWarnings: true }
  t.strictSame(run(policy, [received([]), received([], 5), received([warning], 5), { kind: 'desk-validated' }]), {
    visited: ['awaiting', 'received', 'received', 'received', 'validated'],
    emitted: 1,
  })
})

t.test('docs/station-state.md draws exactly the arrows the machine can take', async (t) => {
  const doc = await readFile(new URL('../../docs/station-state.md', import.meta.url), 'utf8')
  const ids: Record<string, StationResultState> = { needs_review: 'needs-review' }
  const drawn = new Set<string>()
  for (const m of doc.matchAll(/^\s+(\w+) --> (\w+): /gm)) {
    const [, from = '', to = ''] = m
    drawn.add(`${ids[from] ?? from} -> ${ids[to] ?? to}`)
  }
  const events: StationEvent[] = [
    { kind: 'desk-validated' },
    { kind: 'desk-rejected' },
    { kind: 'desk-corrected' },
    { kind: 'desk-withdrawn' },
    { kind: 'published' },
  ]
  for (const findings of [[], [warning], [error], [correction]]) {
    for (const agreeing of [0, 1]) for (const disagreeing of [0, 1]) events.push(received(findings, agreeing, disagreeing))
  }
  const taken = new Set<string>()
  for (const policy of POLICIES) {
    for (const from of STATES) {
      for (const e of events) {
        const r = transition(from, e, policy)
        if (r.ok) taken.add(`${from} -> ${r.state}`)
      }
    }
  }
  t.strictSame([...drawn].sort(), [...taken].sort())
})
