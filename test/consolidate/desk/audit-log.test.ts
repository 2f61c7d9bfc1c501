// The audit log on PGlite: entries chain, concurrent writers take turns, the database refuses
// UPDATE, DELETE and TRUNCATE, and an entry changed, removed or forged behind the trigger's back
// (as the superuser PGlite runs as) is named by verifyAudit, as `elections audit verify` prints it.
import t from 'tap'
import type { Test } from 'tap'
import { createHash } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { appendAudit, auditHash, GENESIS_HASH, verifyAudit } from '../../../consolidate/desk/audit-log.js'
import type { Db } from '../../../infra/db/db.js'
import { migrate } from '../../../infra/db/migrate.js'
import { openPgliteDb } from '../../../infra/db/pglite-db.js'
import { auditVerify } from '../../../bin/users.js'

const AT = new Date('2027-04-11T19:00:00.123Z')

async function migratedDb(t: Test): Promise<Db> {
  const db = await openPgliteDb()
  t.teardown(() => db.close())
  await migrate(db)
  return db
}

async function appendSome(db: Db, n: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await appendAudit(db, { actor: `user${i}`, event: 'desk.login', detail: { address: '127.0.0.1', attempt: i, nested: { b: [1, 'two'], a: null } } }, new Date(AT.getTime() + i * 1000))
  }
}

async function verifyOutput(db: Db): Promise<{ code: number; text: string }> {
  const out = new PassThrough()
  const code = await auditVerify(db, out)
  out.end()
  return { code, text: String(out.read() ?? '') }
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'not refused',
    (err: Error) => err.message,
  )
}

t.test('entries chain: each hash covers the entry and the previous hash, in canonical JSON', async (t) => {
  const db = await migratedDb(t)
  t.same(await verifyAudit(db), { ok: true, entries: 0 }, 'an empty log holds')
  const first = await appendAudit(db, { actor: 'alice', event: 'desk.login', detail: { z: 1, a: { y: 'é', b: [true, null] } } }, AT)
  const second = await appendAudit(db, { actor: 'alice', event: 'desk.logout', detail: {} }, AT)
  t.equal(first.seq, 1)
  t.equal(first.prevHash, GENESIS_HASH)
  t.equal(second.prevHash, first.hash)
  const canonical = '[1,"2027-04-11T19:00:00.123Z","alice","desk.login",{"a":{"b":[true,null],"y":"é"},"z":1},"' + GENESIS_HASH + '"]'
  t.equal(first.hash, createHash('sha256').update(canonical).digest('hex'), 'the documented serialization, so another tool can check the chain')
  const rows = await db.query<{ seq: number; prev_hash: string; hash: string }>('SELECT seq, prev_hash, hash FROM audit_log ORDER BY seq')
  t.same(rows.rows, [
    { seq: 1, prev_hash: GENESIS_HASH, hash: first.hash },
    { seq: 2, prev_hash: first.hash, hash: second.hash },
  ])
  t.same(await verifyOutput(db), { code: 0, text: 'audit log: 2 entries, chain intact\n' })
})

t.test('concurrent writers chain one after the other', async (t) => {
  const db = await migratedDb(t)
  await Promise.all(
    Array.from({ length: 12 }, (_, i) => appendAudit(db, { actor: `writer${i}`, event: 'desk.login', detail: { i } }, AT)),
  )
  t.same(await verifyAudit(db), { ok: true, entries: 12 })
  const seqs = (await db.query<{ seq: number }>('SELECT seq FROM audit_log ORDER BY seq')).rows.map((r) => r.seq)
  t.same(seqs, Array.from({ length: 12 }, (_, i) => i + 1))
})

