// The distributed night with separation on the wire: the administrator grants the services' Kafka
// users their topics with `elections kafka acls`, then ingest, consolidate and publish each run as
// their own SCRAM user on the broker's SASL listener, and a replay is published exactly. Proves the
// grants of infra/bus/kafka-access.ts are enough for every service (and test/infra/kafka-access.test.ts
// that they are no more than that).
import { join } from 'node:path'
import t from 'tap'
import { assertTotals, readJson, type PublishedArea } from '../helpers/published-totals.js'
import { deployment, eventually, startService } from '../helpers/distributed.js'
import { kafkaScramPasswords, realService } from '../helpers/real-services.js'
import { runElections } from '../helpers/run-elections.js'
import { readWideLines, wideTotals } from '../helpers/wide-results.js'

const FILE = join(import.meta.dirname, '..', 'fixtures', 'results', '2017-presidentielle-1-extrait_large.csv')

t.test('ingest, consolidate and publish each as their own Kafka user, granted by elections kafka acls', async (t) => {
  const saslBrokers = realService(t, 'TEST_KAFKA_SASL_BROKERS')
  if (!saslBrokers) return
  const passwords = kafkaScramPasswords(t)
  if (!passwords) return
  const dir = t.testdir({})
  const d = await deployment(t, dir, { kafkaBrokers: saslBrokers })
  if (!d) return
  const as = (user: string) => ({ ...d.env, KAFKA_SASL_USERNAME: user, KAFKA_SASL_PASSWORD: passwords.get(user) ?? '' })

  const granted = await runElections(['kafka', 'acls'], as('admin'))
  t.equal(granted.code, 0, `kafka acls exits 0\n${granted.stderr.slice(-2000)}`)
  t.match(granted.stdout, /User:ingest: \d+ grants/)
  t.match(granted.stdout, /User:publish: \d+ grants/)
  const loaded = await runElections(['election', 'load', FILE], as('admin'))
  t.equal(loaded.code, 0, `election load (as admin) exits 0\n${loaded.stderr.slice(-2000)}`)

  await startService(d, 'consolidate', as('consolidate'))
  await startService(d, 'publish', as('publish'))
  const ingest = await startService(d, 'ingest', as('ingest'))
  const replay = await runElections(['replay', FILE, '--target', ingest.url ?? '', '--token', d.token], d.env)
  t.equal(replay.code, 0, `the replay client exits 0\n${replay.stdout.slice(-1000)}${replay.stderr.slice(-2000)}`)

  const { header, rows } = readWideLines(FILE)
  const expected = wideTotals(header, rows)
  const published = await eventually('every station on the national page', async () => {
    const page = readJson<PublishedArea>(join(d.outputDir, 'index.json'))
    return page.stations.reported === expected.stations ? page : undefined
  })
  assertTotals(t, published, expected, 'national, published by services on their own Kafka users')

  const wrong = await startService(d, 'publish', { ...d.env, KAFKA_SASL_USERNAME: 'publish', KAFKA_SASL_PASSWORD: 'not-the-password' }).then(
    (p) => `started: ${p.output().slice(-300)}`,
    (err: unknown) => String(err),
  )
  t.match(wrong, /exited/, 'a wrong password: the service does not start')
})
