// Hostile input, parser by parser (issue 9): whatever bytes arrive, each parser answers with a
// value or a reason a person can act on, and never throws; what it accepts is exactly what its
// schema allows. Property-based: fast-check draws thousands of inputs, biased towards the nasty
// ones (deep nesting, huge numbers, "__proto__", control and astral characters, path segments).
import fc from 'fast-check'
import t from 'tap'
import { CredentialRecordSchema, LockoutSchema } from '../../core/credentials.js'
import { ElectionDefinitionPartSchema, ResultsMessageSchema } from '../../core/messages.js'
import { CodeSchema, ReturnSubmittedSchema } from '../../core/schemas.js'
import { parseMessage } from '../../consolidate/message-parsing.js'
import { parseConfig } from '../../infra/config.js'
import { assertSafeKey } from '../../infra/storage/storage-key.js'
import { resolveKey } from '../../infra/storage/fs-storage.js'

const RUNS = { numRuns: 3_000, seed: 20261122 }

/** Strings that look like attacks: path climbing, encoded dots, NUL, markup, SQL. */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.constantFrom('..', '../..', '..\\..', '%2e%2e/', '/etc/passwd', 'a/../../b', '.', 'a\u0000b', '<script>alert(1)</script>', "'; DROP TABLE returns; --", '__proto__', 'constructor', '\u202e', '𝔘𝔫𝔦'),
  fc.tuple(fc.string(), fc.constantFrom('/', '\\', '..', '\u0000', '%2f')).map(([s, sep]) => `${s}${sep}${s}`),
)

t.test('bus records: any value is a message or a reason, never an exception', async (t) => {
  const schemas = [
    ['return', ReturnSubmittedSchema],
    ['results message', ResultsMessageSchema],
    ['definition part', ElectionDefinitionPartSchema],
    ['credential record', CredentialRecordSchema],
    ['lockout', LockoutSchema],
  ] as const
  const values = fc.oneof(
    fc.string({ unit: 'binary' }),
    fc.json(),
    fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
    fc.jsonValue().map((v) => JSON.stringify({ type: 'return', ...(typeof v === 'object' && v !== null ? v : { v }) })),
  )
  let accepted = 0
  for (const [what, schema] of schemas) {
    fc.assert(
      fc.property(values, (value) => {
        const parsed = parseMessage(schema, value, what)
        if (parsed.ok) {
          accepted++
          // What it accepts, its schema accepts again: nothing half-checked gets through.
          return schema.safeParse(JSON.parse(value)).success
        }
        return typeof parsed.reason === 'string' && parsed.reason.length > 0 && parsed.reason.length < 2_000
      }),
      RUNS,
    )
  }
  t.pass(`${schemas.length} schemas × ${RUNS.numRuns} values, ${accepted} accepted`)
})

t.test('configuration: any environment is a configuration or a list of problems naming variables', async (t) => {
  const names = [
    'PORT_SITE', 'PORT_INGEST', 'KAFKA_BROKERS', 'KAFKA_PARTITIONS', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'DATABASE_URL',
    'REDIS_URL', 'S3_BUCKET', 'S3_ENDPOINT', 'S3_PREFIX', 'VARNISH_URL', 'INGEST_API_TOKENS', 'INGEST_MAX_BODY_BYTES', 'LOG_LEVEL',
    'PUBLISH_INTERVAL_MS', 'SCAN_MAX_BYTES', 'SCANS_DIR', 'OUTPUT_DIR', 'PHONE_WEBHOOK_SECRET', 'DESK_SECURE_COOKIES',
  ]
  const value = fc.oneof(hostileString, fc.integer().map(String), fc.constantFrom('', ' ', '0', '-1', '1e309', 'NaN', 'true', 'http://', 'redis://[::1'))
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 8 }), (env) => {
      const result = parseConfig(env)
      if (result.ok) return true
      return result.problems.length > 0 && result.problems.every((p) => names.some((n) => p.includes(n)))
    }),
    RUNS,
  )
  t.pass('every environment parsed without an exception')
})

t.test('codes and storage keys: nothing that can climb out of a folder or an S3 prefix is accepted', async (t) => {
  fc.assert(
    fc.property(hostileString, (s) => {
      const code = CodeSchema.safeParse(s)
      // A code is a single safe path segment: it can never be '.', '..', or hold a separator.
      if (code.success && (s === '.' || s === '..' || /[/\\%]/.test(s) || s.includes('\u0000'))) return false
      for (const key of [s, `commune/${s}/index.html`, `${s}/index.html`]) {
        let safe = true
        try {
          assertSafeKey(key)
        } catch {
          safe = false
        }
        if (!safe) continue
        // A key the rule lets through stays inside the folder.
        const full = resolveKey('/srv/out', key)
        if (!full.startsWith('/srv/out/')) return false
        if (key.split('/').some((seg) => seg === '..' || seg === '.')) return false
      }
      return true
    }),
    RUNS,
  )
  for (const evil of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a\\..\\b', 'a/./b', '', 'a\u0000']) {
    t.throws(() => assertSafeKey(evil), `refused: ${JSON.stringify(evil)}`)
  }
})
