// `elections user add|disable` as bin/users.ts runs them on a database the caller opened: the
// password from stdin, the rules on names, roles and length, and the audit entry of each change.
import t from 'tap'
import type { Test } from 'tap'
import { PassThrough } from 'node:stream'
import { userAdd, userDisable, type UserCommandIo } from '../../../bin/users.js'
import { verifyAudit } from '../../../consolidate/desk/audit-log.js'
import { readDeskUser } from '../../../consolidate/desk/desk-users.js'
import { verifyPassword } from '../../../consolidate/desk/passwords.js'
import type { Db } from '../../../infra/db/db.js'
import { migrate } from '../../../infra/db/migrate.js'
import { openPgliteDb } from '../../../infra/db/pglite-db.js'

const AT = new Date('2027-04-11T16:00:00.000Z')

async function migratedDb(t: Test): Promise<Db> {
  const db = await openPgliteDb()
  t.teardown(() => db.close())
  await migrate(db)
  return db
}

/** Piped stdin holding `stdin`, and what the command writes. */
function pipedIo(stdin: string): { io: UserCommandIo; out: () => string; err: () => string } {
  const input = new PassThrough()
  input.end(stdin)
  const out = new PassThrough()
  const err = new PassThrough()
  const text = (s: PassThrough) => () => String(s.read() ?? '')
  return { io: { input, out, err, clock: () => AT, actor: 'cli:ops' }, out: text(out), err: text(err) }
}

t.test('user add reads the password from stdin, hashes it and audits the addition', async (t) => {
  const db = await migratedDb(t)
  const run = pipedIo('un mot de passe assez long\nsecond line ignored\n')
  t.equal(await userAdd(db, { username: 'alice', role: 'supervisor', name: 'Alice Martin' }, run.io), 0)
  t.equal(run.out(), 'user alice added, role supervisor\n')
  const user = await readDeskUser(db, 'alice')
  t.match(user, { username: 'alice', displayName: 'Alice Martin', role: 'supervisor', disabled: false })
  t.equal(await verifyPassword('un mot de passe assez long', user?.passwordHash ?? ''), true, 'the first line, without its line ending')
  const audit = await db.query('SELECT actor, event, detail FROM audit_log')
  t.same(audit.rows, [{ actor: 'cli:ops', event: 'user.added', detail: { username: 'alice', role: 'supervisor', displayName: 'Alice Martin' } }])
  t.notMatch(JSON.stringify(audit.rows), /mot de passe/)
})

t.test('user add refuses short passwords, bad names, unknown roles and a taken username', async (t) => {
  const db = await migratedDb(t)
  const cases: [string, { username: string; role: string }, RegExp][] = [
    ['eleven char', { username: 'bob', role: 'operator' }, /the password must be at least 12 characters long/],
    ['long enough password', { username: 'Bob', role: 'operator' }, /username "Bob" must be 2 to 32 characters/],
    ['long enough password', { username: 'bob smith', role: 'operator' }, /username "bob smith"/],
    ['long enough password', { username: 'bob', role: 'root' }, /role "root" is not one of operator, supervisor, admin/],
    ['', { username: 'bob', role: 'operator' }, /at least 12 characters/],
  ]
  for (const [password, args, problem] of cases) {
    const run = pipedIo(`${password}\n`)
    t.equal(await userAdd(db, args, run.io), 1, `${args.username} / ${args.role} / "${password}"`)
    t.match(run.err(), problem)
  }
  t.equal(await userAdd(db, { username: 'bob', role: 'operator' }, pipedIo('long enough password\n').io), 0)
  const again = pipedIo('another long password\n')
  t.equal(await userAdd(db, { username: 'bob', role: 'admin' }, again.io), 1)
  t.equal(again.err(), 'elections user add: user "bob" exists already; no user added\n')
  t.match(await readDeskUser(db, 'bob'), { role: 'operator', displayName: 'bob' }, 'the first one stays as it was')
  t.equal((await db.query('SELECT * FROM audit_log')).rows.length, 1, 'only the real addition is audited')
})

t.test('user disable disables once, audited; unknown users are named', async (t) => {
  const db = await migratedDb(t)
  await userAdd(db, { username: 'carol', role: 'operator' }, pipedIo('long enough password\n').io)
  const run = pipedIo('')
  t.equal(await userDisable(db, 'carol', run.io), 0)
  t.equal(run.out(), 'user carol disabled; their sessions end at their next request\n')
  t.match(await readDeskUser(db, 'carol'), { disabled: true })
  const twice = pipedIo('')
  t.equal(await userDisable(db, 'carol', twice.io), 1)
  t.equal(twice.err(), 'elections user disable: user "carol" is disabled already\n')
  const nobody = pipedIo('')
  t.equal(await userDisable(db, 'dave', nobody.io), 1)
  t.equal(nobody.err(), 'elections user disable: there is no user "dave"\n')
  const events = await db.query<{ event: string; detail: unknown }>('SELECT event, detail FROM audit_log ORDER BY seq')
  t.same(events.rows, [
    { event: 'user.added', detail: { username: 'carol', role: 'operator', displayName: 'carol' } },
    { event: 'user.disabled', detail: { username: 'carol' } },
  ])
  t.same(await verifyAudit(db), { ok: true, entries: 2 })
  const disabledAt = await db.query<{ disabled_at: Date }>('SELECT disabled_at FROM desk_users WHERE username = $1', ['carol'])
  t.same(disabledAt.rows, [{ disabled_at: AT }])
})

/** A terminal: raw mode switched by the command, keystrokes typed when each prompt appears. */
function terminalIo(answers: string[]): { io: UserCommandIo; rawModes: boolean[]; prompts: () => string } {
  const rawModes: boolean[] = []
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode(raw: boolean) {
      rawModes.push(raw)
      return input
    },
  })
  const err = new PassThrough()
  let prompts = ''
  err.on('data', (chunk: Buffer) => {
    prompts += chunk.toString()
    if (chunk.toString().endsWith(': ')) input.write(answers.shift() ?? '\u0003')
  })
  return { io: { input, out: new PassThrough(), err, clock: () => AT, actor: 'cli:ops' }, rawModes, prompts: () => prompts }
}

t.test('on a terminal user add prompts twice without echo, and refuses two different passwords', async (t) => {
  const db = await migratedDb(t)
  // A typo corrected with backspace on the first entry.
  const term = terminalIo(['long enough passwordX\u007f\r', 'long enough password\r'])
  t.equal(await userAdd(db, { username: 'erin', role: 'admin' }, term.io), 0)
  t.same(term.rawModes, [true, false, true, false], 'raw mode (no echo) during each entry, restored after')
  t.equal(term.prompts(), 'password for erin (at least 12 characters): \nthe same password again: \n', 'only the prompts are written')
  t.equal(await verifyPassword('long enough password', (await readDeskUser(db, 'erin'))?.passwordHash ?? ''), true)

  const differ = terminalIo(['long enough password\r', 'long enough passw0rd\r'])
  t.equal(await userAdd(db, { username: 'fred', role: 'admin' }, differ.io), 1)
  t.match(differ.prompts(), 'elections user add: the two passwords differ; no user added')
  const cancelled = terminalIo(['long enou\u0003'])
  t.equal(await userAdd(db, { username: 'gina', role: 'admin' }, cancelled.io), 1)
  t.match(cancelled.prompts(), 'elections user add: cancelled; no user added')
  t.equal(await readDeskUser(db, 'fred'), undefined)
  t.equal(await readDeskUser(db, 'gina'), undefined)
})
