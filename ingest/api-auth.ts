// Bearer tokens of the API clients (vendors, town halls, the replay tool). Tokens are compared in
// constant time over their SHA-256 digests, so neither a token's content nor its length leaks
// through response timing, and every configured token is compared on every request.
import { createHash, timingSafeEqual } from 'node:crypto'
import { apiError, type ApiError } from './api-errors.js'

export interface ApiToken {
  client: string
  token: string
}

export type Authentication = { ok: true; client: string } | { ok: false; error: ApiError }

export type Authenticator = (authorization: string | undefined) => Authentication

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()

export function createAuthenticator(tokens: readonly ApiToken[]): Authenticator {
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
    return client === undefined ? unauthorized : { ok: true, client }
  }
}
