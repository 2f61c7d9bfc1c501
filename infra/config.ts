// The one configuration object, parsed once from the environment. Every problem is reported at
// once, so an operator fixes the deployment in one go instead of one restart per typo.
import { z } from 'zod'

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

/** Variables of real services that later versions connect to; set today they are an error, not ignored. */
const NOT_YET_SUPPORTED = ['KAFKA_BROKERS', 'DATABASE_URL', 'REDIS_URL', 'S3_BUCKET', 'S3_ENDPOINT', 'VARNISH_URL'] as const

export const EnvSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT_SITE: port(8080),
  PORT_DESK: port(8081),
  PORT_INGEST: port(8082),
  DATA_DIR: z.string().min(1).default('./data'),
  OUTPUT_DIR: z.string().min(1).default('./static-out'),
  PUBLISH_INTERVAL_MS: positiveMs(1000),
  INGEST_API_TOKENS: apiTokens,
  INGEST_MAX_BODY_BYTES: z.coerce.number().int().positive().max(50 * 1024 * 1024).default(1024 * 1024),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...Object.fromEntries(
    NOT_YET_SUPPORTED.map((name) => [
      name,
      z.undefined({ error: `${name} is set, but this version runs on embedded adapters only; unset it` }).optional(),
    ]),
  ),
})

export interface Config {
  host: string
  ports: { site: number; desk: number; ingest: number }
  dataDir: string
  outputDir: string
  publishIntervalMs: number
  /** Undefined: embedded mode generates a token at start and logs it. */
  apiTokens: { client: string; token: string }[] | undefined
  ingestMaxBodyBytes: number
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL']
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
  return {
    ok: true,
    config: {
      host: e.HOST,
      ports: { site: e.PORT_SITE, desk: e.PORT_DESK, ingest: e.PORT_INGEST },
      dataDir: e.DATA_DIR,
      outputDir: e.OUTPUT_DIR,
      publishIntervalMs: e.PUBLISH_INTERVAL_MS,
      apiTokens: e.INGEST_API_TOKENS,
      ingestMaxBodyBytes: e.INGEST_MAX_BODY_BYTES,
      logLevel: e.LOG_LEVEL,
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
