// The one configuration object, parsed once from the environment. Every problem is reported at
// once, so an operator fixes the deployment in one go instead of one restart per typo.
import { join, resolve, sep } from 'node:path'
import { isIP } from 'node:net'
import { z } from 'zod'
import type { KafkaSasl } from './bus/kafka-bus.js'

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback)
const positiveMs = (fallback: number) => z.coerce.number().int().positive().default(fallback)

/** `name:token` pairs, comma-separated: the API clients allowed to submit returns. */
const apiTokens = z
  .string()
  .transform((s, ctx) => {
    const tokens: { client: string; token: string }[] = []
    for (const pair of s.split(',').map((p) => p.trim()).filter(Boolean)) {
      const i = pair.indexOf(':')
      const client = pair.slice(0, i)
      const token = pair.slice(i + 1)
      if (i <= 0 || !/^[A-Za-z0-9_.-]+$/.test(client) || token.length < 16) {
        ctx.addIssue({ code: 'custom', message: `"${pair.slice(0, 20)}…" is not client:token with a token of 16+ characters` })
        continue
      }
      tokens.push({ client, token })
    }
    return tokens
  })
  .optional()

/** A comma-separated list of host:port, each checked. */
const hostPorts = (what: string) =>
  z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((p) => /^[A-Za-z0-9.-]+:\d{1,5}$/.test(p)), {
      message: `${what}: expected host:port[,host:port…]`,
    })

/** A URL with one of the given schemes; the message never repeats the value (it may hold a password). */
const serviceUrl = (schemes: readonly string[]) =>
  z.string().refine(
    (s) => {
      try {
        return schemes.includes(new URL(s).protocol)
      } catch {
        return false
      }
    },
    { message: `expected a URL starting with ${schemes.map((p) => `${p}//`).join(' or ')}` },
  )

const urlList = z
  .string()
  .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every((u) => /^https?:\/\/[^\s/]+\/?$/.test(u)), {
    message: 'expected http://host:port[,http://host:port…]',
  })

const topicPrefix = z.string().regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, dot, underscore and hyphen only')

/**
 * Which reverse proxies' X-Forwarded-For the ingest and desk apps believe (express's `trust proxy`):
 * without it, behind nginx every client has nginx's address, so per-address rate limits and
 * lockouts would count everyone together. A number of hops, or a comma-separated list of
 * addresses, subnets (CIDR) and express's names (loopback, linklocal, uniquelocal). Never "true":
 * believing any X-Forwarded-For lets a client choose its own address.
 */
const trustProxy = z
  .string()
  .transform((raw, ctx): number | string => {
    const value = raw.trim()
    if (/^[0-9]{1,2}$/.test(value)) return Number(value)
    const parts = value.split(',').map((p) => p.trim())
    const bad = parts.filter((p) => {
      if (['loopback', 'linklocal', 'uniquelocal'].includes(p)) return false
      const [address = '', bits] = p.split('/')
      const family = isIP(address)
      if (family === 0) return true
      return bits !== undefined && !(/^[0-9]{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))
    })
    if (bad.length > 0 || parts.length === 0) {
      ctx.addIssue({ code: 'custom', message: `a number of proxy hops, or addresses, subnets and loopback/linklocal/uniquelocal separated by commas (not ${bad.map((b) => JSON.stringify(b)).join(', ') || 'empty'})` })
      return z.NEVER
    }
    return parts.join(',')
  })

