// The embedded bus: one append-only file per topic under DATA_DIR/bus. A record is acknowledged
// (produce() resolves) only after its bytes are written and fdatasync'd, so a receipt survives
// kill -9 and power loss. Appends are group-committed: every record queued while one fsync runs
// goes out with the next one, which keeps a burst of thousands of returns at a few fsyncs.
//
// Line format: `<crc32 hex> <offset> <json [key, value]>\n`. The CRC detects a torn last line
// after a crash; it is cut off at open (it was never acknowledged). Offsets are written in the
// line so that compaction (results topic) keeps every surviving record's offset.
//
// In memory a topic keeps each record's offset, key and place in the file, not its value: a
// consumer's batch is read back from the file. France's `[results]` alone is 70,000 values, about
// 40 MB of strings in every process that opened the log, held for nothing once consumed.
import { closeSync, existsSync, fdatasyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, fstatSync, ftruncateSync, writeFileSync, writeSync, unlinkSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import type { Logger } from '../logging.js'
import type { Bus, BusRecord, ConsumedRecord, SubscribeOptions, Subscription, TopicSpec } from './bus.js'

interface StoredRecord {
  offset: number
  key: string
  value: string
}

/** A record's place in its log file: its line is `bytes` long from byte `at`, newline included. */
interface IndexedRecord {
  offset: number
  key: string
  at: number
  bytes: number
}

interface Pending {
  records: readonly BusRecord[]
  resolve: () => void
  reject: (err: Error) => void
}

const TOPIC_NAME = /^[A-Za-z0-9._-]+$/
const GROUP_NAME = /^[A-Za-z0-9._-]+$/
const DEFAULT_MAX_BATCH = 500
const HANDLER_RETRY_MS = 1000

class TopicLog {
  private records: IndexedRecord[] = []
  nextOffset = 0
  private queue: Pending[] = []
  private flushing = false
  private waiters: (() => void)[] = []
  /** Bytes acknowledged so far: a failed write is cut back to this length. */
  private size: number

  constructor(
    readonly name: string,
    private readonly dir: string,
    /** Opened for appending and reading ('a+'): writes go to the end, reads name their position. */
    private readonly fd: FileHandle,
  ) {
    this.size = fstatSync(fd.fd).size
  }

  static async open(root: string, name: string, compacted: boolean, logger?: Logger): Promise<TopicLog> {
    const dir = join(root, name)
    mkdirSync(join(dir, 'groups'), { recursive: true })
    const path = join(dir, 'log')
    const loaded = loadLog(path, logger)
    let records = loaded.records
    if (compacted && records.length > 1000) records = compactIfWorthIt(path, records, loaded.bytes)
    const fd = await open(path, 'a+')
    const log = new TopicLog(name, dir, fd)
    log.records = records
    log.nextOffset = loaded.nextOffset
    return log
  }

  append(records: readonly BusRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject })
      if (!this.flushing) void this.flush()
    })
  }

  private async flush(): Promise<void> {
    this.flushing = true
    while (this.queue.length > 0) {
      const batch = this.queue
      this.queue = []
      const stored: IndexedRecord[] = []
      let offset = this.nextOffset
      let at = this.size
      const lines: string[] = []
      for (const p of batch) {
        for (const r of p.records) {
          const line = encodeLine({ offset, key: r.key, value: r.value })
          const length = Buffer.byteLength(line)
          stored.push({ offset: offset++, key: r.key, at, bytes: length })
          at += length
          lines.push(line)
        }
      }
      const bytes = Buffer.from(lines.join(''))
      try {
        await this.fd.write(bytes)
        await this.fd.datasync()
        this.size += bytes.length
      } catch (err) {
        // Nothing of this batch is acknowledged. Cut what may have reached the file so a later
        // batch cannot be read back after a record that was reported as failed.
        await this.fd.truncate(this.size).catch(() => undefined)
        try {
          // Where the next batch lands, should the cut have failed: its records are read back from there.
          this.size = fstatSync(this.fd.fd).size
        } catch {
          // The next write fails too, and is reported to its producers.
        }
        for (const p of batch) p.reject(err instanceof Error ? err : new Error(String(err)))
        continue
      }
      this.nextOffset = offset
      for (const r of stored) this.records.push(r)
      for (const p of batch) p.resolve()
      this.wake()
    }
    this.flushing = false
  }

  /** Records with offset ≥ `from`, at most `max`, read back from the file (their lines follow each other). */
  readFrom(from: number, max: number): StoredRecord[] {
    const start = lowerBound(this.records, from)
    const wanted = this.records.slice(start, start + max)
    const first = wanted[0]
    const last = wanted.at(-1)
    if (first === undefined || last === undefined) return []
    const buf = readExactly(this.fd.fd, first.at, last.at + last.bytes - first.at, `bus log ${this.name}`)
    return wanted.map((r) => {
      const rec = decodeLine(buf.toString('utf8', r.at - first.at, r.at - first.at + r.bytes - 1))
      if (rec?.offset !== r.offset || rec.key !== r.key) throw new Error(`bus log ${this.name}: the record at byte ${r.at} is not offset ${r.offset}; was the file changed by another process?`)
      return rec
    })
  }

  /** Resolves when a new record is appended (or after `ms`, so stop() is noticed). */
  waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter)
        resolve()
      }, ms)
      this.waiters.push(waiter)
    })
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  readCommitted(group: string): number {
    const path = join(this.dir, 'groups', `${group}.offset`)
    if (!existsSync(path)) return 0
    const n = Number(readFileSync(path, 'utf8').trim())
    return Number.isSafeInteger(n) && n >= 0 ? n : 0
  }

  /** Atomic and durable: the offset file is replaced by rename after an fsync. */
  commit(group: string, nextOffset: number): void {
    const path = join(this.dir, 'groups', `${group}.offset`)
    const tmp = `${path}.tmp`
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, String(nextOffset))
      fdatasyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, path)
  }

  async drain(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5))
  }

  async close(): Promise<void> {
    await this.drain()
    this.wake()
    await this.fd.close()
  }
}

