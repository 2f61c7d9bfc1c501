// The shared cache for several replicas: Redis through ioredis, with the same semantics as the
// memory cache (cache.ts). On election night Redis may restart or vanish; a call must then fail
// within a few seconds with an error naming Redis, never hang, and the client must reconnect by
// itself once Redis is back.
import { Redis } from 'ioredis'
import type { Logger } from '../logging.js'
import type { Cache } from './cache.js'

export interface RedisCacheOptions {
  /** Prepended to every key, so several deployments (or test runs) can share one Redis. */
  keyPrefix?: string
  logger?: Logger
}

/** The scripts below, registered with defineCommand: sent once, then called by SHA (EVALSHA). */
type ScriptedRedis = Redis & {
  /** Arguments: the number of keys, the keys, then the TTL in milliseconds. */
  incrementInWindow(...keysThenTtl: (string | number)[]): Promise<number[]>
}

interface RedisClient {
  redis: ScriptedRedis
  /** Why the connection is down, while it is. */
  connectionError(): string | undefined
}

const DEFAULT_KEY_PREFIX = 'elections:'
const CONNECT_TIMEOUT_MS = 2_000
// Bounds every call, including one queued while the client reconnects.
const COMMAND_TIMEOUT_MS = 3_000
const RECONNECT_DELAY_MAX_MS = 1_000
const STARTUP_WAIT_MS = 5_000

// Takes the lock if it is free or already ours, and pushes its expiry: one atomic step, so two
// replicas can never both believe they hold it.
const HOLD_LOCK_LUA = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`

// Counters whose TTL is set by the increment that creates them: fixed windows, not sliding ones.
// A script rather than MULTI, so the call is one command that auto-pipelining can batch; several
// keys in one call, so a request counted against two limits costs one command.
const INCREMENT_IN_WINDOW_LUA = `
local counts = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then
    redis.call('PEXPIRE', key, ARGV[1])
  end
  counts[i] = n
end
return counts`

// Deletes the lock only while `owner` still holds it: after an expiry another replica may have it.
const RELEASE_LOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`

/** A cache on Redis that connects in the background; see connectRedisCache for service start-up. */
export function createRedisCache(url: string, options: RedisCacheOptions = {}): Cache {
  return wrapClient(openClient(url, options), url)
}

/** Connects and waits until Redis answers, so a service refuses to start without its Redis. */
export async function connectRedisCache(url: string, options: RedisCacheOptions = {}): Promise<Cache> {
  const client = openClient(url, options)
  try {
    await waitUntilReady(client, STARTUP_WAIT_MS)
  } catch (err) {
    client.redis.disconnect()
    throw new Error(`cannot reach Redis at ${redactUrl(url)} within ${STARTUP_WAIT_MS / 1000} s: ${(err as Error).message}`, { cause: err })
  }
  return wrapClient(client, url)
}

function openClient(url: string, options: RedisCacheOptions): RedisClient {
  const redis = new Redis(url, {
    keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Calls made while Redis is away wait for one reconnection attempt, then fail.
    maxRetriesPerRequest: 1,
    // Commands issued in the same tick (the rate limits and idempotency claims of concurrent
    // requests) go out in one write: measured with bench/ingest-throughput.ts.
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(attempt * 100, RECONNECT_DELAY_MAX_MS),
  })
  // EVALSHA: the script's text is not sent, nor hashed by Redis, on every rate-limited request.
  // No fixed number of keys: the caller passes it first, as with EVAL.
  redis.defineCommand('incrementInWindow', { lua: INCREMENT_IN_WINDOW_LUA })
  const logger = options.logger
  let lastError: string | undefined
  // Without a listener ioredis prints every connection error to the console.
  redis.on('error', (err: Error) => {
    if (lastError === undefined) logger?.warn({ err: err.message, redis: redactUrl(url) }, 'redis: connection lost, reconnecting')
    lastError = err.message
  })
  redis.on('ready', () => {
    if (lastError !== undefined) logger?.info({ redis: redactUrl(url) }, 'redis: connection back')
    lastError = undefined
  })
  return { redis: redis as ScriptedRedis, connectionError: () => (redis.status === 'ready' ? undefined : lastError) }
}

