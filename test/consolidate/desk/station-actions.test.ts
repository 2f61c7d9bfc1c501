// The desk's actions on a station, on the real consolidator's database (PGlite): each one and each
// refusal, what it writes (station row, outbox → [results], audit entry) and what it leaves alone.
import t from 'tap'
import { stationResultKey } from '../../../core/messages.js'
import type { Counts } from '../../../core/schemas.js'
import { verifyAudit } from '../../../consolidate/desk/audit-log.js'
import {
  approveCorrection,
  discardCorrection,
  enterCorrection,
  rejectReturn,
  STALE_PAGE,
  stationStamp,
  validateReturn,
  withdrawResult,
  type DeskActor,
} from '../../../consolidate/desk/station-actions.js'
import { readCorrections } from '../../../consolidate/desk/station-repository.js'
import { readStationResults } from '../../../consolidate/station-results-repository.js'
import type { StationResultRow } from '../../../consolidate/station-result-row.js'
import type { Db } from '../../../infra/db/db.js'
import type { StationRef } from '../../../consolidate/returns-repository.js'
import { outcomeOf, produceReturns, smallReturn, stationState } from '../../fixtures/consolidation-harness.js'
import { openConflictScene, resultsOf } from '../../fixtures/desk-station.js'

const NOW = new Date('2027-04-11T19:05:00.000Z')
const olivier: DeskActor = { username: 'olivier', role: 'operator' }
const alice: DeskActor = { username: 'alice', role: 'supervisor' }
const bruno: DeskActor = { username: 'bruno', role: 'supervisor' }

async function rowOf(db: Db, ref: StationRef): Promise<StationResultRow> {
  const row = (await readStationResults(db, [ref], { lock: false })).get(stationResultKey(ref.electionId, ref.contestId, ref.stationId))
  if (row === undefined) throw new Error('no station row')
  return row
}

async function auditEvents(db: Db): Promise<{ actor: string; event: string; detail: Record<string, unknown> }[]> {
  const res = await db.query<{ actor: string; event: string; detail: Record<string, unknown> }>(`SELECT actor, event, detail FROM audit_log ORDER BY seq`)
  return res.rows
}

t.test('validating one of two disagreeing returns: stale page refused, then emitted as version 1 and audited', async (t) => {
  const s = await openConflictScene(t)
  t.same(await stationState(s.h.db, s.station.id), { state: 'conflict', version: 0 })
  const before = await rowOf(s.h.db, s.ref)

  const stale = await validateReturn(s.h.db, { ref: s.ref, returnId: s.upload.returnId, stamp: 'received.0.upload', acknowledgeWarnings: true }, olivier, NOW)
  t.same(stale, { ok: false, status: 409, problem: STALE_PAGE }, 'a page rendered before the station changed is refused')

  const done = await validateReturn(s.h.db, { ref: s.ref, returnId: s.upload.returnId, stamp: stationStamp(before), acknowledgeWarnings: true }, olivier, NOW)
  t.equal(done.ok, true)
  const after = await rowOf(s.h.db, s.ref)
  t.equal(after.state, 'validated')
  t.equal(after.version, 1)
  t.same(after.counts, s.upload.counts, 'the chosen return’s figures')
  t.equal(after.validatedReturnId, s.upload.returnId)
  const results = await resultsOf(s.h, s.station.id)
  t.same(results.map((r) => [r.version, r.status, r.counts]), [[1, 'validated', s.upload.counts]], '[results] carries the chosen figures')
  t.same((await stationState(s.h.db, s.station.id))?.state, 'published', 'and the relay marked it published')
  const audit = await auditEvents(s.h.db)
  t.same(audit.map((e) => [e.actor, e.event]), [['olivier', 'desk.return-validated']], 'one entry, the refusal wrote nothing')
  t.match(audit[0]?.detail, { electionId: s.ref.electionId, contestId: s.ref.contestId, stationId: s.station.id, returnId: s.upload.returnId, version: 1 })

  const again = await validateReturn(s.h.db, { ref: s.ref, returnId: s.phone.returnId, stamp: stationStamp(await rowOf(s.h.db, s.ref)), acknowledgeWarnings: true }, olivier, NOW)
  t.match(again, { ok: false, status: 409, problem: /ne peut pas être validée : le bureau est « publié »/ }, 'a published station is corrected, not validated again')
})

