// The distributed bus: Kafka through kafkajs. Same contract as the embedded log (bus.ts):
// - produce resolves only once the broker acknowledged with acks=all, from an idempotent
//   producer, so a retried send never writes a record twice;
// - concurrent produce calls are coalesced: while one send is in flight the next records queue
//   and leave together, so a national night is a few thousand sends, not one per return;
// - a subscription with a group commits a batch's offsets only after its handler resolved (the
//   handler's database transaction committed); a failing handler gets the same batch again;
// - a subscription without a group reads every partition from the start and commits nothing.
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { Kafka, Partitioners, logLevel as KafkaLogLevel, type Admin, type Consumer, type LogEntry, type ISocketFactory, type Producer, type SASLOptions } from 'kafkajs'
import type { Logger } from '../logging.js'
import type { Bus, BusRecord, ConsumedRecord, SubscribeOptions, Subscription, TopicSpec } from './bus.js'

export interface KafkaBusOptions {
  brokers: string[]
  clientId: string
  /** Prepended to every topic and group name: several elections or test runs on one cluster. */
  topicPrefix?: string
  /** Replicas of each topic created here; -1 takes the broker's default.replication.factor. */
  replicationFactor?: number
  logger: Logger
  /** Records waiting for the broker beyond this are refused at once (the caller answers 503). */
  maxQueuedRecords?: number
  /** The service's own SCRAM user (infra/bus/kafka-access.ts says what each may do); none on an open listener. */
  sasl?: KafkaSasl
  /** How kafkajs opens its sockets; default plain TCP. Tests pass one that can cut the network. */
  socketFactory?: ISocketFactory
}

export interface KafkaSasl {
  mechanism: 'scram-sha-256' | 'scram-sha-512'
  username: string
  password: string
}

const DEFAULT_MAX_BATCH = 500
const MAX_RECORDS_PER_SEND = 2_000
/**
 * Bytes of keys and values per send. The broker refuses a record batch above message.max.bytes
 * (1 MiB by default), and a send to a one-partition topic is one batch: stay well under it.
 */
const MAX_BYTES_PER_SEND = 900_000
const DEFAULT_MAX_QUEUED = 50_000
const HANDLER_RETRY_MS = 1_000
const CAUGHT_UP_POLL_MS = 100
const CONNECT_TIMEOUT_MS = 5_000
/** Retries without end, but never more than 2 s apart: a restarted broker is used again within seconds. */
const RETRY_FOREVER = { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 2_000 }
/**
 * How long close() waits for each kafkajs client to disconnect. With the broker unreachable a
 * consumer's disconnect never resolves (kafkajs goes on reconnecting), and a service stopped
 * then would never stop: the ops engineer restarting it would wait for nothing.
 */
export const DISCONNECT_DEADLINE_MS = 5_000

function recordBytes(r: BusRecord): number {
  return Buffer.byteLength(r.key) + Buffer.byteLength(r.value)
}

interface Pending {
  topic: string
  records: readonly BusRecord[]
  /** Bytes of the records' keys and values, counted once when queued. */
  bytes: number
  resolve: () => void
  reject: (err: Error) => void
}

/** kafkajs logs through pino, at warn and above only: its info lines are per-connection chatter. */
function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log
      if (level === KafkaLogLevel.ERROR) logger.error({ kafka: extra }, `kafka: ${message}`)
      else if (level === KafkaLogLevel.WARN) logger.warn({ kafka: extra }, `kafka: ${message}`)
    }
}

/** kafkajs types the mechanism per variant. */
export function kafkajsSasl({ mechanism, username, password }: KafkaSasl): SASLOptions {
  return mechanism === 'scram-sha-256' ? { mechanism, username, password } : { mechanism, username, password }
}