function encodeLine(r: StoredRecord): string {
  const body = `${r.offset} ${JSON.stringify([r.key, r.value])}`
  return `${crc32(body).toString(16).padStart(8, '0')} ${body}\n`
}

function decodeLine(line: string): StoredRecord | undefined {
  const sp = line.indexOf(' ')
  if (sp !== 8) return undefined
  const body = line.slice(9)
  if (crc32(body).toString(16).padStart(8, '0') !== line.slice(0, 8)) return undefined
  const sp2 = body.indexOf(' ')
  const offset = Number(body.slice(0, sp2))
  try {
    const [key, value] = JSON.parse(body.slice(sp2 + 1)) as [unknown, unknown]
    if (typeof key !== 'string' || typeof value !== 'string' || !Number.isSafeInteger(offset)) return undefined
    return { offset, key, value }
  } catch {
    return undefined
  }
}

/** Reads a log file, cutting a torn or corrupt tail (a write that was never acknowledged). */
function loadLog(path: string, logger?: Logger): { records: IndexedRecord[]; nextOffset: number; bytes: Buffer } {
  if (!existsSync(path)) {
    writeFileSync(path, '')
    return { records: [], nextOffset: 0, bytes: Buffer.alloc(0) }
  }
  const buf = readAll(path)
  const records: IndexedRecord[] = []
  let pos = 0
  let nextOffset = 0
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos)
    const rec = nl === -1 ? undefined : decodeLine(buf.toString('utf8', pos, nl))
    if (rec === undefined || rec.offset < nextOffset) {
      if (hasValidLineAfter(buf, nl)) {
        // Not a torn tail: acknowledged records follow. Cutting here would lose them.
        throw new Error(`bus log ${path} is corrupt at byte ${pos} with valid records after it; refusing to start (move the file aside and investigate)`)
      }
      logger?.warn({ path, at: pos, size: buf.length }, 'bus log: cutting an unacknowledged torn tail')
      const fd = openSync(path, 'r+')
      try {
        ftruncateSync(fd, pos)
        fdatasyncSync(fd)
      } finally {
        closeSync(fd)
      }
      break
    }
    records.push({ offset: rec.offset, key: rec.key, at: pos, bytes: nl + 1 - pos })
    nextOffset = rec.offset + 1
    pos = nl + 1
  }
  return { records, nextOffset, bytes: buf }
}

function hasValidLineAfter(buf: Buffer, nl: number): boolean {
  if (nl === -1) return false
  let pos = nl + 1
  while (pos < buf.length) {
    const next = buf.indexOf(10, pos)
    if (next === -1) return false
    if (decodeLine(buf.toString('utf8', pos, next)) !== undefined) return true
    pos = next + 1
  }
  return false
}

function readAll(path: string): Buffer {
  const fd = openSync(path, 'r')
  try {
    return readExactly(fd, 0, fstatSync(fd).size, `bus log ${path}`)
  } finally {
    closeSync(fd)
  }
}

/** `length` bytes of `fd` from `position`; throws when the file ends first. */
function readExactly(fd: number, position: number, length: number, what: string): Buffer {
  const buf = Buffer.allocUnsafe(length)
  let read = 0
  while (read < length) {
    const n = readSync(fd, buf, read, length - read, position + read)
    if (n === 0) throw new Error(`${what}: ends before byte ${position + length}; was it truncated by another process?`)
    read += n
  }
  return buf
}

/**
 * Keeps the latest record per key when most of the log is superseded, as Kafka compaction would.
 * `file` is the log's bytes, which the records index; the kept lines are copied as they are.
 */
