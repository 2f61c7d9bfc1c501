import t from 'tap'
import { parseConfig, loadConfig } from '../../infra/config.js'

t.test('no variables: the embedded defaults', async (t) => {
  const r = parseConfig({})
  t.ok(r.ok)
  if (!r.ok) return
  t.same(r.config.ports, { site: 8080, desk: 8081, ingest: 8082, consolidate: 8083, publish: 8084 })
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
    KAFKA_BROKERS: 'kafka-without-port',
    DATABASE_URL: 'mysql://root:secret-password@db/x',
    VARNISH_URL: 'varnish:6081',
  })
  t.notOk(r.ok)
  if (r.ok) return
  const text = r.problems.join('\n')
  for (const v of ['PORT_SITE', 'PORT_INGEST', 'PUBLISH_INTERVAL_MS', 'INGEST_API_TOKENS', 'LOG_LEVEL', 'KAFKA_BROKERS', 'DATABASE_URL', 'VARNISH_URL']) {
    t.match(text, v, `${v} is reported`)
  }
  t.notMatch(text, /secret-password/, 'a URL holding a password is never repeated in the error')
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

t.test('real services: each variable switches its adapter; unset means embedded', async (t) => {
  const embedded = parseConfig({})
  t.ok(embedded.ok)
  if (!embedded.ok) return
  t.equal(embedded.config.kafka, undefined, 'no KAFKA_BROKERS: the embedded bus')
  t.equal(embedded.config.databaseUrl, undefined, 'no DATABASE_URL: PGlite')
  t.equal(embedded.config.redis, undefined, 'no REDIS_URL: the memory cache')
  t.equal(embedded.config.s3, undefined, 'no S3_BUCKET: the folder only')
  t.equal(embedded.config.varnishUrls, undefined, 'no VARNISH_URL: no purge')

  const real = parseConfig({
    KAFKA_BROKERS: '10.0.0.1:9092, 10.0.0.2:9092',
    KAFKA_TOPIC_PREFIX: 'rehearsal.',
    DATABASE_URL: 'postgres://elections_consolidate@db:5432/elections',
    REDIS_URL: 'redis://cache:6379',
    S3_BUCKET: 'results-2027',
    S3_ENDPOINT: 'http://127.0.0.1:9000',
    VARNISH_URL: 'http://10.0.1.1:6081,http://10.0.1.2:6081',
  })
  t.ok(real.ok)
  if (!real.ok) return
  t.same(real.config.kafka, { brokers: ['10.0.0.1:9092', '10.0.0.2:9092'], topicPrefix: 'rehearsal.', partitions: 12, replicationFactor: -1 })
  t.equal(real.config.databaseUrl, 'postgres://elections_consolidate@db:5432/elections')
  t.same(real.config.redis, { url: 'redis://cache:6379', keyPrefix: 'elections:' })
  t.same(real.config.s3, { bucket: 'results-2027', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', prefix: '' })
  t.same(real.config.varnishUrls, ['http://10.0.1.1:6081', 'http://10.0.1.2:6081'])
  t.equal(real.config.outputDir, undefined, 'S3 without OUTPUT_DIR: no folder')

  const both = parseConfig({ S3_BUCKET: 'results-2027', OUTPUT_DIR: '/srv/www' })
  t.ok(both.ok && both.config.outputDir === '/srv/www', 'S3 and OUTPUT_DIR: both')

  const endpointOnly = parseConfig({ S3_ENDPOINT: 'http://127.0.0.1:9000' })
  t.notOk(endpointOnly.ok, 'an S3 endpoint without a bucket is refused')
  if (!endpointOnly.ok) t.match(endpointOnly.problems.join('\n'), /S3_BUCKET/)
})

t.test('scans of tally sheets: a private folder by default, S3 when a bucket is named, never inside the output', async (t) => {
  const embedded = parseConfig({ DATA_DIR: '/var/lib/elections' })
  t.ok(embedded.ok)
  if (!embedded.ok) return
  t.same(embedded.config.scans, { kind: 'folder', dir: '/var/lib/elections/scans' }, 'DATA_DIR/scans by default')
  t.equal(embedded.config.scanMaxBytes, 10_000_000, '10 MB by default')
  t.same(embedded.config.form, { secureCookies: true, helpline: undefined })

  const s3 = parseConfig({ S3_BUCKET: 'results-2027', S3_PREFIX: '2027/', S3_ENDPOINT: 'http://127.0.0.1:9000', SCAN_MAX_BYTES: '2000000' })
  t.ok(s3.ok)
  if (!s3.ok) return
  t.same(s3.config.scans, { kind: 's3', bucket: 'results-2027', endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', prefix: 'scans/' }, 'at the bucket root, outside the pages’ prefix')
  t.equal(s3.config.scanMaxBytes, 2_000_000)

  const ownBucket = parseConfig({ S3_BUCKET: 'results-2027', SCANS_S3_BUCKET: 'prefecture-scans' })
  t.match(ownBucket.ok && ownBucket.config.scans, { kind: 's3', bucket: 'prefecture-scans' }, 'a private bucket of their own')
  const folderWins = parseConfig({ S3_BUCKET: 'results-2027', SCANS_DIR: '/srv/scans' })
  t.same(folderWins.ok && folderWins.config.scans, { kind: 'folder', dir: '/srv/scans' }, 'SCANS_DIR names a folder even with S3')

  const published = parseConfig({ OUTPUT_DIR: '/srv/www', SCANS_DIR: '/srv/www/scans' })
  t.notOk(published.ok, 'a scans folder inside the published output is refused')
  if (!published.ok) t.match(published.problems.join('\n'), /SCANS_DIR: scans must not be inside the published output/)
  const dataInOutput = parseConfig({ OUTPUT_DIR: 'out', DATA_DIR: 'out/data' })
  t.notOk(dataInOutput.ok, 'nor the default DATA_DIR/scans when DATA_DIR lies in the output')

  const bad = parseConfig({ SCAN_MAX_BYTES: '10', FORM_SECURE_COOKIES: 'yes', SCANS_S3_BUCKET: 'Not_A_Bucket' })
  t.notOk(bad.ok)
  if (!bad.ok) for (const v of ['SCAN_MAX_BYTES', 'FORM_SECURE_COOKIES', 'SCANS_S3_BUCKET']) t.match(bad.problems.join('\n'), v, `${v} is reported`)
})

t.test('result pages: the map files and the scans address', async (t) => {
  const none = parseConfig({})
  t.same(none.ok && none.config.publishPages, { mapFiles: undefined, scansBaseUrl: undefined })
  const set = parseConfig({ PUBLISH_MAP_GEOJSON: 'a.geojson, b.geojson', PUBLISH_SCANS_URL: 'https://pv.example.fr/2027/' })
  t.same(set.ok && set.config.publishPages, { mapFiles: ['a.geojson', 'b.geojson'], scansBaseUrl: 'https://pv.example.fr/2027/' })
  const bad = parseConfig({ PUBLISH_MAP_GEOJSON: ' , ', PUBLISH_SCANS_URL: 'ftp://pv' })
  t.notOk(bad.ok)
  if (bad.ok) return
  t.match(bad.problems.join('\n'), /PUBLISH_MAP_GEOJSON: expected one or more GeoJSON file paths/)
  t.match(bad.problems.join('\n'), /PUBLISH_SCANS_URL/)
})
