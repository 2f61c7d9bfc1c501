// Separation on the wire, proved against the real broker's SASL listener and authorizer
// (TEST_KAFKA_SASL_BROKERS; the SCRAM users' passwords in TEST_KAFKA_SCRAM_FILE, written by
// ops/kafka/kafka.sh). Each service's user gets the grants of infra/bus/kafka-access.ts on this
// test's own topic prefix, then tries what it may and what it may not do.
import { Kafka, logLevel } from 'kafkajs'
import t from 'tap'
import { aclEntriesFor, grantServiceAccess, SERVICE_ACCESS, topicsOf, type KafkaServiceUser } from '../../infra/bus/kafka-access.js'
import { openKafkaBus, type KafkaSasl } from '../../infra/bus/kafka-bus.js'
import type { Bus } from '../../infra/bus/bus.js'
import { createLogger } from '../../infra/logging.js'
import { kafkaScramPasswords, realService, uniqueName } from '../helpers/real-services.js'

const logger = createLogger('silent')
const TOPICS = ['returns', 'elections', 'results', 'credentials', 'security'] as const

t.test('the access matrix is the separation of DESIGN.md', async (t) => {
  t.same(SERVICE_ACCESS.publish, { read: ['results'], write: [] }, 'publish reads only results and writes nothing')
  t.notOk(SERVICE_ACCESS.ingest.read.includes('returns'), 'ingest cannot read back the returns it writes')
  t.notOk(SERVICE_ACCESS.ingest.write.includes('results'), 'ingest cannot forge a result')
  t.same(SERVICE_ACCESS.consolidate.write, ['results'])
  const publishGrants = aclEntriesFor('publish', 'p.')
  t.same(
    [...new Set(publishGrants.filter((e) => e.resourceType === 2).map((e) => e.resourceName))],
    ['p.results'],
    'the publisher is granted one topic',
  )
  t.same(topicsOf('ingest').sort(), ['credentials', 'elections', 'returns', 'security'])
})

t.test('on the real broker, each service user can do exactly what it is granted', async (t) => {
  const brokers = realService(t, 'TEST_KAFKA_SASL_BROKERS')
  if (!brokers) return
  const passwords = kafkaScramPasswords(t)
  if (!passwords) return
  const sasl = (user: string): KafkaSasl => {
    const password = passwords.get(user)
    if (password === undefined) throw new Error(`no password for ${user} in TEST_KAFKA_SCRAM_FILE`)
    return { mechanism: 'scram-sha-256', username: user, password }
  }
  const prefix = `${uniqueName('acl')}.`
  const client = (user: string) => new Kafka({ clientId: `acl-test-${user}`, brokers: brokers.split(','), logLevel: logLevel.NOTHING, sasl: { ...sasl(user), mechanism: 'scram-sha-256' }, retry: { retries: 1 } })

  // The administrator makes the topics and grants; a record on each of [returns] and [results].
  const admin = client('admin').admin()
  await admin.connect()
  t.teardown(() => admin.disconnect())
  await admin.createTopics({ topics: TOPICS.map((name) => ({ topic: `${prefix}${name}`, numPartitions: 1, replicationFactor: 1 })), waitForLeaders: true })
  const granted = await grantServiceAccess(admin, prefix)
  t.same(granted.map((g) => g.user), ['ingest', 'consolidate', 'publish'])
  const adminBus = await openKafkaBus({ brokers: brokers.split(','), clientId: 'acl-admin', topicPrefix: prefix, logger, sasl: sasl('admin') })
  t.teardown(() => adminBus.close())
  await adminBus.produce('returns', [{ key: 'S1', value: '{"a return":1}' }])
  await adminBus.produce('results', [{ key: 'S1', value: '{"a result":1}' }])

  const buses = new Map<KafkaServiceUser, Bus>()
  for (const user of ['ingest', 'consolidate', 'publish'] as const) {
    // Opening registers an idempotent producer: every service may, publish included.
    const bus = await openKafkaBus({ brokers: brokers.split(','), clientId: `acl-${user}`, topicPrefix: prefix, logger, sasl: sasl(user) })
    t.teardown(() => bus.close())
    buses.set(user, bus)
  }
  const bus = (user: KafkaServiceUser) => buses.get(user) as Bus
  const readAll = async (user: KafkaServiceUser, topic: string) => {
    const seen: string[] = []
    const sub = await bus(user).subscribe({ topic, handle: async (records) => void seen.push(...records.map((r) => r.value)) })
    await sub.caughtUp()
    await sub.stop()
    return seen
  }

  t.same(await readAll('publish', 'results'), ['{"a result":1}'], 'publish reads [results]')
  t.same(await readAll('consolidate', 'returns'), ['{"a return":1}'], 'consolidate reads [returns]')
  await t.resolves(bus('ingest').produce('returns', [{ key: 'S2', value: '{"another return":1}' }]), 'ingest writes [returns]')
  await t.resolves(bus('consolidate').produce('results', [{ key: 'S2', value: '{"another result":1}' }]), 'consolidate writes [results]')

  // What each may not do: the broker refuses, whatever the code would try.
  const publishConsumer = client('publish').consumer({ groupId: `${prefix}reader-acl-test` })
  await publishConsumer.connect()
  t.teardown(() => publishConsumer.disconnect())
  await t.rejects(publishConsumer.subscribe({ topics: [`${prefix}returns`], fromBeginning: true }), /authoriz/i, "the publisher's user cannot read [returns]")
  const publishAdmin = client('publish').admin()
  await publishAdmin.connect()
  t.teardown(() => publishAdmin.disconnect())
  await t.rejects(publishAdmin.fetchTopicOffsets(`${prefix}returns`), /authoriz/i, 'nor even see its offsets')
  await t.rejects(bus('publish').produce('results', [{ key: 'S3', value: '{"forged":1}' }]), /authoriz/i, 'nor write [results]')
  await t.rejects(bus('ingest').produce('results', [{ key: 'S3', value: '{"forged":1}' }]), /authoriz/i, 'ingest cannot write [results]')
  const ingestConsumer = client('ingest').consumer({ groupId: `${prefix}reader-acl-test-ingest` })
  await ingestConsumer.connect()
  t.teardown(() => ingestConsumer.disconnect())
  // Ingest may describe [returns] (it creates it if missing), so the refusal comes at the fetch.
  await ingestConsumer.subscribe({ topics: [`${prefix}returns`], fromBeginning: true })
  const ingestRead = await new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('neither a record nor a refusal within 30 s'), 30_000)
    ingestConsumer.on(ingestConsumer.events.CRASH, ({ payload }) => {
      clearTimeout(timer)
      resolve(`refused: ${payload.error.message}`)
    })
    void ingestConsumer.run({
      eachMessage: async ({ message }) => {
        clearTimeout(timer)
        resolve(`read: ${message.value?.toString() ?? ''}`)
      },
    })
  })
  t.match(ingestRead, /^refused: .*authoriz/i, 'ingest cannot read back [returns]')
  await t.rejects(bus('consolidate').produce('returns', [{ key: 'S3', value: '{"forged":1}' }]), /authoriz/i, 'consolidate cannot write [returns]')

  const resultsSeenByPublish = await readAll('publish', 'results')
  t.same(resultsSeenByPublish, ['{"a result":1}', '{"another result":1}'], 'nothing forged reached [results]')
  await admin.deleteTopics({ topics: TOPICS.map((name) => `${prefix}${name}`) })
})
