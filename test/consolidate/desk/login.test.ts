// The desk's door, driven over HTTP: login, lockout per username and per address, session
// fixation, CSRF, logout, disabled users, roles, and the headers every page carries.
import t from 'tap'
import express from 'express'
import { AUDIT_EVENTS, type AuditEvent } from '../../../consolidate/desk/audit-log.js'
import { requireRole, setRequestSession } from '../../../consolidate/desk/desk-context.js'
import { disableDeskUser, type DeskUser } from '../../../consolidate/desk/desk-users.js'
import type { Db } from '../../../infra/db/db.js'
import { listen } from '../../../infra/http/http.js'
import { csrfTokenOf, DeskClient, problemOf, startTestDesk, TEST_NOW } from '../../helpers/desk-client.js'

const PASSWORD = 'correct horse battery staple'

async function auditTrail(db: Db): Promise<{ actor: string; event: AuditEvent; detail: Record<string, unknown> }[]> {
  const res = await db.query<{ actor: string; event: string; detail: Record<string, unknown> }>('SELECT actor, event, detail FROM audit_log ORDER BY seq')
  return res.rows.map((r) => {
    const event = AUDIT_EVENTS.find((e) => e === r.event)
    if (event === undefined) throw new Error(`unknown audit event ${r.event}`)
    return { ...r, event }
  })
}

t.test('a user logs in with the right password, and only with it', async (t) => {
  const desk = await startTestDesk(t)
  await desk.addUser('alice', 'operator', PASSWORD, 'Alice Opératrice')
  const browser = desk.client()

  const stranger = await browser.get('/')
  t.equal(stranger.status, 303, 'the dashboard sends a stranger away')
  t.equal(stranger.headers.get('location'), '/login', 'to the login form')
  const wrong = await browser.login('alice', 'not the password at all')
  t.equal(wrong.status, 401)
  t.equal(problemOf(wrong.text), 'Identifiant ou mot de passe incorrect.')
  const unknown = await browser.login('bob', PASSWORD)
  t.equal(unknown.status, 401)
  t.equal(problemOf(unknown.text), problemOf(wrong.text), 'an unknown user gets the same answer as a wrong password')

  const ok = await browser.login('  Alice ', PASSWORD)
  t.equal(ok.status, 303, 'the username is trimmed and case-folded')
  t.equal(ok.headers.get('location'), '/')
  const home = await browser.get('/')
  t.equal(home.status, 200)
  t.match(home.text, 'Alice Opératrice · opérateur', 'the header names the user and their role')
  t.equal((await browser.get('/login')).status, 303, 'a signed-in user is sent from the login form to the dashboard')

  const trail = await auditTrail(desk.db)
  t.same(
    trail.map((e) => [e.actor, e.event, e.detail.reason]),
    [
      ['cli:test', 'user.added', undefined],
      ['anonymous', 'desk.login-failed', 'wrong-password'],
      ['anonymous', 'desk.login-failed', 'unknown-user'],
      ['alice', 'desk.login', undefined],
    ],
  )
  t.same(trail[1]?.detail, { username: 'alice', address: '127.0.0.1', reason: 'wrong-password' }, 'a failure is recorded without the password')
  t.notMatch(JSON.stringify(trail), /not the password|horse/, 'no password anywhere in the log')
})

t.test('five failures for one username lock it for 15 minutes, the right password included', async (t) => {
  const desk = await startTestDesk(t)
  await desk.addUser('alice', 'operator', PASSWORD)
  await desk.addUser('bruno', 'supervisor', PASSWORD)
  const browser = desk.client()
  for (let i = 1; i <= 4; i++) t.equal((await browser.login('alice', `wrong guess ${i}`)).status, 401, `failure ${i}`)
  const fifth = await browser.login('alice', 'wrong guess 5')
  t.equal(fifth.status, 429, 'the fifth failure locks')
  t.match(problemOf(fifth.text), /connexion refusée pendant 15 minutes/)
  const right = await browser.login('alice', PASSWORD)
  t.equal(right.status, 429, 'the right password is refused during the lockout')
  t.equal(problemOf(right.text), 'Trop d’échecs de connexion pour cet identifiant : connexion refusée pendant 15 minutes.')
  t.equal((await browser.get('/')).status, 303, 'and no session was opened')

  t.equal((await desk.client().login('bruno', PASSWORD)).status, 303, 'another user, from the same address, still logs in')

  const failures = (await auditTrail(desk.db)).filter((e) => e.event === 'desk.login-failed')
  t.same(
    failures.map((e) => [e.detail.reason, e.detail.lockout]),
    [...Array.from({ length: 4 }, () => ['wrong-password', undefined]), ['wrong-password', 'username'], ['locked-username', undefined]],
  )
})

