// Desk sessions in the Cache (Redis when several desk replicas run, memory embedded). A session
// id is 32 random bytes; the cache holds it only as a SHA-256 digest, so someone reading Redis
// cannot take over a session. A session is created anonymous for the login form (it carries
// the form's CSRF token) and replaced by a new one, new id and token, at login.
import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Cache } from '../../infra/cache/cache.js'
import { readCookie, sameSecret } from '../../infra/http/cookies.js'

/** Signed-in sessions end after this long without a request (sliding). */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000
/** A login form left open longer than this must be reloaded. */
export const ANONYMOUS_SESSION_TTL_MS = 30 * 60 * 1000

export const SESSION_COOKIE = 'desk_session'

const SESSION_ID_BYTES = 32
const CSRF_TOKEN_BYTES = 32
/** base64url of 32 bytes. */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/

const SessionRecordSchema = z.object({
  csrfToken: z.string().min(1),
  username: z.string().optional(),
  createdAt: z.string(),
})

export interface DeskSession {
  id: string
  csrfToken: string
  /** Undefined for the anonymous session of the login form. */
  username: string | undefined
}

export interface SessionStore {
  create(username: string | undefined, at: Date): Promise<DeskSession>
  /** The session, its expiry pushed back; undefined when unknown or expired. */
  read(id: string): Promise<DeskSession | undefined>
  destroy(id: string): Promise<void>
}

function keyOf(id: string): string {
  return `desk:session:${createHash('sha256').update(id).digest('hex')}`
}

function ttlOf(username: string | undefined): number {
  return username === undefined ? ANONYMOUS_SESSION_TTL_MS : SESSION_TTL_MS
}

export function createSessionStore(cache: Cache): SessionStore {
  return {
    async create(username, at) {
      const id = randomBytes(SESSION_ID_BYTES).toString('base64url')
      const record = { csrfToken: randomBytes(CSRF_TOKEN_BYTES).toString('base64url'), username, createdAt: at.toISOString() }
      await cache.set(keyOf(id), JSON.stringify(record), ttlOf(username))
      return { id, csrfToken: record.csrfToken, username }
    },
    async read(id) {
      if (!SESSION_ID_PATTERN.test(id)) return undefined
      const key = keyOf(id)
      const raw = await cache.get(key)
      if (raw === undefined) return undefined
      const record = SessionRecordSchema.parse(JSON.parse(raw))
      // Sliding expiry: every request renews it.
      await cache.set(key, raw, ttlOf(record.username))
      return { id, csrfToken: record.csrfToken, username: record.username }
    },
    async destroy(id) {
      await cache.delete(keyOf(id))
    },
  }
}

/** The session cookie's value from a Cookie header, if it has the shape of a session id. */
export function sessionIdFromCookies(header: string | undefined): string | undefined {
  return readCookie(header, SESSION_COOKIE, SESSION_ID_PATTERN)
}

/** Compares a submitted CSRF token with the session's, in constant time. */
export function csrfTokenMatches(session: DeskSession, submitted: unknown): boolean {
  return sameSecret(session.csrfToken, submitted)
}