function compactIfWorthIt(path: string, records: IndexedRecord[], file: Buffer): IndexedRecord[] {
  const latest = new Map<string, number>()
  records.forEach((r, i) => latest.set(r.key, i))
  if (latest.size * 2 > records.length) return records
  const kept: IndexedRecord[] = []
  const lines: Buffer[] = []
  let at = 0
  records.forEach((r, i) => {
    if (latest.get(r.key) !== i) return
    lines.push(file.subarray(r.at, r.at + r.bytes))
    kept.push({ ...r, at })
    at += r.bytes
  })
  const tmp = `${path}.compact`
  const fd = openSync(tmp, 'w')
  try {
    writeSync(fd, Buffer.concat(lines, at))
    fdatasyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
  return kept
}

function lowerBound(records: readonly IndexedRecord[], offset: number): number {
  let lo = 0
  let hi = records.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((records[mid]?.offset ?? 0) < offset) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Refuses a second process on the same data folder: two writers would interleave the logs. */
function acquireLock(root: string): () => void {
  const path = join(root, 'LOCK')
  if (existsSync(path)) {
    const pid = Number(readFileSync(path, 'utf8').trim())
    if (Number.isSafeInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new Error(`the bus folder ${root} is in use by process ${pid}; stop it or use another DATA_DIR`)
    }
  }
  writeFileSync(path, String(process.pid))
  return () => {
    try {
      if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path)
    } catch {
      // already gone
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function openEmbeddedBus(dir: string, options: { logger?: Logger } = {}): Promise<Bus> {
  mkdirSync(dir, { recursive: true })
  const releaseLock = acquireLock(dir)
  const logger = options.logger
  const topics = new Map<string, Promise<TopicLog>>()
  const compactedTopics = new Set<string>()
  const subscriptions = new Set<{ stop(): Promise<void> }>()
  let closed = false

  function topic(name: string): Promise<TopicLog> {
    if (closed) return Promise.reject(new Error('bus is closed'))
    if (!TOPIC_NAME.test(name)) return Promise.reject(new Error(`invalid topic name ${JSON.stringify(name)}`))
    let t = topics.get(name)
    if (!t) {
      t = TopicLog.open(dir, name, compactedTopics.has(name), logger)
      topics.set(name, t)
      // A topic that failed to open is not remembered: the next call tries again (and fails loudly again).
      t.catch(() => topics.delete(name))
    }
    return t
  }

  return {
    async ensureTopics(specs: readonly TopicSpec[]) {
      for (const s of specs) {
        if (s.compacted) compactedTopics.add(s.name)
        await topic(s.name)
      }
    },

    async produce(name, records) {
      const t = await topic(name)
      for (const r of records) {
        if (typeof r.key !== 'string' || typeof r.value !== 'string') throw new Error('bus records need string key and value')
      }
      await t.append(records)
    },

    async subscribe(opts: SubscribeOptions): Promise<Subscription> {
      if (opts.group !== undefined && !GROUP_NAME.test(opts.group)) throw new Error(`invalid group name ${opts.group}`)
      const t = await topic(opts.topic)
      const group = opts.group
      const maxBatch = opts.maxBatch ?? DEFAULT_MAX_BATCH
      let position = group === undefined ? 0 : t.readCommitted(group)
      let running = true
      const caughtUpWaiters: { target: number; resolve: () => void }[] = []
      const notifyCaughtUp = () => {
        for (let i = caughtUpWaiters.length - 1; i >= 0; i--) {
          const w = caughtUpWaiters[i]
          if (w && position >= w.target) {
            caughtUpWaiters.splice(i, 1)
            w.resolve()
          }
        }
      }
      const loop = (async () => {
        while (running) {
          const batch = t.readFrom(position, maxBatch)
          if (batch.length === 0) {
            // Records past `position` may have been compacted away: the end of the log counts.
            position = Math.max(position, t.nextOffset)
            notifyCaughtUp()
            await t.waitForAppend(250)
            continue
          }
          const consumed: ConsumedRecord[] = batch.map((r) => ({ key: r.key, value: r.value, partition: 0, offset: String(r.offset) }))
          try {
            await opts.handle(consumed)
          } catch (err) {
            // At-least-once: the batch is retried until the handler succeeds; handlers are idempotent.
            logger?.error({ err, topic: opts.topic, group }, 'bus handler failed; retrying the batch')
            await new Promise((r) => setTimeout(r, HANDLER_RETRY_MS))
            continue
          }
          const last = batch[batch.length - 1]
          position = (last?.offset ?? position) + 1
          if (group !== undefined) t.commit(group, position)
          notifyCaughtUp()
        }
      })()
      const sub = {
        caughtUp(): Promise<void> {
          const target = t.nextOffset
          if (position >= target) return Promise.resolve()
          return new Promise<void>((resolve) => caughtUpWaiters.push({ target, resolve }))
        },
        async stop() {
          running = false
          await loop
          subscriptions.delete(sub)
        },
      }
      subscriptions.add(sub)
      return sub
    },

    async close() {
      if (closed) return
      for (const s of [...subscriptions]) await s.stop()
      closed = true
      for (const t of topics.values()) {
        const log = await t.catch(() => undefined)
        await log?.close()
      }
      releaseLock()
    },
  }
}
