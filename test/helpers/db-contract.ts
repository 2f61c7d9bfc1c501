// What every Db must do (infra/db/db.ts), written once and run on PGlite and on PostgreSQL, so the
// repositories can read rows, count changes and handle errors the same way on both engines.
// `openDb` may hand out several connections to one database: each case uses tables of its own.
// Also: a fresh PostgreSQL database for a test, dropped at its end.
import type { Test } from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { uniqueName } from './real-services.js'
import type { Db, Queryable } from '../../infra/db/db.js'
import { listMigrations, migrate } from '../../infra/db/migrate.js'

/** Long enough for the other transactions to reach their SELECT … FOR UPDATE meanwhile. */
const HOLD_LOCK_MS = 30
const CONCURRENT_TRANSACTIONS = 4

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (err: unknown) => err,
  )
}

async function count(q: Queryable, table: string): Promise<unknown> {
  // `table` is one of this file's literals, never input.
  return (await q.query<{ n: unknown }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n
}

/** Creates a database named uniqueName(prefix) through `adminUrl` (a superuser); returns its URL. */
export async function freshDatabase(t: Test, adminUrl: string, prefix: string): Promise<{ name: string; url: string }> {
  const name = uniqueName(prefix)
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`)
  t.teardown(async () => {
    // FORCE: a connection a failed test left open must not keep the database alive.
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
    await admin.end()
  })
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return { name, url: url.toString() }
}

export function dbContract(t: Test, openDb: () => Promise<Db>): void {
  const open = async (t: Test) => {
    const db = await openDb()
    t.teardown(() => db.close())
    return db
  }

  t.test('query takes parameters; affectedRows counts the rows a command changed', async (t) => {
    const db = await open(t)
    const ddl = await db.query('CREATE TABLE contract_rows (id integer PRIMARY KEY, label text NOT NULL)')
    t.equal(ddl.affectedRows, 0, 'DDL changes no row')
    const inserted = await db.query('INSERT INTO contract_rows (id, label) VALUES ($1, $2), ($3, $4)', [1, 'one', 2, "O'Brien'); DROP TABLE contract_rows; --"])
    t.equal(inserted.affectedRows, 2)
    t.same(inserted.rows, [], 'no RETURNING, no rows')
    const returning = await db.query<{ id: number }>('INSERT INTO contract_rows (id, label) VALUES ($1, $2) RETURNING id', [3, 'three'])
    t.equal(returning.affectedRows, 1)
    t.same(returning.rows, [{ id: 3 }])
    const selected = await db.query<{ id: number; label: string }>('SELECT id, label FROM contract_rows WHERE id >= $1 ORDER BY id', [2])
    t.same(selected.rows, [
      { id: 2, label: "O'Brien'); DROP TABLE contract_rows; --" },
      { id: 3, label: 'three' },
    ], 'a parameter is a value, never SQL')
    t.equal(selected.affectedRows, 0, 'a SELECT changes no row, whatever it returns')
    t.equal((await db.query('UPDATE contract_rows SET label = $2 WHERE id = ANY($1::integer[])', [[1, 2, 99], 'x'])).affectedRows, 2)
    t.equal((await db.query('DELETE FROM contract_rows WHERE id = $1', [99])).affectedRows, 0)
    t.equal((await db.query('DELETE FROM contract_rows')).affectedRows, 3)
  })

  t.test('values come back with the same JavaScript types on every engine', async (t) => {
    const db = await open(t)
    await db.exec(`CREATE TABLE contract_types (
      id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      big   bigint,
      at    timestamptz,
      doc   jsonb,
      tags  text[],
      ratio double precision,
      share numeric(6, 3),
      n     integer,
      note  text
    )`)
    const at = new Date('2017-04-23T18:00:00.123Z')
    const doc = { contest: 'pres', counts: { valid: 812, candidates: [301, 511] }, area: 'Île-de-France', none: null }
    const tags = ['a', 'b,c', 'with "quotes"', '', 'Saint-Étienne']
    const first = await db.query<{ id: unknown }>(
      `INSERT INTO contract_types (big, at, doc, tags, ratio, share, n, note)
       VALUES ($1, $2::timestamptz, $3::jsonb, $4::text[], $5, $6, $7, $8) RETURNING id`,
      [42, at, JSON.stringify(doc), tags, 0.625, '12.345', 7, 'note'],
    )
    t.equal(first.rows[0]?.id, 1, 'an identity bigint is a number')
    const second = await db.query<{ id: unknown }>('INSERT INTO contract_types (big, at, tags) VALUES ($1, $2::timestamptz, $3::text[]) RETURNING id', [
      9007199254740993n,
      at.toISOString(),
      [],
    ])
    t.equal(second.rows[0]?.id, 2, 'identities count up')
    await db.query('INSERT INTO contract_types DEFAULT VALUES')

    const rows = (await db.query<Record<string, unknown>>('SELECT * FROM contract_types ORDER BY id')).rows
    const [full, huge, empty] = rows
    t.equal(full?.big, 42, 'a bigint within 2^53 is a number')
    t.ok(full?.at instanceof Date, 'timestamptz is a Date')
    t.equal((full?.at as Date).getTime(), at.getTime(), 'to the millisecond')
    t.same(full?.doc, doc, 'jsonb is parsed')
    t.same(full?.tags, tags, 'text[] is an array of strings, quotes and commas intact')
    t.equal(full?.ratio, 0.625, 'double precision is a number')
    t.equal(full?.share, '12.345', 'numeric is a string (exact)')
    t.equal(full?.n, 7, 'integer is a number')
    t.equal(huge?.big, 9007199254740993n, 'a bigint beyond 2^53 is a bigint, exact')
    t.equal((huge?.at as Date).getTime(), at.getTime(), 'an ISO string is a timestamptz parameter too')
    t.same(huge?.tags, [], 'an empty array')
    t.same(empty, { id: 3, big: null, at: null, doc: null, tags: null, ratio: null, share: null, n: null, note: null }, 'NULL is null')

    const computed = await db.query<Record<string, unknown>>(
      `SELECT count(*) AS rows, sum(big) AS total, max(id) AS last, ARRAY[1, NULL, 2]::bigint[] AS ids,
              array_agg(ratio ORDER BY id) AS ratios FROM contract_types WHERE id < $1`,
      [3],
    )
    t.same(
      computed.rows[0],
      { rows: 2, total: '9007199254741035', last: 2, ids: [1, null, 2], ratios: [0.625, null] },
      'count(*), bigint[] and double precision[] hold numbers; sum(bigint) is numeric, a string',
    )
  })

  t.test('a transaction commits what fn did and returns its value', async (t) => {
    const db = await open(t)
    await db.exec('CREATE TABLE contract_commit (id integer PRIMARY KEY)')
    const value = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO contract_commit (id) VALUES ($1), ($2)', [1, 2])
      return 'done'
    })
    t.equal(value, 'done')
    t.equal(await count(db, 'contract_commit'), 2, 'committed')
  })

  t.test('a transaction whose fn throws is rolled back and rethrows that error', async (t) => {
    const db = await open(t)
    await db.exec('CREATE TABLE contract_rollback (id integer PRIMARY KEY)')
    const boom = new Error('boom')
    const err = await caught(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_rollback (id) VALUES ($1)', [1])
        await tx.exec('INSERT INTO contract_rollback (id) VALUES (2); INSERT INTO contract_rollback (id) VALUES (3)')
        t.equal(await count(tx, 'contract_rollback'), 3, 'fn sees its own writes')
        throw boom
      }),
    )
    t.equal(err, boom, 'the very error fn threw')
    t.equal(await count(db, 'contract_rollback'), 0, 'nothing left, scripts included')
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO contract_rollback (id) VALUES ($1)', [4])
    })
    t.equal(await count(db, 'contract_rollback'), 1, 'the next transaction works')
  })

  t.test('the tx object can be handed down, used concurrently, and not after the end', async (t) => {
    const db = await open(t)
    await db.exec('CREATE TABLE contract_nested (id integer PRIMARY KEY, label text NOT NULL)')
    const insertLabel = async (q: Queryable, id: number, label: string) => {
      await q.query('INSERT INTO contract_nested (id, label) VALUES ($1, $2)', [id, label])
    }
    let kept: Queryable | undefined
    const labels = await db.transaction(async (tx) => {
      kept = tx
      await insertLabel(tx, 1, 'one')
      await Promise.all([insertLabel(tx, 2, 'two'), insertLabel(tx, 3, 'three'), tx.exec("INSERT INTO contract_nested VALUES (4, 'four')")])
      const inner = await tx.query<{ label: string }>('SELECT label FROM contract_nested ORDER BY id')
      return inner.rows.map((r) => r.label)
    })
    t.same(labels, ['one', 'two', 'three', 'four'])
    t.equal(await count(db, 'contract_nested'), 4)
    t.ok(await caught(kept!.query('SELECT 1')), 'a tx used after its transaction ended is refused')
  })

  t.test('exec runs a script of several statements, all or nothing', async (t) => {
    const db = await open(t)
    await db.exec(`
      -- a comment, then several statements
      CREATE TABLE contract_script (id integer PRIMARY KEY, body text);
      INSERT INTO contract_script VALUES (1, 'semicolon; inside');
      INSERT INTO contract_script VALUES (2, $$dollar 'quoted'$$);
    `)
    t.same((await db.query('SELECT id, body FROM contract_script ORDER BY id')).rows, [
      { id: 1, body: 'semicolon; inside' },
      { id: 2, body: "dollar 'quoted'" },
    ])
    const err = await caught(db.exec('INSERT INTO contract_script VALUES (3, null); INSERT INTO contract_script VALUES (1, null)'))
    t.equal((err as { code?: string }).code, '23505', 'the failing statement is reported')
    t.equal(await count(db, 'contract_script'), 2, 'the statement before it was undone too')
  })

  t.test('a unique violation is an error with SQLSTATE 23505 and the constraint name', async (t) => {
    const db = await open(t)
    await db.exec('CREATE TABLE contract_unique (id integer PRIMARY KEY, code text CONSTRAINT contract_unique_code UNIQUE)')
    await db.query('INSERT INTO contract_unique VALUES ($1, $2)', [1, 'a'])
    const direct = (await caught(db.query('INSERT INTO contract_unique VALUES ($1, $2)', [2, 'a']))) as { code?: string; constraint?: string }
    t.ok(direct instanceof Error, 'an Error')
    t.equal(direct.code, '23505')
    t.equal(direct.constraint, 'contract_unique_code')
    const inTx = (await caught(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO contract_unique VALUES ($1, $2)', [3, 'b'])
        await tx.query('INSERT INTO contract_unique VALUES ($1, $2)', [1, 'c'])
      }),
    )) as { code?: string; constraint?: string }
    t.equal(inTx.code, '23505', 'the same from inside a transaction')
    t.equal(inTx.constraint, 'contract_unique_pkey')
    t.same((await db.query('SELECT id FROM contract_unique ORDER BY id')).rows, [{ id: 1 }], 'and that transaction left nothing')
  })

  t.test('concurrent transactions do not interleave: SELECT … FOR UPDATE serializes them', async (t) => {
    const db = await open(t)
    await db.exec('CREATE TABLE contract_counter (id integer PRIMARY KEY, n integer NOT NULL); INSERT INTO contract_counter VALUES (1, 0)')
    const seen = await Promise.all(
      Array.from({ length: CONCURRENT_TRANSACTIONS }, () =>
        db.transaction(async (tx) => {
          const read = await tx.query<{ n: number }>('SELECT n FROM contract_counter WHERE id = 1 FOR UPDATE')
          const n = read.rows[0]!.n
          await sleep(HOLD_LOCK_MS)
          await tx.query('UPDATE contract_counter SET n = $1 WHERE id = 1', [n + 1])
          return n
        }),
      ),
    )
    t.same([...seen].sort((a, b) => a - b), Array.from({ length: CONCURRENT_TRANSACTIONS }, (_, i) => i), 'each read the value the previous one wrote')
    t.same((await db.query('SELECT n FROM contract_counter')).rows, [{ n: CONCURRENT_TRANSACTIONS }], 'no increment lost')
  })

  t.test('migrate applies every migration once, then nothing', async (t) => {
    const db = await open(t)
    const names = listMigrations().map((m) => m.name)
    t.ok(names.length > 0, 'there are migrations')
    t.same(await migrate(db), names, 'all applied, in order')
    t.same(await migrate(db), [], 'the second run applies nothing')
    t.same((await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).rows.map((r) => r.name), names, 'each recorded once')
    t.equal(await count(db, 'returns'), 0, 'the consolidation tables exist')
    t.equal(await count(db, 'outbox'), 0)
  })
}
