// The desk's users: who may log in, with which role. Added and disabled by `elections user …`
// as the consolidate role (the desk role only reads them); each change is audited in the same
// transaction, so a user never exists without the entry that says who added them.
import { z } from 'zod'
import type { Db, Queryable } from '../../infra/db/db.js'
import { appendAuditInTx } from './audit-log.js'
import { hashPassword, MIN_PASSWORD_LENGTH, passwordLength, type ScryptParams } from './passwords.js'

export const DESK_ROLES = ['operator', 'supervisor', 'admin'] as const
export const DeskRoleSchema = z.enum(DESK_ROLES)
export type DeskRole = z.infer<typeof DeskRoleSchema>

/** The same rule as the CHECK on desk_users.username. */
export const USERNAME_PATTERN = /^[a-z][a-z0-9._-]{1,31}$/

export interface DeskUser {
  username: string
  displayName: string
  role: DeskRole
  passwordHash: string
  disabled: boolean
}

interface DeskUserRow {
  username: string
  display_name: string
  role: string
  password_hash: string
  disabled: boolean
}

export async function readDeskUser(db: Queryable, username: string): Promise<DeskUser | undefined> {
  const res = await db.query<DeskUserRow>(
    'SELECT username, display_name, role, password_hash, disabled FROM desk_users WHERE username = $1',
    [username],
  )
  const row = res.rows[0]
  if (row === undefined) return undefined
  return {
    username: row.username,
    displayName: row.display_name,
    role: DeskRoleSchema.parse(row.role),
    passwordHash: row.password_hash,
    disabled: row.disabled,
  }
}

export interface NewDeskUser {
  username: string
  role: string
  displayName?: string
  password: string
}

export type UserChange = { ok: true } | { ok: false; problem: string }

/** Checks, hashes and stores a new user, audited as `user.added` by `actor`. */
export async function addDeskUser(db: Db, user: NewDeskUser, actor: string, at: Date, scryptParams?: ScryptParams): Promise<UserChange> {
  if (!USERNAME_PATTERN.test(user.username)) {
    return { ok: false, problem: `username "${user.username}" must be 2 to 32 characters: a lower-case letter, then lower-case letters, digits, ".", "_" or "-"` }
  }
  const role = DeskRoleSchema.safeParse(user.role)
  if (!role.success) return { ok: false, problem: `role "${user.role}" is not one of ${DESK_ROLES.join(', ')}` }
  const displayName = (user.displayName ?? user.username).trim()
  if (displayName.length === 0 || displayName.length > 200) return { ok: false, problem: 'the display name must be 1 to 200 characters' }
  if (passwordLength(user.password) < MIN_PASSWORD_LENGTH) {
    return { ok: false, problem: `the password must be at least ${MIN_PASSWORD_LENGTH} characters long` }
  }
  const passwordHash = await hashPassword(user.password, scryptParams)
  return db.transaction(async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO desk_users (username, display_name, role, password_hash, disabled, created_at)
       VALUES ($1, $2, $3, $4, false, $5::timestamptz)
       ON CONFLICT (username) DO NOTHING`,
      [user.username, displayName, role.data, passwordHash, at],
    )
    if (inserted.affectedRows === 0) return { ok: false, problem: `user "${user.username}" exists already` }
    await appendAuditInTx(tx, { actor, event: 'user.added', detail: { username: user.username, role: role.data, displayName } }, at)
    return { ok: true }
  })
}

/** Disables a user, audited as `user.disabled`; their open sessions end at their next request. */
export async function disableDeskUser(db: Db, username: string, actor: string, at: Date): Promise<UserChange> {
  return db.transaction(async (tx) => {
    const found = await tx.query<{ disabled: boolean }>('SELECT disabled FROM desk_users WHERE username = $1 FOR UPDATE', [username])
    const row = found.rows[0]
    if (row === undefined) return { ok: false, problem: `there is no user "${username}"` }
    if (row.disabled) return { ok: false, problem: `user "${username}" is disabled already` }
    await tx.query('UPDATE desk_users SET disabled = true, disabled_at = $2::timestamptz WHERE username = $1', [username, at])
    await appendAuditInTx(tx, { actor, event: 'user.disabled', detail: { username } }, at)
    return { ok: true }
  })
}
