// The bus: durable topics of keyed records. Embedded: an fsynced log on disk (embedded-bus.ts);
// distributed: Kafka. Services depend on this interface only.

export interface BusRecord {
  key: string
  value: string
}

export interface ConsumedRecord extends BusRecord {
  partition: number
  /** Position in the partition, as a decimal string (Kafka offsets exceed 2^53 in theory). */
  offset: string
}

export interface TopicSpec {
  name: string
  partitions: number
  /** Keep only the latest record per key (Kafka log compaction). */
  compacted: boolean
}

export type BatchHandler = (records: ConsumedRecord[]) => Promise<void>

export interface SubscribeOptions {
  topic: string
  /**
   * Consumer group. With a group, offsets are committed after `handle` resolves, so a crash
   * redelivers the batch (handlers are idempotent). Without one, the subscription reads the topic
   * from its start and commits nothing: the publisher rebuilds its state this way.
   */
  group?: string
  handle: BatchHandler
  maxBatch?: number
}

export interface Subscription {
  /** Resolves once every record present in the topic when this was called has been handled. */
  caughtUp(): Promise<void>
  stop(): Promise<void>
}

export interface Bus {
  ensureTopics(specs: readonly TopicSpec[]): Promise<void>
  /** Resolves only once every record is durable; rejects otherwise (the caller answers 503). */
  produce(topic: string, records: readonly BusRecord[]): Promise<void>
  subscribe(options: SubscribeOptions): Promise<Subscription>
  close(): Promise<void>
}
