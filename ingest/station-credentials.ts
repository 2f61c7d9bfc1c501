// Officials' station credentials and integrators' client tokens, read from `[credentials]` (no
// group, from the start, like the election definitions) into memory; and the PIN verifier the
// phone and web-form channels share. An unknown code and a wrong PIN give the same answer after
// the same work (a decoy hash is checked), so the answers never tell which codes exist.
import {
  CredentialRecordSchema,
  LockoutSchema,
  type ClientToken,
  type CredentialRecord,
  type Lockout,
  type PinChannel,
  type StationCredential,
} from '../core/credentials.js'
import { TOPICS } from '../core/messages.js'
import type { Bus, ConsumedRecord, Subscription } from '../infra/bus/bus.js'
import type { Cache } from '../infra/cache/cache.js'
import type { Logger } from '../infra/logging.js'
import { createDecoyHash, verifyPinHash } from './pin-hash.js'
import { createPinLockout, DEFAULT_LOCKOUT_POLICY, type LockoutPolicy, type NewLock } from './pin-lockout.js'

/** The credentials in force: the latest record per station and per client. */
export class StationCredentials {
  private readonly byCode = new Map<string, StationCredential>()
  private readonly byStation = new Map<string, StationCredential>()
  private readonly tokensByHash = new Map<string, ClientToken>()
  private readonly tokensByClient = new Map<string, ClientToken>()

  put(record: CredentialRecord): void {
    switch (record.type) {
      case 'station-credential':
        return this.putStation(record)
      case 'client-token':
        return this.putToken(record)
    }
  }

  private putStation(credential: StationCredential): void {
    const key = `${credential.electionId}:${credential.stationId}`
    const previous = this.byStation.get(key)
    if (previous && previous.version > credential.version) return
    if (previous) this.byCode.delete(previous.code)
    this.byStation.set(key, credential)
    this.byCode.set(credential.code, credential)
  }

  private putToken(token: ClientToken): void {
    const previous = this.tokensByClient.get(token.client)
    if (previous) this.tokensByHash.delete(previous.tokenHash)
    this.tokensByClient.set(token.client, token)
    if (!token.revoked) this.tokensByHash.set(token.tokenHash, token)
  }

  stationByCode(code: string): StationCredential | undefined {
    return this.byCode.get(code)
  }

  /** The live (not revoked, not replaced) token whose SHA-256 is `tokenHash` (hex). */
  clientToken(tokenHash: string): ClientToken | undefined {
    return this.tokensByHash.get(tokenHash)
  }

  get stations(): number {
    return this.byStation.size
  }
}

export async function followCredentials(bus: Bus, store: StationCredentials, logger: Logger): Promise<Subscription> {
  const handle = async (records: ConsumedRecord[]): Promise<void> => {
    for (const record of records) {
      const parsed = CredentialRecordSchema.safeParse(parseJson(record.value))
      if (!parsed.success) {
        // Skipped, not retried: retrying cannot fix it, and throwing would stall every later record.
        logger.warn({ offset: record.offset, key: record.key }, 'ingest: skipping a malformed credentials record')
        continue
      }
      store.put(parsed.data)
    }
  }
  return bus.subscribe({ topic: TOPICS.credentials, handle })
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value)
  } catch {
    return undefined
  }
}

export type PinVerification =
  | { ok: true; electionId: string; stationId: string }
  | { ok: false; reason: 'unknown-or-wrong' | 'locked'; retryAfterSeconds?: number }

/**
 * `caller`: the phone number (IVR) or client address (web form) the attempt came from, the key
 * of the per-caller lock; `channel` is what the desk is told the attempts came by.
 */
export type VerifyStationPin = (code: string, pin: string, caller: string, channel: PinChannel) => Promise<PinVerification>

export interface PinVerifierDeps {
  credentials: StationCredentials
  cache: Cache
  /** Lockouts are produced to `[security]` for the desk. */
  bus: Bus
  logger: Logger
  clock: () => Date
  policy?: LockoutPolicy
}

/** Longest code kept in cache keys and lockout records: a keypad can send anything. */
const MAX_CODE_CHARS = 40

export function createPinVerifier(deps: PinVerifierDeps): VerifyStationPin {
  const { credentials, bus, logger, clock } = deps
  const lockout = createPinLockout(deps.cache, deps.policy ?? DEFAULT_LOCKOUT_POLICY, clock)
  const decoy = createDecoyHash()
  const secondsUntil = (until: Date) => Math.max(1, Math.ceil((until.getTime() - clock().getTime()) / 1000))
  const locked = (until: Date): PinVerification => ({ ok: false, reason: 'locked', retryAfterSeconds: secondsUntil(until) })

  const report = async (lockouts: Lockout[]): Promise<void> => {
    if (lockouts.length === 0) return
    for (const l of lockouts) logger.warn(l, 'ingest: PIN lockout')
    try {
      await bus.produce(
        TOPICS.security,
        lockouts.map((l) => ({ key: l.code ?? l.caller, value: JSON.stringify(LockoutSchema.parse(l)) })),
      )
    } catch (err) {
      // The lock itself is in force (it lives in the cache); only the desk's view of it is late.
      logger.error({ err, lockouts }, 'ingest: a lockout could not be produced to [security]')
    }
  }

  return async (rawCode, pin, caller, channel) => {
    const code = rawCode.slice(0, MAX_CODE_CHARS)
    const lockedUntil = await lockout.lockedUntil(code, caller)
    if (lockedUntil) return locked(lockedUntil)
    const credential = credentials.stationByCode(code)
    const matches = await verifyPinHash(pin, credential?.pinHash ?? (await decoy))
    if (credential && matches) {
      await lockout.recordSuccess(code)
      return { ok: true, electionId: credential.electionId, stationId: credential.stationId }
    }
    const locks = await lockout.recordFailure(code, caller)
    const at = clock().toISOString()
    const station = credential ? { electionId: credential.electionId, stationId: credential.stationId } : {}
    const lockoutOf = (reason: Lockout['reason'], lock: NewLock): Lockout => ({
      type: 'lockout',
      ...station,
      code,
      caller,
      reason,
      channel,
      attempts: lock.attempts,
      until: lock.until.toISOString(),
      at,
    })
    const lockouts: Lockout[] = []
    if (locks.code) lockouts.push(lockoutOf('station-code', locks.code))
    if (locks.caller) lockouts.push(lockoutOf('caller', locks.caller))
    await report(lockouts)
    const until = [locks.code?.until, locks.caller?.until].filter((d): d is Date => d !== undefined)
    if (until.length > 0) return locked(new Date(Math.max(...until.map((d) => d.getTime()))))
    return { ok: false, reason: 'unknown-or-wrong' }
  }
}