t.test('twenty failures from one address lock it for every username', async (t) => {
  const desk = await startTestDesk(t)
  const users = ['ana', 'ben', 'cleo', 'dan', 'eve']
  for (const u of users) await desk.addUser(u, 'operator', PASSWORD)
  await desk.addUser('fanny', 'operator', PASSWORD)
  const browser = desk.client()
  const statuses: number[] = []
  // Four failures per username: none of them reaches the per-username limit of five.
  for (const u of users) for (let i = 0; i < 4; i++) statuses.push((await browser.login(u, `wrong ${i}`)).status)
  t.same(statuses, [...Array.from({ length: 19 }, () => 401), 429], 'the twentieth failure locks the address')
  const other = await browser.login('fanny', PASSWORD)
  t.equal(other.status, 429, 'a user who never failed is refused from that address')
  t.equal(problemOf(other.text), 'Trop d’échecs de connexion depuis ce poste : connexion refusée pendant 15 minutes.')
  const last = (await auditTrail(desk.db)).at(-1)
  t.same(last?.detail, { username: 'fanny', address: '127.0.0.1', reason: 'locked-address' })
})

t.test('the session id changes at login: a cookie from before login is worth nothing after it', async (t) => {
  const desk = await startTestDesk(t)
  await desk.addUser('alice', 'operator', PASSWORD)
  const browser = desk.client()
  const form = await browser.get('/login')
  const before = browser.session
  t.ok(before, 'the login form sets an anonymous session (it carries the form token)')
  t.match(form.sessionCookie, /HttpOnly/i)
  const login = await browser.post('/login', { _csrf: csrfTokenOf(form.text), username: 'alice', password: PASSWORD })
  t.equal(login.status, 303)
  t.ok(browser.session, 'a new cookie is set at login')
  t.not(browser.session, before, 'with a new session id')

  const attacker = new DeskClient(desk.baseUrl)
  attacker.session = before
  t.equal((await attacker.get('/')).status, 303, 'the pre-login id does not open the dashboard')
  t.equal((await browser.get('/')).status, 200, 'the new one does')

  const planted = new DeskClient(desk.baseUrl)
  planted.session = 'A'.repeat(43)
  await planted.get('/login')
  t.not(planted.session, 'A'.repeat(43), 'an id the server never issued is replaced, never adopted')
})

t.test('every form post needs its session\'s CSRF token', async (t) => {
  const desk = await startTestDesk(t)
  await desk.addUser('alice', 'operator', PASSWORD)
  const browser = desk.client()
  await browser.get('/login')
  const noToken = await browser.post('/login', { username: 'alice', password: PASSWORD })
  t.equal(noToken.status, 403, 'a login without the form token is refused')
  t.match(noToken.text, 'Formulaire refusé')
  t.equal((await browser.get('/')).status, 303, 'and logs nobody in')

  const stranger = new DeskClient(desk.baseUrl)
  t.equal((await stranger.post('/login', { _csrf: 'x'.repeat(43), username: 'alice', password: PASSWORD })).status, 403, 'nor without a session')

  t.equal((await browser.login('alice', PASSWORD)).status, 303)
  const page = await browser.get('/')
  const token = csrfTokenOf(page.text)
  t.equal((await browser.post('/logout', {})).status, 403, 'a logout without the token is refused')
  t.equal((await browser.post('/logout', { _csrf: `${token.slice(0, -1)}x` })).status, 403, 'so is a wrong token')
  const other = desk.client()
  const otherForm = await other.get('/login')
  t.equal((await browser.post('/logout', { _csrf: csrfTokenOf(otherForm.text) })).status, 403, 'and another session\'s token')
  t.equal((await browser.get('/')).status, 200, 'the session survives the refused posts')
  const res = await fetch(new URL('/logout', desk.baseUrl), {
    method: 'POST',
    headers: { cookie: `desk_session=${browser.session}`, 'content-type': 'application/json' },
    body: JSON.stringify({ _csrf: token }),
  })
  t.equal(res.status, 403, 'a token sent as JSON is not a form post')
  const huge = await browser.post('/logout', { _csrf: token, padding: 'x'.repeat(20_000) })
  t.equal(huge.status, 413, 'a form body beyond 8 KiB is refused before anything reads it')
  t.match(huge.text, 'Requête refusée')
})

