// Officials' station credentials, integrators' client tokens and lockout events as they travel on
// the bus. `[credentials]` is compacted: the latest record per key is the one in force, so a
// re-issued PIN replaces the old one and a revoked token stays revoked. Only hashes travel.
import { z } from 'zod'
import { CodeSchema } from './schemas.js'

/** 8 digits, never starting with 0 (a spreadsheet would drop it): typed on a phone keypad. */
export const StationCodeSchema = z.string().regex(/^[1-9]\d{7}$/, '8 digits, the first not 0')

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
export const PinHashSchema = z
  .string()
  .regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/, 'scrypt$N$r$p$salt$hash')

export const StationCredentialSchema = z.object({
  type: z.literal('station-credential'),
  electionId: CodeSchema,
  stationId: CodeSchema,
  code: StationCodeSchema,
  pinHash: PinHashSchema,
  issuedAt: z.iso.datetime({ offset: true }),
  /** Increases with every re-issue of this station's PIN. */
  version: z.number().int().positive(),
})
export type StationCredential = z.infer<typeof StationCredentialSchema>

/** What a client token may submit for; no list at all means the whole election. */
export const TokenScopeSchema = z.object({
  electionId: CodeSchema,
  departements: z.array(CodeSchema).optional(),
  communes: z.array(CodeSchema).optional(),
  stations: z.array(CodeSchema).optional(),
})
export type TokenScope = z.infer<typeof TokenScopeSchema>

export const ClientTokenSchema = z.object({
  type: z.literal('client-token'),
  client: z.string().regex(/^[\x21-\x7E]{1,100}$/, 'printable ASCII without spaces'),
  /** SHA-256 of the token, hex. */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  scope: TokenScopeSchema,
  issuedAt: z.iso.datetime({ offset: true }),
  revoked: z.boolean().optional(),
})
export type ClientToken = z.infer<typeof ClientTokenSchema>

export const CredentialRecordSchema = z.discriminatedUnion('type', [StationCredentialSchema, ClientTokenSchema])
export type CredentialRecord = z.infer<typeof CredentialRecordSchema>

/** The channels an official signs in on with a station code and PIN. */
export const PinChannelSchema = z.enum(['phone', 'form'])
export type PinChannel = z.infer<typeof PinChannelSchema>

/**
 * On `[security]`: a station code or a caller was locked after too many wrong PINs. A lock is
 * one record, produced when it starts; `reason` + the code or caller + `until` name it.
 */
export const LockoutSchema = z.object({
  type: z.literal('lockout'),
  /** The station, when the code is one issued (a lock on an unknown code has none). */
  electionId: CodeSchema.optional(),
  stationId: CodeSchema.optional(),
  /** The station code tried, as keyed or typed. */
  code: z.string().max(40).optional(),
  /** Phone number or client address the attempts came from. */
  caller: z.string().min(1).max(200),
  reason: z.enum(['station-code', 'caller']),
  /** Where the attempts came from; absent in records produced before it was recorded. */
  channel: PinChannelSchema.optional(),
  /** Wrong attempts counted for the code (or the caller) when the lock started; absent likewise. */
  attempts: z.number().int().positive().optional(),
  until: z.iso.datetime({ offset: true }),
  at: z.iso.datetime({ offset: true }),
})
export type Lockout = z.infer<typeof LockoutSchema>

export function stationCredentialKey(electionId: string, stationId: string): string {
  return `${electionId}:${stationId}`
}

export function clientTokenKey(client: string): string {
  return `client:${client}`
}

/** Whether a station, placed in its commune and département, lies within a token's scope. */
export function stationInScope(
  scope: TokenScope,
  place: { electionId: string; stationId: string; commune: string; departement: string | undefined },
): boolean {
  if (scope.electionId !== place.electionId) return false
  const { stations, communes, departements } = scope
  if (stations === undefined && communes === undefined && departements === undefined) return true
  return (
    (stations?.includes(place.stationId) ?? false) ||
    (communes?.includes(place.commune) ?? false) ||
    (place.departement !== undefined && (departements?.includes(place.departement) ?? false))
  )
}
