// A Kafka bus whose broker has become unreachable still closes, within its deadline, and tells
// whoever waits on an unacknowledged produce. `bench/night --chaos` found ingest stuck for good in
// its clean-up after SIGTERM once the broker was gone: kafkajs's consumer disconnect never resolves
// while it keeps reconnecting. The network is cut here through the socket factory kafkajs opens
// its connections with; the broker itself (TEST_KAFKA_BROKERS) stays up for the other tests.
import t from 'tap'
import { connect, createServer, type Socket } from 'node:net'
import type { ISocketFactory } from 'kafkajs'
import { DISCONNECT_DEADLINE_MS, openKafkaBus } from '../../infra/bus/kafka-bus.js'
import type { ConsumedRecord } from '../../infra/bus/bus.js'
import { createLogger } from '../../infra/logging.js'
import { realService, uniqueName } from '../helpers/real-services.js'

/** A loopback port nobody listens on: connecting to it is refused at once, as to a dead broker. */
async function refusedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** kafkajs's sockets, until cut(): then every open one is destroyed and every new one refused. */
function cuttableNetwork(deadPort: number) {
  const open = new Set<Socket>()
  let isCut = false
  let refusedAttempts = 0
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    if (isCut) {
      refusedAttempts++
      return connect({ host: '127.0.0.1', port: deadPort }, onConnect)
    }
    const socket = connect({ host, port }, onConnect)
    open.add(socket)
    socket.on('close', () => open.delete(socket))
    return socket
  }
  return {
    socketFactory,
    cut() {
      isCut = true
      // As a broker that died: the connection resets (a plain destroy() would go unnoticed).
      for (const socket of open) socket.destroy(Object.assign(new Error('read ECONNRESET (network cut by the test)'), { code: 'ECONNRESET' }))
    },
    refusedAttempts: () => refusedAttempts,
  }
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

t.test('a kafka bus closes within its deadline once the broker is unreachable', async (t) => {
  const brokers = realService(t, 'TEST_KAFKA_BROKERS')
  if (!brokers) return
  const network = cuttableNetwork(await refusedPort())
  const bus = await openKafkaBus({
    brokers: brokers.split(','),
    clientId: 'bus-unreachable',
    topicPrefix: `${uniqueName('unreachable')}.`,
    replicationFactor: 1,
    logger: createLogger(process.env.BUS_TEST_LOG ?? 'silent'),
    socketFactory: network.socketFactory,
  })
  let closed = false
  t.teardown(async () => {
    if (!closed) await bus.close()
  })
  await bus.ensureTopics([{ name: 'returns', partitions: 1, compacted: false }])
  const grouped: ConsumedRecord[] = []
  const read: ConsumedRecord[] = []
  await bus.subscribe({ topic: 'returns', group: 'consolidate', handle: async (records) => void grouped.push(...records) })
  await bus.subscribe({ topic: 'returns', handle: async (records) => void read.push(...records) })
  await bus.produce('returns', [{ key: 'station-1', value: 'before the cut' }])
  await until('both subscriptions to get the record', () => grouped.length === 1 && read.length === 1, 30_000)
  t.same(
    [grouped[0]?.value, read[0]?.value],
    ['before the cut', 'before the cut'],
    'the bus works through the test network before the cut',
  )

  network.cut()
  await until('kafkajs to try the broker again after the cut', () => network.refusedAttempts() > 0, 30_000)
  const unacknowledged = bus.produce('returns', [{ key: 'station-2', value: 'during the outage' }])
  const outcome = unacknowledged.then(
    () => 'acknowledged',
    (err: Error) => err.message,
  )

  const started = Date.now()
  await bus.close()
  closed = true
  const tookMs = Date.now() - started
  // Consumers first, then producer and admin together: two deadlines at most, plus a little.
  t.ok(tookMs <= 2 * DISCONNECT_DEADLINE_MS + 2_000, `close() returned after ${tookMs} ms with the broker unreachable (at most ${2 * DISCONNECT_DEADLINE_MS + 2_000} ms)`)
  t.not(await outcome, 'acknowledged', `a produce the broker never acknowledged is rejected, not left waiting (${await outcome})`)
  await t.rejects(bus.produce('returns', [{ key: 'station-3', value: 'after close' }]), /bus is closed/, 'and the closed bus refuses new records')

  // A consumer left reconnecting would keep the stopped service's process alive for ever.
  let attempts = network.refusedAttempts()
  let quietSince = Date.now()
  await until(
    'kafkajs to stop trying the broker after close',
    () => {
      if (network.refusedAttempts() !== attempts) {
        attempts = network.refusedAttempts()
        quietSince = Date.now()
      }
      return Date.now() - quietSince >= 5_000
    },
    45_000,
  )
  t.pass(`no connection attempt for 5 s after close (${attempts} refused in all)`)
})
