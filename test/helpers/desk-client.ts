// Drives a running desk over HTTP as a browser without JavaScript would: one cookie jar (the
// session cookie, kept by hand), forms posted url-encoded with the page's CSRF token, redirects
// not followed so each step can be looked at. Also builds a desk on PGlite for a test.
import type { Test } from 'tap'
import { buildDesk } from '../../consolidate/desk/desk-app.js'
import { addDeskUser } from '../../consolidate/desk/desk-users.js'
import type { ScryptParams } from '../../consolidate/desk/passwords.js'
import type { Cache } from '../../infra/cache/cache.js'
import { createMemoryCache } from '../../infra/cache/memory-cache.js'
import type { Db } from '../../infra/db/db.js'
import { migrate } from '../../infra/db/migrate.js'
import { openPgliteDb } from '../../infra/db/pglite-db.js'
import { listen } from '../../infra/http/http.js'
import { silentLogger } from '../../infra/logging.js'
import type { Storage } from '../../infra/storage/storage.js'
import { decodeEntities } from './form-client.js'
import { createMetricsRegistry } from '../../infra/metrics.js'

export const TEST_NOW = new Date('2027-04-11T19:00:00.000Z')

/** Cheap scrypt for test users: the tests count attempts, not seconds (the decoy keeps the real cost). */
export const FAST_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 }

export interface DeskPage {
  status: number
  headers: Headers
  text: string
  /** The Set-Cookie of the session cookie, whole, if the answer set one. */
  sessionCookie: string | undefined
}

export class DeskClient {
  /** The session cookie's value, as a browser would hold it. */
  session: string | undefined

  constructor(readonly baseUrl: string) {}

  private async send(path: string, init: RequestInit): Promise<DeskPage> {
    const headers = new Headers(init.headers)
    if (this.session !== undefined) headers.set('cookie', `desk_session=${this.session}`)
    const res = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' })
    const sessionCookie = res.headers.getSetCookie().find((c) => c.startsWith('desk_session='))
    if (sessionCookie !== undefined) {
      const value = sessionCookie.slice('desk_session='.length).split(';')[0] ?? ''
      // A cleared cookie comes back empty (and expired): the browser drops it.
      this.session = value === '' ? undefined : value
    }
    return { status: res.status, headers: res.headers, text: await res.text(), sessionCookie }
  }

  get(path: string): Promise<DeskPage> {
    return this.send(path, { method: 'GET' })
  }

  post(path: string, form: Record<string, string>): Promise<DeskPage> {
    return this.send(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() })
  }

  /** Opens the login form and posts it, as a person would. */
  async login(username: string, password: string): Promise<DeskPage> {
    const form = await this.get('/login')
    return this.post('/login', { _csrf: csrfTokenOf(form.text), username, password })
  }

  /** Posts the logout form of the page at `from`. */
  async logout(from = '/'): Promise<DeskPage> {
    const page = await this.get(from)
    return this.post('/logout', { _csrf: csrfTokenOf(page.text) })
  }
}

export function csrfTokenOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!m?.[1]) throw new Error('no CSRF token in the page')
  return m[1]
}

/** The alert the login form shows, if any. */
export function problemOf(html: string): string | undefined {
  return /<p class="problem" role="alert">([^<]*)<\/p>/.exec(html)?.[1]
}

/** The cells of a dashboard table row, by their data-field, for the row of `area` in the table `tableId`. */
export function dashboardRow(html: string, tableId: string, area: string): Record<string, string> | undefined {
  const table = new RegExp(`<table class="completeness" id="${tableId}">([\\s\\S]*?)</table>`).exec(html)?.[1]
  if (table === undefined) return undefined
  const row = new RegExp(`<tr data-area="${area}">([\\s\\S]*?)</tr>`).exec(table)?.[1]
  if (row === undefined) return undefined
  const cells: Record<string, string> = {}
  // A cell may hold a link (a département's drill-down): its text is what counts.
  for (const m of row.matchAll(/<t[hd](?: [^>]*data-field="([^"]+)")?[^>]*>([\s\S]*?)<\/t[hd]>/g)) cells[m[1] ?? 'area'] = (m[2] ?? '').replace(/<[^>]*>/g, '')
  return cells
}

/** The rows of the lockouts table `tableId` (lockouts-in-force, lockouts-ended): each cell by its data-field, as text. */
export function lockoutRows(html: string, tableId: string): Record<string, string>[] | undefined {
  const table = new RegExp(`<table class="lockouts" id="${tableId}">([\\s\\S]*?)</table>`).exec(html)?.[1]
  if (table === undefined) return undefined
  return [...table.matchAll(/<tr data-lockout="\d+" class="([a-z-]+)">([\s\S]*?)<\/tr>/g)].map((row) => {
    const cells: Record<string, string> = { class: row[1] ?? '' }
    for (const m of (row[2] ?? '').matchAll(/<td data-field="([^"]+)">([^<]*)<\/td>/g)) cells[m[1] ?? ''] = decodeEntities(m[2] ?? '')
    return cells
  })
}

export interface TestDesk {
  db: Db
  cache: Cache
  client(): DeskClient
  baseUrl: string
  addUser(username: string, role: string, password: string, displayName?: string): Promise<void>
  /** Adds a user with this role (its name as username) and returns a browser signed in as them. */
  signedIn(username: string, role: string): Promise<DeskClient>
}

/** The password of the users `signedIn` adds. */
export const TEST_PASSWORD = 'correct horse battery staple'

/** A migrated PGlite database (or `db`), a memory cache, and the desk listening on port 0. */
export async function startTestDesk(
  t: Test,
  options: { db?: Db; cache?: Cache; secureCookies?: boolean; clock?: () => Date; scans?: Storage; onResultsWritten?: () => void; liveIntervalMs?: number } = {},
): Promise<TestDesk> {
  let db = options.db
  if (db === undefined) {
    const own = await openPgliteDb()
    await migrate(own)
    t.teardown(() => own.close())
    db = own
  }
  const cache = options.cache ?? createMemoryCache()
  if (options.cache === undefined) t.teardown(() => cache.close())
  const desk = buildDesk({
    db,
    cache,
    logger: silentLogger(),
    metrics: createMetricsRegistry(false),
    clock: options.clock ?? (() => TEST_NOW),
    secureCookies: options.secureCookies ?? false,
    ...(options.scans === undefined ? {} : { scans: options.scans }),
    ...(options.onResultsWritten === undefined ? {} : { onResultsWritten: options.onResultsWritten }),
    ...(options.liveIntervalMs === undefined ? {} : { liveIntervalMs: options.liveIntervalMs }),
  })
  const server = await listen(desk.app, 0, '127.0.0.1')
  t.teardown(async () => {
    await server.close()
    await desk.close()
  })
  const baseUrl = `http://127.0.0.1:${server.port}`
  const usersDb = db
  const addUser: TestDesk['addUser'] = async (username, role, password, displayName) => {
    const added = await addDeskUser(usersDb, { username, role, password, displayName }, 'cli:test', TEST_NOW, FAST_SCRYPT)
    if (!added.ok) throw new Error(added.problem)
  }
  return {
    db,
    cache,
    baseUrl,
    client: () => new DeskClient(baseUrl),
    addUser,
    async signedIn(username, role) {
      await addUser(username, role, TEST_PASSWORD)
      const browser = new DeskClient(baseUrl)
      const answer = await browser.login(username, TEST_PASSWORD)
      if (answer.status !== 303) throw new Error(`${username} could not sign in: ${answer.status}`)
      return browser
    },
  }
}
