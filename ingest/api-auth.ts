// Bearer tokens of the API clients (vendors, town halls, the replay tool). Two kinds: the tokens
// configured in the environment (INGEST_API_TOKENS), which may submit for any station; and the
// client tokens issued per integrator on `[credentials]` (only their SHA-256 is stored), scoped to
// an election and some départements, communes or stations. Configured tokens are compared in
// constant time over their SHA-256 digests, every one on every request, so neither a token's
// content nor its length leaks through timing. Issued tokens are looked up by their digest: what
// the lookup's timing could reveal is a digest, from which no token can be recovered.
import { hash, timingSafeEqual } from 'node:crypto'
import type { TokenScope } from '../core/credentials.js'
import { apiError, type ApiError } from './api-errors.js'

export interface ApiToken {
  client: string
  token: string
}

/** `all`: a configured token; otherwise the issued token's scope. */
export type ClientScope = 'all' | TokenScope

export type Authentication = { ok: true; client: string; scope: ClientScope } | { ok: false; error: ApiError }

export type Authenticator = (authorization: string | undefined) => Authentication

/** Finds the live issued token whose SHA-256 (hex) is given. */
export interface IssuedTokens {
  clientToken(tokenHash: string): { client: string; tokenHash: string; scope: TokenScope } | undefined
}

const digest = (s: string) => hash('sha256', s, 'buffer')

export function createAuthenticator(tokens: readonly ApiToken[], issued?: IssuedTokens): Authenticator {
  const known = tokens.map((t) => ({ client: t.client, digest: digest(t.token) }))
  const unauthorized: Authentication = {
    ok: false,
    error: apiError(401, 'unauthorized', 'Send a valid API token as "Authorization: Bearer <token>".'),
  }
  return (authorization) => {
    const match = /^Bearer ([\x21-\x7E]+)$/i.exec(authorization?.trim() ?? '')
    if (!match?.[1]) return unauthorized
    const presented = digest(match[1])
    let client: string | undefined
    for (const k of known) {
      // No early exit: the time taken does not tell which token (if any) matched.
      if (timingSafeEqual(k.digest, presented) && client === undefined) client = k.client
    }
    if (client !== undefined) return { ok: true, client, scope: 'all' }
    const token = issued?.clientToken(presented.toString('hex'))
    if (token && timingSafeEqual(Buffer.from(token.tokenHash, 'hex'), presented)) {
      return { ok: true, client: token.client, scope: token.scope }
    }
    return unauthorized
  }
}