function waitUntilReady({ redis, connectionError }: RedisClient, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onReady = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      redis.off('ready', onReady)
      reject(new Error(connectionError() ?? 'no answer'))
    }, timeoutMs)
    redis.once('ready', onReady)
  })
}

function wrapClient({ redis, connectionError }: RedisClient, url: string): Cache {
  const where = redactUrl(url)
  const call = async <T>(operation: string, key: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run()
    } catch (err) {
      const down = connectionError()
      const why = down === undefined ? (err as Error).message : `${down} (${(err as Error).message})`
      throw new Error(`Redis at ${where}: ${operation} ${key} failed: ${why}`, { cause: err })
    }
  }

  return {
    get(key) {
      return call('GET', key, async () => (await redis.get(key)) ?? undefined)
    },
    getMany(keys) {
      if (keys.length === 0) return Promise.resolve([])
      return call('MGET', describeKeys(keys), async () => (await redis.mget(...keys)).map((v) => v ?? undefined))
    },
    set(key, value, ttlMs) {
      return call('SET', key, async () => {
        if (ttlMs === undefined) await redis.set(key, value)
        else await redis.set(key, value, 'PX', whole(ttlMs))
      })
    },
    setMany(entries, ttlMs) {
      if (entries.length === 0) return Promise.resolve()
      return call('SET (batch)', describeKeys(entries.map((e) => e.key)), async () => {
        const batch = redis.multi()
        for (const { key, value } of entries) {
          if (ttlMs === undefined) batch.set(key, value)
          else batch.set(key, value, 'PX', whole(ttlMs))
        }
        throwFirstError(await batch.exec())
      })
    },
    setIfAbsent(key, value, ttlMs) {
      return call('SET NX', key, async () => {
        const reply = ttlMs === undefined ? await redis.set(key, value, 'NX') : await redis.set(key, value, 'PX', whole(ttlMs), 'NX')
        return reply === 'OK'
      })
    },
    increment(key, ttlMs) {
      return call('INCR', key, async () => {
        if (ttlMs === undefined) return redis.incr(key)
        const [n] = await redis.incrementInWindow(1, key, whole(ttlMs))
        return Number(n)
      })
    },
    incrementMany(keys, ttlMs) {
      if (keys.length === 0) return Promise.resolve([])
      return call('INCR (batch)', describeKeys(keys), async () => {
        const counts = await redis.incrementInWindow(keys.length, ...keys, whole(ttlMs))
        return counts.map(Number)
      })
    },
    delete(key) {
      return call('DEL', key, async () => {
        await redis.del(key)
      })
    },
    holdLock(key, owner, ttlMs) {
      return call('lock', key, async () => (await redis.eval(HOLD_LOCK_LUA, 1, key, owner, whole(ttlMs))) === 1)
    },
    releaseLock(key, owner) {
      return call('unlock', key, async () => {
        await redis.eval(RELEASE_LOCK_LUA, 1, key, owner)
      })
    },
    async close() {
      // QUIT waits for pending replies; with Redis away there is nothing to wait for.
      if (redis.status === 'ready') await redis.quit()
      else redis.disconnect()
    },
  }
}

/** The replies of a MULTI, or the first command error in it. */
function throwFirstError(results: [error: Error | null, result: unknown][] | null): unknown[] {
  if (results === null) throw new Error('transaction aborted')
  return results.map(([err, result]) => {
    if (err) throw err
    return result
  })
}

/** Redis takes whole milliseconds; a TTL of zero or less is a caller's bug, not a wish to expire. */
function whole(ttlMs: number): number {
  if (!(ttlMs > 0)) throw new Error(`TTL must be a positive number of milliseconds, got ${ttlMs}`)
  return Math.ceil(ttlMs)
}

function describeKeys(keys: readonly string[]): string {
  return keys.length <= 3 ? keys.join(', ') : `${keys.slice(0, 3).join(', ')} and ${keys.length - 3} more`
}

/** The URL for messages and logs, without its password. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url
  }
}
