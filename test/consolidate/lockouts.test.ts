// Officials' PIN lockouts from `[security]`, through the real consolidator on PGlite: each lock is
// stored once with the station its code belongs to and written once to the audit log, however
// often it is delivered; a record that is not a lockout is set aside with a warning and never
// holds up the ones behind it.
import { Writable } from 'node:stream'
import { pino } from 'pino'
import t from 'tap'
import { takeInLockoutRecords } from '../../consolidate/lockout-intake.js'
import { readRejectedMessages } from '../../consolidate/rejected-messages-repository.js'
import { verifyAudit } from '../../consolidate/desk/audit-log.js'
import type { Lockout } from '../../core/credentials.js'
import { TOPICS } from '../../core/messages.js'
import type { ConsumedRecord } from '../../infra/bus/bus.js'
import type { Db } from '../../infra/db/db.js'
import { metricValue, NOW, openHarness, produceDefinition, produceLockouts } from '../fixtures/consolidation-harness.js'
import { SMALL_ELECTION_ID, smallElection } from '../fixtures/small-election.js'

const stationLock: Lockout = {
  type: 'lockout',
  electionId: SMALL_ELECTION_ID,
  stationId: '75056-0201',
  code: '41234567',
  caller: '+33611111111',
  reason: 'station-code',
  channel: 'phone',
  attempts: 5,
  until: '2027-04-11T18:40:00.000Z',
  at: '2027-04-11T18:25:00.000Z',
}

const callerLock: Lockout = {
  type: 'lockout',
  code: '99999999',
  caller: 'web:192.0.2.7',
  reason: 'caller',
  channel: 'form',
  attempts: 20,
  until: '2027-04-11T18:41:00.000Z',
  at: '2027-04-11T18:26:00.000Z',
}

interface LockRow {
  reason: string
  subject: string
  code: string | null
  caller: string
  election_id: string | null
  station_id: string | null
  channel: string | null
  attempts: number | null
  locked_at: Date
  until_at: Date
}

async function storedLocks(db: Db) {
  const res = await db.query<LockRow>(
    `SELECT reason, subject, code, caller, election_id, station_id, channel, attempts, locked_at, until_at FROM pin_lockouts ORDER BY id`,
  )
  return res.rows.map((r) => ({ ...r, locked_at: r.locked_at.toISOString(), until_at: r.until_at.toISOString() }))
}

async function lockoutAudit(db: Db) {
  const res = await db.query<{ actor: string; event: string; detail: unknown; at: Date }>(`SELECT actor, event, detail, at FROM audit_log ORDER BY seq`)
  return res.rows
}

t.test('a lockout is stored with its station and audited, once however often it is delivered', async (t) => {
  const h = await openHarness(t)
  await produceDefinition(h.bus, smallElection())
  await produceLockouts(h.bus, [stationLock])
  await h.consolidator.caughtUp()

  const first = {
    reason: 'station-code',
    subject: '41234567',
    code: '41234567',
    caller: '+33611111111',
    election_id: SMALL_ELECTION_ID,
    station_id: '75056-0201',
    channel: 'phone',
    attempts: 5,
    locked_at: stationLock.at,
    until_at: stationLock.until,
  }
  t.same(await storedLocks(h.db), [first])
  const audit = await lockoutAudit(h.db)
  t.same(audit, [
    {
      actor: 'service:ingest',
      event: 'security.pin-lockout',
      detail: {
        reason: 'station-code',
        code: '41234567',
        electionId: SMALL_ELECTION_ID,
        stationId: '75056-0201',
        caller: '+33611111111',
        channel: 'phone',
        attempts: 5,
        lockedAt: stationLock.at,
        until: stationLock.until,
      },
      at: NOW,
    },
  ], 'who (the caller), what (the code and its station), until when')

  // Ingest retried a produce that had in fact succeeded, and a batch carries a lock twice.
  await produceLockouts(h.bus, [stationLock, callerLock, callerLock])
  await h.consolidator.caughtUp()
  const stored = await storedLocks(h.db)
  t.same(stored.map((r) => [r.reason, r.subject]), [
    ['station-code', '41234567'],
    ['caller', 'web:192.0.2.7'],
  ], 'a caller’s lock is on the caller, whatever code it tried last')
  t.match(stored[1], { code: '99999999', election_id: null, station_id: null, channel: 'form', attempts: 20 })
  t.same((await lockoutAudit(h.db)).map((e) => e.detail), [audit[0]?.detail, { reason: 'caller', code: '99999999', caller: 'web:192.0.2.7', channel: 'form', attempts: 20, lockedAt: callerLock.at, until: callerLock.until }])
  t.equal(await metricValue(h.registry, 'consolidate_lockouts_consumed_total', { outcome: 'stored' }), 2)
  t.equal(await metricValue(h.registry, 'consolidate_lockouts_consumed_total', { outcome: 'duplicate' }), 2)

  // A batch delivered again after a crash before its offsets were committed: the same records.
  const redelivered: ConsumedRecord[] = [stationLock, callerLock].map((l, i) => ({ key: l.code ?? l.caller, value: JSON.stringify(l), partition: 0, offset: String(i) }))
  const again = await h.db.transaction((tx) => takeInLockoutRecords(tx, redelivered, { topic: TOPICS.security, now: NOW }))
  t.same(again, { stored: [], duplicates: 2, unparseable: 0 })
  t.equal((await storedLocks(h.db)).length, 2, 'still two locks')
  t.equal((await lockoutAudit(h.db)).length, 2, 'still two audit entries')
  t.same(await verifyAudit(h.db), { ok: true, entries: 2 })
})

t.test('a record that is not a lockout is skipped with a warning and set aside; the next one is stored', async (t) => {
  const warnings: { msg: string; unparseable?: number }[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) warnings.push(JSON.parse(line))
      done()
    },
  })
  const h = await openHarness(t, { logger: pino({ level: 'warn' }, sink) })
  const noUntil = { ...stationLock, until: undefined }
  await h.bus.produce(TOPICS.security, [
    { key: 'x', value: 'not json at all' },
    { key: '41234567', value: JSON.stringify(noUntil) },
    { key: 'web:192.0.2.7', value: JSON.stringify(callerLock) },
  ])
  await h.consolidator.caughtUp()

  t.same((await storedLocks(h.db)).map((r) => r.subject), ['web:192.0.2.7'], 'the good record behind the bad ones is stored')
  const rejected = await readRejectedMessages(h.db, 10)
  t.match(rejected, [
    { topic: 'security', offset: '0', key: 'x', reason: /^not JSON: / },
    { topic: 'security', offset: '1', key: '41234567', reason: /^not a valid lockout: until: / },
  ])
  t.match(warnings, [{ msg: /\[security\] records that are not lockouts/, unparseable: 2 }])
  t.equal(await metricValue(h.registry, 'consolidate_lockouts_consumed_total', { outcome: 'unparseable' }), 2)
  t.same((await lockoutAudit(h.db)).map((e) => e.event), ['security.pin-lockout'], 'only the real lock is audited')

  // The topic moved on: a later lock is taken too.
  await produceLockouts(h.bus, [stationLock])
  await h.consolidator.caughtUp()
  t.equal((await storedLocks(h.db)).length, 2)
})
