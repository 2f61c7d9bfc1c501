// `elections kafka acls`: grants each service's Kafka user (ingest, consolidate, publish) exactly
// the access infra/bus/kafka-access.ts lists, on this deployment's topics (KAFKA_TOPIC_PREFIX).
// Run once per deployment as the cluster's administrator (KAFKA_SASL_USERNAME/PASSWORD), after the
// users exist; running it again changes nothing.
import { Kafka, logLevel } from 'kafkajs'
import { ConfigError, type Config } from '../infra/config.js'
import { grantServiceAccess } from '../infra/bus/kafka-access.js'
import { kafkajsSasl } from '../infra/bus/kafka-bus.js'
import { ServiceUnavailableError } from './adapters.js'

export async function runKafkaAcls(config: Config, out: (line: string) => void): Promise<number> {
  const kafka = config.kafka
  if (kafka === undefined) throw new ConfigError(['KAFKA_BROKERS: kafka acls needs the cluster (and an administrator\'s KAFKA_SASL_USERNAME/PASSWORD)'])
  const client = new Kafka({
    clientId: 'elections-kafka-acls',
    brokers: kafka.brokers,
    logLevel: logLevel.NOTHING,
    ...(kafka.sasl === undefined ? {} : { sasl: kafkajsSasl(kafka.sasl) }),
  })
  const admin = client.admin()
  try {
    await admin.connect()
  } catch (err) {
    throw new ServiceUnavailableError(`cannot reach Kafka at ${kafka.brokers.join(',')}: ${(err as Error).message}`, { cause: err })
  }
  try {
    const prefix = kafka.topicPrefix
    for (const { user, entries } of await grantServiceAccess(admin, prefix)) {
      out(`kafka acls: User:${user}: ${entries} grants on ${prefix === '' ? 'unprefixed' : `"${prefix}"`} topics and groups`)
    }
    return 0
  } finally {
    await admin.disconnect()
  }
}