export async function openKafkaBus(options: KafkaBusOptions): Promise<Bus> {
  const prefix = options.topicPrefix ?? ''
  const logger = options.logger
  const maxQueued = options.maxQueuedRecords ?? DEFAULT_MAX_QUEUED
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: CONNECT_TIMEOUT_MS,
    logLevel: KafkaLogLevel.WARN,
    logCreator: kafkaLogCreator(logger),
    ...(options.sasl === undefined ? {} : { sasl: kafkajsSasl(options.sasl) }),
    ...(options.socketFactory === undefined ? {} : { socketFactory: options.socketFactory }),
  })
  const admin: Admin = kafka.admin()
  // Idempotent implies acks=all and unbounded retries: a send waits for the broker to come back
  // rather than fail half-written. Callers with a deadline (ingest) answer 503 meanwhile.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // murmur2 of the key, as the Java client: every tool on the cluster agrees on a station's partition.
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
    retry: RETRY_FOREVER,
  })
  try {
    await admin.connect()
    await producer.connect()
  } catch (err) {
    await admin.disconnect().catch(() => undefined)
    await producer.disconnect().catch(() => undefined)
    const as = options.sasl === undefined ? '' : ` as ${options.sasl.username}`
    throw new Error(`cannot reach Kafka at ${options.brokers.join(',')}${as}: ${(err as Error).message}`, { cause: err })
  }

  const subscriptions = new Set<{ stop(): Promise<void> }>()
  const queue: Pending[] = []
  let queuedRecords = 0
  let sending = false
  let closed = false

  const topicName = (name: string) => `${prefix}${name}`

  /** A disconnect that gives up after DISCONNECT_DEADLINE_MS, saying so: the broker keeps nothing of ours that matters. */
  async function disconnectWithin(client: string, disconnect: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const gaveUp = new Promise<'gave up'>((resolve) => {
      timer = setTimeout(() => resolve('gave up'), DISCONNECT_DEADLINE_MS)
    })
    try {
      const outcome = await Promise.race([disconnect().then(() => 'done' as const), gaveUp])
      if (outcome === 'gave up') logger.warn({ client }, `kafka: ${client} did not disconnect within ${DISCONNECT_DEADLINE_MS} ms (broker unreachable?); leaving it`)
    } finally {
      clearTimeout(timer)
    }
  }

  /** Sends everything queued, in sends of at most MAX_RECORDS_PER_SEND records, one at a time. */
  async function drain(): Promise<void> {
    if (sending) return
    sending = true
    try {
      while (queue.length > 0) {
        const batch: Pending[] = []
        let count = 0
        let bytes = 0
        for (;;) {
          const next = queue[0]
          if (next === undefined) break
          if (batch.length > 0 && (count + next.records.length > MAX_RECORDS_PER_SEND || bytes + next.bytes > MAX_BYTES_PER_SEND)) break
          queue.shift()
          batch.push(next)
          count += next.records.length
          bytes += next.bytes
        }
        queuedRecords -= count
        const byTopic = new Map<string, { key: string; value: string }[]>()
        for (const p of batch) {
          const list = byTopic.get(p.topic) ?? []
          for (const r of p.records) list.push({ key: r.key, value: r.value })
          byTopic.set(p.topic, list)
        }
        try {
          await producer.sendBatch({
            acks: -1,
            topicMessages: [...byTopic].map(([topic, messages]) => ({ topic: topicName(topic), messages })),
          })
          for (const p of batch) p.resolve()
        } catch (err) {
          const error = new Error(`kafka: send of ${count} records failed: ${(err as Error).message}`)
          for (const p of batch) p.reject(error)
        }
      }
    } finally {
      sending = false
    }
  }

  async function highWatermarks(topic: string): Promise<Map<number, { low: bigint; high: bigint }>> {
    const offsets = await admin.fetchTopicOffsets(topicName(topic))
    return new Map(offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]))
  }

  /** Resolves once `position()` reaches the high watermarks taken at the call, on every non-empty partition (polling). */
  async function waitUntil(
    topic: string,
    position: () => Promise<Map<number, bigint>>,
    stopped: () => boolean,
  ): Promise<void> {
    const target = await highWatermarks(topic)
    for (;;) {
      if (stopped()) return
      const at = await position()
      let done = true
      for (const [partition, { low, high }] of target) {
        if (high <= low) continue
        if ((at.get(partition) ?? low) < high) {
          done = false
          break
        }
      }
      if (done) return
      await new Promise((r) => setTimeout(r, CAUGHT_UP_POLL_MS))
    }
  }

  return {
    async ensureTopics(specs: readonly TopicSpec[]) {
      const existing = new Set(await admin.listTopics())
      const missing = specs.filter((s) => !existing.has(topicName(s.name)))
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((s) => ({
            topic: topicName(s.name),
            numPartitions: s.partitions,
            replicationFactor: options.replicationFactor ?? -1,
            configEntries: s.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
          })),
        })
        logger.info({ topics: missing.map((s) => topicName(s.name)) }, 'kafka: topics created')
      }
      // A topic made by hand with another partition count keeps it: changing it would move
      // stations between partitions mid-night. Say so instead.
      const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => topicName(s.name)) })
      for (const s of specs) {
        const found = metadata.topics.find((m) => m.name === topicName(s.name))
        if (found && found.partitions.length !== s.partitions) {
          logger.warn({ topic: found.name, partitions: found.partitions.length, expected: s.partitions }, 'kafka: topic has another partition count than configured; keeping it')
        }
      }
    },

    produce(topic, records) {
      if (closed) return Promise.reject(new Error('bus is closed'))
      for (const r of records) {
        if (typeof r.key !== 'string' || typeof r.value !== 'string') return Promise.reject(new Error('bus records need string key and value'))
      }
      if (records.length === 0) return Promise.resolve()
      // A call larger than one send leaves in several; it resolves once every one is durable.
      const groups: { records: BusRecord[]; bytes: number }[] = []
      for (const r of records) {
        const size = recordBytes(r)
        if (size > MAX_BYTES_PER_SEND) {
          return Promise.reject(new Error(`kafka: a record of ${size} bytes (key ${r.key.slice(0, 80)}) exceeds the ${MAX_BYTES_PER_SEND} bytes a send may carry`))
        }
        const last = groups[groups.length - 1]
        if (last === undefined || last.bytes + size > MAX_BYTES_PER_SEND) {
          groups.push({ records: [r], bytes: size })
        } else {
          last.records.push(r)
          last.bytes += size
        }
      }
      if (queuedRecords + records.length > maxQueued) {
        return Promise.reject(new Error(`kafka: ${queuedRecords} records already wait for the broker; refusing more until it answers`))
      }
      const sent = groups.map(
        (group) =>
          new Promise<void>((resolve, reject) => {
            queue.push({ topic, records: group.records, bytes: group.bytes, resolve, reject })
            queuedRecords += group.records.length
          }),
      )
      void drain()
      return Promise.all(sent).then(() => undefined)
    },

    async subscribe(opts: SubscribeOptions): Promise<Subscription> {
      if (closed) throw new Error('bus is closed')
      const grouped = opts.group !== undefined
      // Without a group, a private one that never commits: every start reads from the beginning.
      const groupId = grouped ? `${prefix}${opts.group}` : `${prefix}reader-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`
      const maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH
      const topic = topicName(opts.topic)
      /** Next offset to handle, per partition (the local view; groups are judged by their commits). */
      const positions = new Map<number, bigint>()
      let running = true
      // A consumer that crashes (the broker gone) restarts itself, for ever; once stopped, never:
      // its disconnect may have given up, and a restart would reconnect and keep the process alive.
      const consumer: Consumer = kafka.consumer({
        groupId,
        allowAutoTopicCreation: false,
        retry: { ...RETRY_FOREVER, restartOnFailure: async () => running },
      })

      await consumer.connect()
      await consumer.subscribe({ topics: [topic], fromBeginning: true })
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const messages = batch.messages
          for (let i = 0; i < messages.length; i += maxBatch) {
            const chunk = messages.slice(i, i + maxBatch)
            const records: ConsumedRecord[] = chunk.map((m) => ({
              key: m.key?.toString('utf8') ?? '',
              value: m.value?.toString('utf8') ?? '',
              partition: batch.partition,
              offset: m.offset,
            }))
            for (;;) {
              if (!isRunning() || isStale()) return
              try {
                await opts.handle(records)
                break
              } catch (err) {
                logger.error({ err, topic, group: opts.group, partition: batch.partition }, 'bus handler failed; retrying the batch')
                await new Promise((r) => setTimeout(r, HANDLER_RETRY_MS))
              }
            }
            const last = chunk[chunk.length - 1]?.offset as string
            const next = (BigInt(last) + 1n).toString()
            if (grouped) await consumer.commitOffsets([{ topic, partition: batch.partition, offset: next }])
            resolveOffset(last)
            positions.set(batch.partition, BigInt(next))
            await heartbeat()
          }
        },
      })

      const committed = async (): Promise<Map<number, bigint>> => {
        const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] })
        return new Map((entry?.partitions ?? []).filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, BigInt(p.offset)]))
      }
      const sub = {
        caughtUp(): Promise<void> {
          return waitUntil(opts.topic, grouped ? committed : async () => positions, () => !running)
        },
        async stop() {
          if (!running) return
          running = false
          subscriptions.delete(sub)
          await disconnectWithin(`consumer of ${topic}`, () => consumer.disconnect())
        },
      }
      subscriptions.add(sub)
      return sub
    },

    async close() {
      if (closed) return
      closed = true
      // Each step waits at most DISCONNECT_DEADLINE_MS: the consumers, then the clients that write.
      await Promise.all([...subscriptions].map((s) => s.stop()))
      // Nothing queued will be sent now: say so to whoever waits (ingest answered nothing yet).
      for (const p of queue.splice(0)) p.reject(new Error('bus is closed'))
      queuedRecords = 0
      await Promise.all([disconnectWithin('producer', () => producer.disconnect()), disconnectWithin('admin', () => admin.disconnect())])
    },
  }
}