t.test('warnings need the acknowledgement; errors cannot be validated', async (t) => {
  const s = await openConflictScene(t)
  const stamp = stationStamp(await rowOf(s.h.db, s.ref))
  // The phone return disagrees with the upload: W205 is on it.
  const unacknowledged = await validateReturn(s.h.db, { ref: s.ref, returnId: s.phone.returnId, stamp, acknowledgeWarnings: false }, olivier, NOW)
  t.match(unacknowledged, { ok: false, status: 422, problem: /avertissements \(W205\) : cochez « J’ai pris connaissance des avertissements »/ })

  // A third return whose candidates do not add up: E102.
  const wrong: Counts = { ...s.upload.counts, votes: { ...s.upload.counts.votes, LEROY: (s.upload.counts.votes.LEROY ?? 0) + 1 } }
  await produceReturns(s.h.bus, [smallReturn(s.station.id, wrong, { returnId: 'csv-wrong', channel: 'csv', submittedBy: 'town-hall' })])
  await s.h.consolidator.caughtUp()
  const withErrors = await validateReturn(s.h.db, { ref: s.ref, returnId: 'csv-wrong', stamp: stationStamp(await rowOf(s.h.db, s.ref)), acknowledgeWarnings: true }, olivier, NOW)
  t.match(withErrors, { ok: false, status: 422, problem: /comporte des erreurs \(E102\) : elle ne peut pas être validée/ })

  const acknowledged = await validateReturn(s.h.db, { ref: s.ref, returnId: s.phone.returnId, stamp: stationStamp(await rowOf(s.h.db, s.ref)), acknowledgeWarnings: true }, olivier, NOW)
  t.equal(acknowledged.ok, true)
  t.same((await auditEvents(s.h.db))[0]?.detail.acknowledgedWarnings, ['W205'], 'the acknowledged codes are in the audit entry')
  t.same((await resultsOf(s.h, s.station.id)).map((r) => r.counts), [s.phone.counts])
})

t.test('rejecting a return: reason kept, station back to awaiting, the rejected return no longer counts', async (t) => {
  const s = await openConflictScene(t)
  const done = await rejectReturn(s.h.db, { ref: s.ref, returnId: s.phone.returnId, stamp: stationStamp(await rowOf(s.h.db, s.ref)), reason: 'touches inversées' }, olivier, NOW)
  t.equal(done.ok, true)
  t.same(await stationState(s.h.db, s.station.id), { state: 'awaiting', version: 0 })
  t.match(await outcomeOf(s.h.db, s.phone.returnId), { status: 'rejected', reason: 'desk: rejected by olivier: touches inversées' })
  t.same((await auditEvents(s.h.db)).map((e) => [e.event, e.detail.reason]), [['desk.return-rejected', 'touches inversées']])

  const twice = await rejectReturn(s.h.db, { ref: s.ref, returnId: s.phone.returnId, stamp: stationStamp(await rowOf(s.h.db, s.ref)), reason: 'encore' }, olivier, NOW)
  t.match(twice, { ok: false, status: 409, problem: /déjà été écartée/ })

  // A second official confirms the upload: under `double` it agrees with the upload and nothing
  // disagrees any more (the rejected phone return is out), so the station validates by itself.
  await produceReturns(s.h.bus, [smallReturn(s.station.id, s.upload.counts, { returnId: 'api-confirm', channel: 'api', submittedBy: 'second-official' })])
  await s.h.consolidator.caughtUp()
  t.same(await stationState(s.h.db, s.station.id), { state: 'published', version: 1 })
})

