// An official's form session, from a right PIN to the receipt, in the Cache (Redis in production,
// so any ingest replica serves the next step). The id is 32 random bytes, sent as an HttpOnly,
// SameSite=Strict cookie and repeated in a hidden field of every form: a post must carry both,
// so the id doubles as the CSRF token. The cache holds the id only as a SHA-256 digest. The PIN
// is never part of it.
import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import { CodeSchema, CountsSchema, ScanRefSchema } from '../../core/schemas.js'
import type { Cache } from '../../infra/cache/cache.js'
import { readCookie, sameSecret } from '../../infra/http/cookies.js'

/** Sliding: an official may take an hour over the sheet; every step renews it. */
export const FORM_SESSION_TTL_MS = 2 * 60 * 60 * 1000
/** Where ingest serves the form; the cookie is sent back only under it. */
export const FORM_PATH = '/saisie'
export const FORM_COOKIE = 'saisie_session'
/** The hidden field every form post carries. */
export const SESSION_FIELD = 'jeton'

const SESSION_ID_BYTES = 32
/** base64url of 32 bytes. */
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/

export const AttachedScanSchema = ScanRefSchema.extend({ filename: z.string().max(200) })
export type AttachedScan = z.infer<typeof AttachedScanSchema>

const ReceiptSchema = z.object({ contestId: CodeSchema, receipt: z.string(), returnId: z.string() })

export const FormStateSchema = z.object({
  electionId: CodeSchema,
  stationId: CodeSchema,
  lang: z.enum(['fr', 'en']),
  /** Part of each return's idempotency key: a double submit or a refresh is the same return. */
  submissionId: z.string().regex(/^[0-9a-f]{32}$/),
  /** entry: filling in; confirm: figures read, shown back; submitted: durable, receipts given. */
  stage: z.enum(['entry', 'confirm', 'submitted']),
  /** Read figures per contest id, once the sheet had no problem. */
  counts: z.record(CodeSchema, CountsSchema).optional(),
  scan: AttachedScanSchema.optional(),
  receipts: z.array(ReceiptSchema).optional(),
  submittedAt: z.iso.datetime({ offset: true }).optional(),
})
export type FormState = z.infer<typeof FormStateSchema>

export interface FormSession {
  id: string
  state: FormState
}

export interface FormSessions {
  create(state: Omit<FormState, 'submissionId' | 'stage'>): Promise<FormSession>
  /** The session, its expiry pushed back; undefined when unknown, expired or unreadable. */
  read(id: string): Promise<FormSession | undefined>
  write(session: FormSession): Promise<void>
  destroy(id: string): Promise<void>
}

const keyOf = (id: string) => `form:session:${createHash('sha256').update(id).digest('hex')}`

export function newSubmissionId(): string {
  return randomBytes(16).toString('hex')
}

export function createFormSessions(cache: Cache, ttlMs = FORM_SESSION_TTL_MS): FormSessions {
  return {
    async create(initial) {
      const id = randomBytes(SESSION_ID_BYTES).toString('base64url')
      const state: FormState = { ...initial, submissionId: newSubmissionId(), stage: 'entry' }
      await cache.set(keyOf(id), JSON.stringify(state), ttlMs)
      return { id, state }
    },
    async read(id) {
      if (!SESSION_ID_PATTERN.test(id)) return undefined
      const raw = await cache.get(keyOf(id))
      if (raw === undefined) return undefined
      const parsed = FormStateSchema.safeParse(parseJson(raw))
      if (!parsed.success) return undefined
      await cache.set(keyOf(id), raw, ttlMs)
      return { id, state: parsed.data }
    },
    async write(session) {
      await cache.set(keyOf(session.id), JSON.stringify(FormStateSchema.parse(session.state)), ttlMs)
    },
    async destroy(id) {
      await cache.delete(keyOf(id))
    },
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw)
  } catch {
    return undefined
  }
}

/** The session cookie's value from a Cookie header, if it has the shape of a session id. */
export function sessionIdFromCookies(header: string | undefined): string | undefined {
  return readCookie(header, FORM_COOKIE, SESSION_ID_PATTERN)
}

/** The hidden field repeats the cookie: compared in constant time. */
export function sessionFieldMatches(session: FormSession, submitted: unknown): boolean {
  return sameSecret(session.id, submitted)
}

export function sessionCookie(id: string, secure: boolean): string {
  return `${FORM_COOKIE}=${id}; Path=${FORM_PATH}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`
}

export function clearedSessionCookie(secure: boolean): string {
  return `${FORM_COOKIE}=; Path=${FORM_PATH}; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`
}
