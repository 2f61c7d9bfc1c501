// Rate limits of the officials' and integrators' write endpoints: fixed one-second windows counted
// in the shared cache (Redis in production, so every ingest replica behind the load balancer counts
// against the same limit). Two limits: per client address, so a flood from one address (guessing
// tokens, or a runaway script) is cut whatever token it sends; and per API client, so one
// integrator's runaway loop cannot starve the others. An API request is authenticated first (in
// memory: a digest and a map look-up, no I/O), then counted against both limits in ONE cache call,
// before its body is read: a flood costs one cache call per request and never a body. The defaults
// leave an integrator submitting a département's batches, and the replay tool (a few batches of
// 500 in flight), far below the limits.
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { Cache } from '../infra/cache/cache.js'
import type { Logger } from '../infra/logging.js'
import { Counter, type Registry } from '../infra/metrics.js'
import { clientAddress } from '../infra/http/http.js'
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
  /** Middleware for the endpoints without an API token (the web form's sign-in): 429 when the address is over its limit. */
  perAddress: RequestHandler
  /**
   * One API request: counts it against its address and, when it authenticated, its client, in one
   * cache call. The 429 to answer when either is over its limit (the address's first), else undefined.
   */
  admit(address: string, client: string | undefined): Promise<ApiError | undefined>
}

type Limit = 'client' | 'address'

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

  const maxOf = (limit: Limit) => (limit === 'client' ? perClient : perAddress)

  /** Counts one request in the current window of each limit; the 429 of the first one already reached. */
  async function count(limits: readonly (readonly [Limit, string])[]): Promise<ApiError | undefined> {
    const at = now()
    const window = Math.floor(at / RATE_WINDOW_MS)
    let counts: number[]
    try {
      counts = await cache.incrementMany(
        limits.map(([limit, who]) => `ingest:rate:${limit}:${who}:${window}`),
        2 * RATE_WINDOW_MS,
      )
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
    const over = limits.findIndex(([limit], i) => (counts[i] ?? 0) > maxOf(limit))
    const limit = limits[over]?.[0]
    if (limit === undefined) return undefined
    const max = maxOf(limit)
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
      count([['address', clientAddress(req)]]).then((error) => (error ? sendApiError(res, error) : next()), next)
    },
    admit: (address, client) => count(client === undefined ? [['address', address]] : [['address', address], ['client', client]]),
  }
}