t.test('logout ends the session', async (t) => {
  const desk = await startTestDesk(t)
  await desk.addUser('alice', 'operator', PASSWORD)
  const browser = desk.client()
  await browser.login('alice', PASSWORD)
  const held = browser.session
  const out = await browser.logout()
  t.equal(out.status, 303)
  t.equal(out.headers.get('location'), '/login')
  t.match(out.sessionCookie, /^desk_session=;/, 'the cookie is cleared')
  const replay = new DeskClient(desk.baseUrl)
  replay.session = held
  t.equal((await replay.get('/')).status, 303, 'the old session id no longer opens the dashboard')
  t.same((await auditTrail(desk.db)).map((e) => [e.actor, e.event]).slice(-2), [['alice', 'desk.login'], ['alice', 'desk.logout']])
})

t.test('a disabled user is refused, and their open session ends', async (t) => {
  const desk = await startTestDesk(t)
  await desk.addUser('alice', 'operator', PASSWORD)
  const browser = desk.client()
  await browser.login('alice', PASSWORD)
  t.equal((await browser.get('/')).status, 200)
  t.same(await disableDeskUser(desk.db, 'alice', 'cli:test', TEST_NOW), { ok: true })
  t.equal((await browser.get('/')).status, 303, 'the next request finds the session ended')
  const again = await desk.client().login('alice', PASSWORD)
  t.equal(again.status, 401, 'the right password no longer logs in')
  t.equal(problemOf(again.text), 'Identifiant ou mot de passe incorrect.')
  t.same((await auditTrail(desk.db)).slice(-2).map((e) => [e.event, e.detail.reason]), [
    ['user.disabled', undefined],
    ['desk.login-failed', 'disabled-user'],
  ])
})

t.test('cookies and headers: HttpOnly, SameSite=Strict, Secure over HTTPS, no caching, no framing, no script', async (t) => {
  const plain = await startTestDesk(t)
  const form = await plain.client().get('/login')
  const cookie = form.sessionCookie ?? ''
  t.match(cookie, /; Path=\//)
  t.match(cookie, /; HttpOnly/)
  t.match(cookie, /; SameSite=Strict/)
  t.notMatch(cookie, /; Secure/, 'not Secure when the desk is served over plain HTTP')
  t.equal(form.headers.get('cache-control'), 'no-store')
  t.equal(form.headers.get('x-frame-options'), 'DENY')
  t.match(form.headers.get('content-security-policy'), /default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/)
  t.equal(form.headers.get('strict-transport-security'), null)

  const secure = await startTestDesk(t, { secureCookies: true })
  const secureForm = await secure.client().get('/login')
  t.match(secureForm.sessionCookie, /; Secure/)
  t.match(secureForm.headers.get('strict-transport-security'), /max-age=\d+/)

  t.equal((await plain.client().get('/healthz')).status, 200, '/healthz comes from infra/http')
  const metrics = await plain.client().get('/metrics')
  t.match(metrics.text, /desk_logins_total/)
  const missing = await plain.client().get('/nowhere')
  t.equal(missing.status, 404)
  t.equal(missing.headers.get('cache-control'), 'no-store')
})

t.test('what users type is escaped on the pages', async (t) => {
  const desk = await startTestDesk(t)
  await desk.addUser('zoe', 'admin', PASSWORD, '<b>Zoé</b> & "Co"')
  const browser = desk.client()
  await browser.login('zoe', PASSWORD)
  const page = await browser.get('/')
  t.match(page.text, '&lt;b&gt;Zoé&lt;&#x2F;b&gt; &amp; &quot;Co&quot;')
  t.notMatch(page.text, '<b>Zoé')
  const echoed = await desk.client().login('<script>x</script>', 'whatever password')
  t.notMatch(echoed.text, '<script>x', 'nor is a typed username echoed raw into the form')
})

t.test('requireRole lets through the listed roles only', async (t) => {
  const app = express()
  const as = (role: DeskUser['role'] | undefined) => (req: express.Request, res: express.Response, next: express.NextFunction) => {
    const user = role === undefined ? undefined : { username: role, displayName: role, role, passwordHash: '', disabled: false }
    setRequestSession(res, undefined, user)
    next()
  }
  for (const role of ['operator', 'supervisor', 'admin', undefined] as const) {
    app.get(`/${role ?? 'nobody'}`, as(role), requireRole('supervisor', 'admin'), (_req, res) => {
      res.send('in')
    })
  }
  const server = await listen(app, 0, '127.0.0.1')
  t.teardown(() => server.close())
  const status = async (path: string) => (await fetch(`http://127.0.0.1:${server.port}${path}`, { redirect: 'manual' })).status
  t.equal(await status('/operator'), 403)
  t.equal(await status('/supervisor'), 200)
  t.equal(await status('/admin'), 200)
  t.equal(await status('/nobody'), 303, 'no user: to the login form')
})
