// Rate limits of the returns API: fixed one-second windows counted in the shared cache (Redis in
// production, so every ingest replica behind the load balancer counts against the same limit).
// Two limits: per client address, checked before anything else so an unauthenticated flood costs
// one cache increment per request and never reaches authentication or body parsing; and per API
// client, checked right after authentication so one integrator's runaway loop cannot starve the
// others. The defaults leave an integrator submitting a département's batches, and the replay
// tool (a few batches of 500 in flight), far below the limits.
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { Cache } from '../infra/cache/cache.js'
import type { Logger } from '../infra/logging.js'
import { Counter, type Registry } from '../infra/metrics.js'
import { apiError, sendApiError, type ApiError } from './api-errors.js'

export const RATE_WINDOW_MS = 1000
export const DEFAULT_RATE_PER_CLIENT = 50
export const DEFAULT_RATE_PER_ADDRESS = 100
const UNAVAILABLE_LOG_EVERY_MS = 60_000

export interface RateLimitOptions {
  /** Requests per second one authenticated API client may make (INGEST_RATE_PER_CLIENT). */
  perClient: number
  /** Requests per second from one client address, authenticated or not (INGEST_RATE_PER_ADDRESS). */
  perAddress: number
  /** Milliseconds since the epoch; tests pin it to stay inside one window. */
  now: () => number
}

export interface RateLimits {
  /** Middleware for the write endpoints: 429 when the address is over its limit. */
  perAddress: RequestHandler
  /** After authentication: the 429 to answer when `client` is over its limit, else undefined. */
  perClient(client: string): Promise<ApiError | undefined>
}

export function createRateLimits(
  cache: Cache,
  logger: Logger,
  registry: Registry,
  options: Partial<RateLimitOptions> = {},
): RateLimits {
  const perClient = options.perClient ?? DEFAULT_RATE_PER_CLIENT
  const perAddress = options.perAddress ?? DEFAULT_RATE_PER_ADDRESS
  const now = options.now ?? Date.now
  for (const [name, value] of [['perClient', perClient], ['perAddress', perAddress]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`rate limit ${name} must be a whole number of requests per second ≥ 1, got ${value}`)
  }
  const limited = new Counter({
    name: 'ingest_rate_limited_total',
    help: 'Requests answered 429 because a rate limit was reached, by limit',
    labelNames: ['limit'] as const,
    registers: [registry],
  })
  const unavailable = new Counter({
    name: 'ingest_rate_limit_unavailable_total',
    help: 'Requests let through unchecked because the cache holding the rate-limit counters failed',
    registers: [registry],
  })
  let lastLoggedAt = Number.NEGATIVE_INFINITY

  /** Counts one request in the current window; the 429 when the limit was already reached. */
  async function count(limit: 'client' | 'address', who: string, max: number): Promise<ApiError | undefined> {
    const at = now()
    const window = Math.floor(at / RATE_WINDOW_MS)
    let n: number
    try {
      n = await cache.increment(`ingest:rate:${limit}:${who}:${window}`, 2 * RATE_WINDOW_MS)
    } catch (err) {
      // Fail open: rate limiting protects the night, it must never be what stops it. Returns
      // still need the bus to be acknowledged, so nothing unsafe gets through.
      unavailable.inc()
      if (at - lastLoggedAt >= UNAVAILABLE_LOG_EVERY_MS) {
        lastLoggedAt = at
        logger.warn({ err }, 'ingest: rate-limit counters unavailable; requests are let through unchecked')
      }
      return undefined
    }
    if (n <= max) return undefined
    limited.inc({ limit })
    const retryAfterSeconds = Math.ceil(((window + 1) * RATE_WINDOW_MS - at) / 1000)
    const whom = limit === 'client' ? 'this API client' : 'this address'
    return {
      ...apiError(429, 'rate-limited', `Too many requests from ${whom}: at most ${max} per second. Wait for Retry-After seconds, then retry; send many returns in one batch rather than one request each.`),
      retryAfterSeconds,
    }
  }

  return {
    perAddress: (req: Request, res: Response, next: NextFunction) => {
      const address = req.ip ?? req.socket.remoteAddress ?? 'unknown'
      count('address', address, perAddress).then((error) => (error ? sendApiError(res, error) : next()), next)
    },
    perClient: (client) => count('client', client, perClient),
  }
}
