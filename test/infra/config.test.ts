import t from 'tap'
import { parseConfig, loadConfig } from '../../infra/config.js'

t.test('no variables: the embedded defaults', async (t) => {
  const r = parseConfig({})
  t.ok(r.ok)
  if (!r.ok) return
  t.same(r.config.ports, { site: 8080, desk: 8081, ingest: 8082 })
  t.equal(r.config.dataDir, './data')
  t.equal(r.config.outputDir, './static-out')
  t.equal(r.config.apiTokens, undefined)
  t.equal(r.config.publishIntervalMs, 1000)
})

t.test('every problem is listed at once', async (t) => {
  const r = parseConfig({
    PORT_SITE: 'eighty',
    PORT_INGEST: '70000',
    PUBLISH_INTERVAL_MS: '-5',
    INGEST_API_TOKENS: 'nocolon,short:abc',
    LOG_LEVEL: 'loud',
    KAFKA_BROKERS: '127.0.0.1:9092',
  })
  t.notOk(r.ok)
  if (r.ok) return
  const text = r.problems.join('\n')
  for (const v of ['PORT_SITE', 'PORT_INGEST', 'PUBLISH_INTERVAL_MS', 'INGEST_API_TOKENS', 'LOG_LEVEL', 'KAFKA_BROKERS']) {
    t.match(text, v, `${v} is reported`)
  }
  t.match(text, /KAFKA_BROKERS is set, but this version runs on embedded adapters only/)
  t.throws(() => loadConfig({ PORT_SITE: 'x' }), { name: 'ConfigError', message: /PORT_SITE/ })
})

t.test('tokens parse as client:token pairs; empty values count as unset', async (t) => {
  const r = parseConfig({ INGEST_API_TOKENS: 'townhall:0123456789abcdef, vendor:fedcba9876543210xyz', PORT_SITE: '' })
  t.ok(r.ok)
  if (!r.ok) return
  t.same(r.config.apiTokens, [
    { client: 'townhall', token: '0123456789abcdef' },
    { client: 'vendor', token: 'fedcba9876543210xyz' },
  ])
  t.equal(r.config.ports.site, 8080)
})