t.test('a correction takes effect only when a different supervisor approves it', async (t) => {
  const s = await openConflictScene(t)
  const corrected: Counts = { ...s.upload.counts, votes: { ...s.upload.counts.votes, MARTIN: (s.upload.counts.votes.MARTIN ?? 0) - 1, LEROY: (s.upload.counts.votes.LEROY ?? 0) + 1 } }

  const broken = await enterCorrection(s.h.db, { ref: s.ref, counts: { ...corrected, valid: corrected.valid + 1 }, reason: 'faute' }, alice, NOW)
  t.match(broken, { ok: false, status: 422, problem: /E102 : La somme des voix des candidats n’est pas égale/ }, 'figures with errors are not stored')
  t.same(await readCorrections(s.h.db, s.ref), [])

  const entered = await enterCorrection(s.h.db, { ref: s.ref, counts: corrected, reason: 'procès-verbal relu' }, alice, NOW)
  t.match(entered, { ok: true, message: /Correction n° 1 enregistrée/ })
  t.same(await stationState(s.h.db, s.station.id), { state: 'conflict', version: 0 }, 'a pending correction changes nothing')
  const [pending] = await readCorrections(s.h.db, s.ref)
  t.match(pending, { id: 1, status: 'pending', enteredBy: 'alice', baseVersion: 0, counts: corrected })

  t.match(await approveCorrection(s.h.db, { ref: s.ref, correctionId: 1 }, alice, NOW), {
    ok: false,
    status: 403,
    problem: 'Vous avez saisi cette correction : un autre superviseur doit l’approuver (règle des quatre yeux).',
  })
  t.match(await approveCorrection(s.h.db, { ref: s.ref, correctionId: 1 }, olivier, NOW), { ok: false, status: 403, problem: 'Seul un superviseur peut approuver une correction.' })
  t.match(await approveCorrection(s.h.db, { ref: s.ref, correctionId: 99 }, bruno, NOW), { ok: false, status: 404 })
  t.equal((await readCorrections(s.h.db, s.ref))[0]?.status, 'pending', 'still pending after the refusals')

  const approved = await approveCorrection(s.h.db, { ref: s.ref, correctionId: 1 }, bruno, NOW)
  t.match(approved, { ok: true, message: /version 1 du résultat/ })
  t.match((await readCorrections(s.h.db, s.ref))[0], { status: 'approved', decidedBy: 'bruno', emittedVersion: 1 })
  const results = await resultsOf(s.h, s.station.id)
  t.same(results.map((r) => [r.version, r.status, r.counts, r.reason]), [[1, 'validated', corrected, 'desk correction 1 by alice, approved by bruno: procès-verbal relu']])
  t.match(await approveCorrection(s.h.db, { ref: s.ref, correctionId: 1 }, bruno, NOW), { ok: false, status: 409, problem: /déjà été approuvée par bruno/ })

  const audit = await auditEvents(s.h.db)
  t.same(audit.map((e) => [e.actor, e.event]), [
    ['alice', 'desk.correction-entered'],
    ['alice', 'desk.action-refused'],
    ['olivier', 'desk.action-refused'],
    ['bruno', 'desk.correction-approved'],
  ], 'the four-eyes refusals are recorded, the other refusals are not')
  t.same(await verifyAudit(s.h.db), { ok: true, entries: 4 })
})

t.test('a correction entered on an older version cannot be approved; a pending one can be discarded', async (t) => {
  const s = await openConflictScene(t)
  t.equal((await enterCorrection(s.h.db, { ref: s.ref, counts: s.phone.counts, reason: 'r1' }, olivier, NOW)).ok, true)
  t.equal((await enterCorrection(s.h.db, { ref: s.ref, counts: s.phone.counts, reason: 'r2' }, olivier, NOW)).ok, true)
  t.equal((await validateReturn(s.h.db, { ref: s.ref, returnId: s.upload.returnId, stamp: stationStamp(await rowOf(s.h.db, s.ref)), acknowledgeWarnings: true }, olivier, NOW)).ok, true)
  t.match(await approveCorrection(s.h.db, { ref: s.ref, correctionId: 1 }, bruno, NOW), {
    ok: false,
    status: 409,
    problem: /a changé depuis la saisie de cette correction \(version 1, saisie sur la version 0\)/,
  })
  t.match(await discardCorrection(s.h.db, { ref: s.ref, correctionId: 1 }, { username: 'other', role: 'operator' }, NOW), { ok: false, status: 403 })
  t.equal((await discardCorrection(s.h.db, { ref: s.ref, correctionId: 1 }, olivier, NOW)).ok, true, 'its author discards it')
  t.equal((await discardCorrection(s.h.db, { ref: s.ref, correctionId: 2 }, bruno, NOW)).ok, true, 'a supervisor too')
  t.same((await readCorrections(s.h.db, s.ref)).map((c) => [c.status, c.decidedBy]), [['discarded', 'olivier'], ['discarded', 'bruno']])
})

