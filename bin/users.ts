// `elections user add|disable` and `elections audit verify`: desk user management and the audit
// chain check, run as the consolidate role (DATABASE_URL) or on the embedded PGlite database
// under DATA_DIR; the caller opens the database. Output for people on stdout, problems on stderr.
import { userInfo } from 'node:os'
import type { Readable, Writable } from 'node:stream'
import type { Db } from '../infra/db/db.js'
import { verifyAudit } from '../consolidate/desk/audit-log.js'
import { addDeskUser, disableDeskUser } from '../consolidate/desk/desk-users.js'
import { MIN_PASSWORD_LENGTH, passwordLength } from '../consolidate/desk/passwords.js'

/** A terminal's input can hide what is typed; a pipe's cannot. */
type UserInput = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }

export interface UserCommandIo {
  input: UserInput
  out: Writable
  err: Writable
  clock: () => Date
  /** Who the audit log names for the change. */
  actor: string
}

function osUser(): string {
  try {
    return userInfo().username
  } catch {
    // A container may run under a uid with no passwd entry.
    return process.env.USER ?? 'unknown'
  }
}

export function defaultUserCommandIo(): UserCommandIo {
  return { input: process.stdin, out: process.stdout, err: process.stderr, clock: () => new Date(), actor: `cli:${osUser()}` }
}

class PasswordEntryError extends Error {}

/** Reads one line from the terminal without echoing it. */
function promptHidden(prompt: string, input: UserInput, echo: Writable): Promise<string> {
  const setRaw = input.setRawMode
  if (setRaw === undefined) throw new Error('promptHidden needs a terminal')
  echo.write(prompt)
  setRaw.call(input, true)
  input.setEncoding('utf8')
  input.resume()
  return new Promise((resolve, reject) => {
    let typed = ''
    const finish = () => {
      input.off('data', onData)
      setRaw.call(input, false)
      input.pause()
      echo.write('\n')
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish()
          resolve(typed)
          return
        }
        if (ch === '\u0003') {
          finish()
          reject(new PasswordEntryError('cancelled'))
          return
        }
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('')
        else if (ch >= ' ') typed += ch
      }
    }
    input.on('data', onData)
  })
}

/** The first line of a pipe (a password manager, a file): without its line ending, nothing else trimmed. */
async function readFirstLine(input: Readable): Promise<string> {
  let text = ''
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8')
    if (text.includes('\n')) break
  }
  return text.split('\n')[0]?.replace(/\r$/, '') ?? ''
}

async function readNewPassword(username: string, io: UserCommandIo): Promise<string> {
  if (io.input.isTTY !== true || io.input.setRawMode === undefined) return readFirstLine(io.input)
  const password = await promptHidden(`password for ${username} (at least ${MIN_PASSWORD_LENGTH} characters): `, io.input, io.err)
  if (passwordLength(password) < MIN_PASSWORD_LENGTH) return password
  const again = await promptHidden('the same password again: ', io.input, io.err)
  if (again !== password) throw new PasswordEntryError('the two passwords differ')
  return password
}

/**
 * `elections user add USERNAME --role R [--name N]`: the password comes from stdin (first line)
 * or, on a terminal, from a prompt that does not echo it. 0 when added, 1 otherwise.
 */
export async function userAdd(db: Db, args: { username: string; role: string; name?: string }, io: UserCommandIo = defaultUserCommandIo()): Promise<number> {
  let password: string
  try {
    password = await readNewPassword(args.username, io)
  } catch (err) {
    if (!(err instanceof PasswordEntryError)) throw err
    io.err.write(`elections user add: ${err.message}; no user added\n`)
    return 1
  }
  const added = await addDeskUser(db, { username: args.username, role: args.role, displayName: args.name, password }, io.actor, io.clock())
  if (!added.ok) {
    io.err.write(`elections user add: ${added.problem}; no user added\n`)
    return 1
  }
  io.out.write(`user ${args.username} added, role ${args.role}\n`)
  return 0
}

/** `elections user disable USERNAME`: refuses their next login and ends their open sessions. */
export async function userDisable(db: Db, username: string, io: UserCommandIo = defaultUserCommandIo()): Promise<number> {
  const disabled = await disableDeskUser(db, username, io.actor, io.clock())
  if (!disabled.ok) {
    io.err.write(`elections user disable: ${disabled.problem}\n`)
    return 1
  }
  io.out.write(`user ${username} disabled; their sessions end at their next request\n`)
  return 0
}

/** `elections audit verify`: 0 when the whole chain holds, 1 naming the first broken entry. */
export async function auditVerify(db: Db, out: Writable = process.stdout): Promise<number> {
  const result = await verifyAudit(db)
  if (result.ok) {
    out.write(`audit log: ${result.entries} entries, chain intact\n`)
    return 0
  }
  out.write(`audit log: broken at seq ${result.seq}: ${result.reason} (the ${result.entries} entries before it hold)\n`)
  return 1
}