export const EnvSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT_SITE: port(8080),
  PORT_DESK: port(8081),
  PORT_INGEST: port(8082),
  PORT_CONSOLIDATE: port(8083),
  PORT_PUBLISH: port(8084),
  DATA_DIR: z.string().min(1).default('./data'),
  OUTPUT_DIR: z.string().min(1).optional(),
  PUBLISH_INTERVAL_MS: positiveMs(1000),
  /** GeoJSON files of département shapes for the national map, first shape of a code wins. */
  PUBLISH_MAP_GEOJSON: z
    .string()
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .refine((list) => list.length > 0, 'expected one or more GeoJSON file paths, separated by commas')
    .optional(),
  /** Where tally-sheet scans are published for readers; station pages link there. */
  PUBLISH_SCANS_URL: serviceUrl(['http:', 'https:']).optional(),
  INGEST_API_TOKENS: apiTokens,
  INGEST_MAX_BODY_BYTES: z.coerce.number().int().positive().max(50 * 1024 * 1024).default(1024 * 1024),
  INGEST_CSV_MAX_BYTES: z.coerce.number().int().positive().max(200 * 1024 * 1024).default(10 * 1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: hostPorts('KAFKA_BROKERS').optional(),
  KAFKA_TOPIC_PREFIX: topicPrefix.default(''),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(12),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(-1).max(16).refine((n) => n !== 0, 'not 0').default(-1),
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-256', 'scram-sha-512']).default('scram-sha-256'),
  KAFKA_SASL_USERNAME: z.string().min(1).max(200).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).max(500).optional(),
  DATABASE_URL: serviceUrl(['postgres:', 'postgresql:']).optional(),
  DESK_DATABASE_URL: serviceUrl(['postgres:', 'postgresql:']).optional(),
  REDIS_URL: serviceUrl(['redis:', 'rediss:']).optional(),
  REDIS_KEY_PREFIX: z.string().max(64).default('elections:'),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (lower-case letters, digits, dots, hyphens)').optional(),
  S3_ENDPOINT: serviceUrl(['http:', 'https:']).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_PREFIX: z.string().regex(/^([A-Za-z0-9._-]+\/)*$/, 'folders ending with /, e.g. "2027/"').default(''),
  VARNISH_URL: urlList.optional(),
  /** The results site's public address, for the absolute URLs of feed.xml and the sitemaps. */
  PUBLIC_SITE_URL: serviceUrl(['http:', 'https:']).optional(),
  DESK_SECURE_COOKIES: z.enum(['true', 'false']).default('true'),
  INGEST_RATE_PER_CLIENT: z.coerce.number().int().min(1).default(50),
  INGEST_RATE_PER_ADDRESS: z.coerce.number().int().min(1).default(100),
  /** The voice provider's auth token (Twilio: the account's Auth Token): phone webhooks must be signed with it. */
  PHONE_WEBHOOK_SECRET: z.string().min(16, 'the voice provider\'s auth token (16 characters or more)').optional(),
  PHONE_PUBLIC_URL: serviceUrl(['http:', 'https:']).optional(),
  SCAN_MAX_BYTES: z.coerce.number().int().min(1024).max(100_000_000).default(10_000_000),
  SCANS_DIR: z.string().min(1).optional(),
  SCANS_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name (lower-case letters, digits, dots, hyphens)').optional(),
  FORM_SECURE_COOKIES: z.enum(['true', 'false']).default('true'),
  OFFICIALS_HELPLINE: z.string().max(100).optional(),
  TRUST_PROXY: trustProxy.optional(),
})
  .superRefine((e, ctx) => {
    if ((e.KAFKA_SASL_USERNAME === undefined) !== (e.KAFKA_SASL_PASSWORD === undefined)) {
      const missing = e.KAFKA_SASL_USERNAME === undefined ? 'KAFKA_SASL_USERNAME' : 'KAFKA_SASL_PASSWORD'
      ctx.addIssue({ code: 'custom', path: [missing], message: 'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together: set both (this service\'s SCRAM user) or neither' })
    }
    if (e.S3_ENDPOINT !== undefined && e.S3_BUCKET === undefined && e.SCANS_S3_BUCKET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'S3_ENDPOINT is set but S3_BUCKET is not: name the bucket to publish to' })
    }
  })

export interface Config {
  host: string
  /** express's `trust proxy` for ingest and the desk (TRUST_PROXY); undefined: the peer's address is the client's. */
  trustProxy: number | string | undefined
  /** consolidate and publish serve only /healthz and /metrics, when run as their own processes. */
  ports: { site: number; desk: number; ingest: number; consolidate: number; publish: number }
  dataDir: string
  /** The folder pages are written to; undefined when they go to S3 only (S3_BUCKET set, OUTPUT_DIR unset). */
  outputDir: string | undefined
  publishIntervalMs: number
  /** The national map's shape files (unset: the demo's shapes when ../shared/data is present, else no map) and the scans' public address. */
  publishPages: { mapFiles: string[] | undefined; scansBaseUrl: string | undefined }
  /** Undefined: embedded mode generates a token at start and logs it. */
  apiTokens: { client: string; token: string }[] | undefined
  ingestMaxBodyBytes: number
  /** Largest CSV upload (a département's file), unzipped. */
  ingestCsvMaxBytes: number
  /** Requests per second per API client and per client address (429 above). */
  ingestRateLimits: { perClient: number; perAddress: number }
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL']
  /** Set: the bus is Kafka. Unset: the embedded log under DATA_DIR. */
  kafka: { brokers: string[]; topicPrefix: string; partitions: number; replicationFactor: number; sasl: KafkaSasl | undefined } | undefined
  /** Set: PostgreSQL (the consolidation role). Unset: PGlite under DATA_DIR. */
  databaseUrl: string | undefined
  /** The desk's own, narrower role on the same database. */
  deskDatabaseUrl: string | undefined
  redis: { url: string; keyPrefix: string } | undefined
  s3: { bucket: string; endpoint: string | undefined; region: string; prefix: string } | undefined
  varnishUrls: string[] | undefined
  /** PUBLIC_SITE_URL; undefined: the built-in site server's address (http://HOST:PORT_SITE). */
  publicSiteUrl: string | undefined
  /** Secure cookies and HSTS on the desk: keep true unless the desk is reached over plain HTTP on a LAN. */
  deskSecureCookies: boolean
  /** The phone webhook: the secret its signatures are checked with (unchecked when unset) and the public URL it is signed for. */
  phone: { webhookSecret: string | undefined; publicUrl: string | undefined }
  /** Largest scan of a signed tally sheet ingest accepts (form and API). */
  scanMaxBytes: number
  /** Where scans go: a private folder or a `scans/` prefix in a bucket, never the published output. */
  scans: ScanStorageConfig
  /** The officials' web form: Secure cookies (keep true behind HTTPS), and whom a locked-out official calls. */
  form: { secureCookies: boolean; helpline: string | undefined }
}

