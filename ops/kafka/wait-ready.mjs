// Protocol-level readiness probe for the local Kafka broker, using kafkajs itself.
// Succeeds once Metadata (describeCluster) and a group-coordinator lookup both work;
// the lookup also makes the broker create __consumer_offsets, so the first test does not pay for it.
//
//   node ops/kafka/wait-ready.mjs
// Env: KAFKA_BROKERS (default 127.0.0.1:<KAFKA_PORT or 9092>), KAFKA_READY_TIMEOUT (seconds, default 60).
import kafkajs from 'kafkajs'

const { Kafka, logLevel } = kafkajs
const brokers = (process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`).split(',')
const timeoutMs = Number(process.env.KAFKA_READY_TIMEOUT ?? 60) * 1000
const started = Date.now()
const kafka = new Kafka({
  clientId: 'wait-ready',
  brokers,
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  retry: { retries: 0 },
})

let lastError
while (Date.now() - started < timeoutMs) {
  const admin = kafka.admin()
  try {
    await admin.connect()
    const { brokers: live } = await admin.describeCluster()
    await admin.describeGroups(['wait-ready-probe'])
    await admin.disconnect()
    const took = ((Date.now() - started) / 1000).toFixed(1)
    console.log(`kafka ready: ${live.map((b) => `${b.host}:${b.port}`).join(', ')} (${took}s)`)
    process.exit(0)
  } catch (err) {
    lastError = err
    await admin.disconnect().catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
console.error(`kafka not ready after ${timeoutMs / 1000}s: ${lastError?.message ?? 'timeout'}`)
process.exit(1)