t.test('the database refuses UPDATE, DELETE and TRUNCATE, and a fork', async (t) => {
  const db = await migratedDb(t)
  await appendSome(db, 3)
  t.match(await refusal(db.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 2`)), 'audit_log is append-only: UPDATE refused')
  t.match(await refusal(db.query('DELETE FROM audit_log WHERE seq = 3')), 'audit_log is append-only: DELETE refused')
  t.match(await refusal(db.query('TRUNCATE audit_log')), 'audit_log is append-only: TRUNCATE refused')
  t.match(await refusal(db.query('DELETE FROM audit_log WHERE false')), 'DELETE refused', 'even a statement that would touch no row')
  const [, second] = (await db.query<{ prev_hash: string }>('SELECT prev_hash FROM audit_log ORDER BY seq')).rows
  const fork = { seq: 99, at: AT, actor: 'mallory', event: 'desk.login', detail: {}, prevHash: second?.prev_hash ?? '' }
  t.match(
    await refusal(
      db.query(`INSERT INTO audit_log (seq, at, actor, event, detail, prev_hash, hash) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, '{}', $5, $6)`, [
        fork.seq, fork.at, fork.actor, fork.event, fork.prevHash, auditHash(fork),
      ]),
    ),
    /duplicate key value violates unique constraint "audit_log_prev_hash_key"/,
    'a second entry after the same one is refused',
  )
  t.same(await verifyAudit(db), { ok: true, entries: 3 }, 'the log is as it was')
})

t.test('verify names the first entry changed behind the trigger\'s back', async (t) => {
  const db = await migratedDb(t)
  await appendSome(db, 5)
  await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only')
  await db.query(`UPDATE audit_log SET detail = jsonb_set(detail, '{address}', '"10.0.0.66"') WHERE seq = 3`)
  await db.query(`UPDATE audit_log SET actor = 'mallory' WHERE seq = 4`)
  const result = await verifyAudit(db)
  t.same(result, { ok: false, entries: 2, seq: 3, reason: 'its content does not match its hash: the entry was changed' })
  t.same(await verifyOutput(db), {
    code: 1,
    text: 'audit log: broken at seq 3: its content does not match its hash: the entry was changed (the 2 entries before it hold)\n',
  })
})

t.test('verify names the entry after one removed, even when the forger rehashed the rest', async (t) => {
  const db = await migratedDb(t)
  await appendSome(db, 4)
  await db.exec('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only')
  await db.query('DELETE FROM audit_log WHERE seq = 2')
  t.match(await verifyAudit(db), { ok: false, entries: 1, seq: 3, reason: /prev_hash is not the hash of the entry before it/ })

  // A forger who also rewrites entry 3 to point at entry 1, with a hash that matches, still
  // cannot fix entry 4, whose prev_hash is entry 3's old hash.
  const one = (await db.query<{ hash: string }>('SELECT hash FROM audit_log WHERE seq = 1')).rows[0]?.hash ?? ''
  const three = (await db.query<{ at: Date; actor: string; event: string; detail: Record<string, never> }>('SELECT at, actor, event, detail FROM audit_log WHERE seq = 3')).rows[0]
  if (three === undefined) throw new Error('entry 3 is there')
  const rehashed = auditHash({ seq: 3, ...three, prevHash: one })
  await db.query('UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE seq = 3', [one, rehashed])
  t.match(await verifyAudit(db), { ok: false, entries: 2, seq: 4 })
})

t.test('verify names a forged entry inserted at the end', async (t) => {
  const db = await migratedDb(t)
  await appendSome(db, 2)
  const forged = { seq: 3, at: AT, actor: 'mallory', event: 'user.added', detail: { username: 'mallory' }, prevHash: 'f'.repeat(64) }
  await db.query(
    `INSERT INTO audit_log (seq, at, actor, event, detail, prev_hash, hash) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [forged.seq, forged.at, forged.actor, forged.event, JSON.stringify(forged.detail), forged.prevHash, auditHash(forged)],
  )
  t.match(await verifyAudit(db), { ok: false, entries: 2, seq: 3, reason: /prev_hash/ })
})
