// One bus contract, two implementations: the embedded log and a real Kafka broker
// (TEST_KAFKA_BROKERS; bash .ci/run starts one). Each Kafka run uses its own topic prefix.
import t from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openEmbeddedBus } from '../../infra/bus/embedded-bus.js'
import { openKafkaBus } from '../../infra/bus/kafka-bus.js'
import { createLogger } from '../../infra/logging.js'
import { busContract } from '../helpers/bus-contract.js'
import { realService, uniqueName } from '../helpers/real-services.js'

const logger = createLogger('warn')

t.test('embedded bus', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bus-contract-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  busContract(t, { open: () => openEmbeddedBus(dir, { logger }), partitions: 1 })
})

t.test('kafka bus', async (t) => {
  const brokers = realService(t, 'TEST_KAFKA_BROKERS')
  if (!brokers) return
  const topicPrefix = `${uniqueName('contract')}.`
  busContract(t, {
    open: () => openKafkaBus({ brokers: brokers.split(','), clientId: 'bus-contract', topicPrefix, replicationFactor: 1, logger }),
    partitions: 3,
  })
})