export type ScanStorageConfig =
  | { kind: 'folder'; dir: string }
  | { kind: 's3'; bucket: string; endpoint: string | undefined; region: string; prefix: string }

/** The folder is the default; S3 when a bucket is named and SCANS_DIR is not. */
function scanStorage(e: z.infer<typeof EnvSchema>): ScanStorageConfig {
  const bucket = e.SCANS_S3_BUCKET ?? e.S3_BUCKET
  if (e.SCANS_DIR === undefined && bucket !== undefined) {
    return { kind: 's3', bucket, endpoint: e.S3_ENDPOINT, region: e.S3_REGION, prefix: SCANS_S3_PREFIX }
  }
  return { kind: 'folder', dir: e.SCANS_DIR ?? join(e.DATA_DIR, 'scans') }
}

/** At the bucket's root, outside S3_PREFIX: the pages' public-read rule must not cover it. */
export const SCANS_S3_PREFIX = 'scans/'

/** Scans hold signatures and are not results: a folder inside the published output is refused. */
function scansInsideOutput(scans: ScanStorageConfig, outputDir: string | undefined): boolean {
  if (scans.kind !== 'folder' || outputDir === undefined) return false
  const out = resolve(outputDir)
  const dir = resolve(scans.dir)
  return dir === out || dir.startsWith(out + sep)
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] }

/** Parses the environment; empty strings count as unset (a blank line in an env file). */
export function parseConfig(env: Record<string, string | undefined>): ConfigResult {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(cleaned)
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`),
    }
  }
  const e = parsed.data
  const outputDir = e.OUTPUT_DIR ?? (e.S3_BUCKET === undefined ? './static-out' : undefined)
  const scans = scanStorage(e)
  if (scansInsideOutput(scans, outputDir)) {
    return { ok: false, problems: [`SCANS_DIR: scans must not be inside the published output folder (${outputDir}); choose a private folder`] }
  }
  return {
    ok: true,
    config: {
      host: e.HOST,
      trustProxy: e.TRUST_PROXY,
      ports: { site: e.PORT_SITE, desk: e.PORT_DESK, ingest: e.PORT_INGEST, consolidate: e.PORT_CONSOLIDATE, publish: e.PORT_PUBLISH },
      dataDir: e.DATA_DIR,
      outputDir,
      publishIntervalMs: e.PUBLISH_INTERVAL_MS,
      publishPages: { mapFiles: e.PUBLISH_MAP_GEOJSON, scansBaseUrl: e.PUBLISH_SCANS_URL },
      apiTokens: e.INGEST_API_TOKENS,
      ingestMaxBodyBytes: e.INGEST_MAX_BODY_BYTES,
      ingestCsvMaxBytes: e.INGEST_CSV_MAX_BYTES,
      ingestRateLimits: { perClient: e.INGEST_RATE_PER_CLIENT, perAddress: e.INGEST_RATE_PER_ADDRESS },
      logLevel: e.LOG_LEVEL,
      kafka:
        e.KAFKA_BROKERS === undefined
          ? undefined
          : {
              brokers: e.KAFKA_BROKERS,
              topicPrefix: e.KAFKA_TOPIC_PREFIX,
              partitions: e.KAFKA_PARTITIONS,
              replicationFactor: e.KAFKA_REPLICATION_FACTOR,
              sasl:
                e.KAFKA_SASL_USERNAME === undefined || e.KAFKA_SASL_PASSWORD === undefined
                  ? undefined
                  : { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD },
            },
      databaseUrl: e.DATABASE_URL,
      deskDatabaseUrl: e.DESK_DATABASE_URL,
      redis: e.REDIS_URL === undefined ? undefined : { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX },
      s3: e.S3_BUCKET === undefined ? undefined : { bucket: e.S3_BUCKET, endpoint: e.S3_ENDPOINT, region: e.S3_REGION, prefix: e.S3_PREFIX },
      varnishUrls: e.VARNISH_URL,
      publicSiteUrl: e.PUBLIC_SITE_URL,
      deskSecureCookies: e.DESK_SECURE_COOKIES === 'true',
      phone: { webhookSecret: e.PHONE_WEBHOOK_SECRET, publicUrl: e.PHONE_PUBLIC_URL },
      scanMaxBytes: e.SCAN_MAX_BYTES,
      scans,
      form: { secureCookies: e.FORM_SECURE_COOKIES === 'true', helpline: e.OFFICIALS_HELPLINE },
    },
  }
}

export class ConfigError extends Error {
  override name = 'ConfigError'

  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = parseConfig(env)
  if (!result.ok) throw new ConfigError(result.problems)
  return result.config
}