t.test('withdrawing a published result: supervisors only, emits a withdrawn version, the next return is a correction', async (t) => {
  const s = await openConflictScene(t)
  t.match(await withdrawResult(s.h.db, { ref: s.ref, stamp: stationStamp(await rowOf(s.h.db, s.ref)), reason: 'x' }, alice, NOW), {
    ok: false,
    status: 409,
    problem: /pas de résultat validé à retirer : le bureau est « en conflit »/,
  })
  t.equal((await validateReturn(s.h.db, { ref: s.ref, returnId: s.upload.returnId, stamp: stationStamp(await rowOf(s.h.db, s.ref)), acknowledgeWarnings: true }, olivier, NOW)).ok, true)
  await resultsOf(s.h, s.station.id)
  const published = await rowOf(s.h.db, s.ref)
  t.equal(published.state, 'published')

  t.match(await withdrawResult(s.h.db, { ref: s.ref, stamp: stationStamp(published), reason: 'urne contestée' }, olivier, NOW), { ok: false, status: 403 })
  t.same(await withdrawResult(s.h.db, { ref: s.ref, stamp: 'validated.1.x', reason: 'urne contestée' }, alice, NOW), { ok: false, status: 409, problem: STALE_PAGE })
  t.equal((await withdrawResult(s.h.db, { ref: s.ref, stamp: stationStamp(published), reason: 'urne contestée' }, alice, NOW)).ok, true)
  const withdrawn = await rowOf(s.h.db, s.ref)
  t.match(withdrawn, { state: 'awaiting', version: 2, counts: undefined, turnout: undefined, validatedReturnId: undefined })
  const results = await resultsOf(s.h, s.station.id)
  t.same(results.map((r) => [r.version, r.status, r.reason]), [[1, 'validated', undefined], [2, 'withdrawn', 'urne contestée']])
  t.same(await stationState(s.h.db, s.station.id), { state: 'awaiting', version: 2 }, 'relaying a withdrawal publishes nothing')

  await produceReturns(s.h.bus, [smallReturn(s.station.id, s.upload.counts, { returnId: 'after-withdrawal', channel: 'api', submittedBy: 'someone' })])
  await s.h.consolidator.caughtUp()
  t.match(await outcomeOf(s.h.db, 'after-withdrawal'), { status: 'checked', state_after: 'needs-review' }, 'a return after a withdrawal needs a person')
  t.same(results[1]?.history?.map((v) => [v.version, v.status, v.counts]), [[1, 'validated', s.upload.counts]], 'the withdrawal carries the version it takes down')

  // [results] is compacted: each new version carries every earlier one, for the public corrections log.
  t.equal((await validateReturn(s.h.db, { ref: s.ref, returnId: 'after-withdrawal', stamp: stationStamp(await rowOf(s.h.db, s.ref)), acknowledgeWarnings: true }, alice, NOW)).ok, true)
  const republished = (await resultsOf(s.h, s.station.id)).at(-1)
  t.match(republished, { version: 3, status: 'validated', counts: s.upload.counts })
  t.same(
    republished?.history?.map((v) => [v.version, v.status, v.reason]),
    [[1, 'validated', undefined], [2, 'withdrawn', 'urne contestée']],
    'version 3 carries versions 1 and 2, oldest first',
  )
})
