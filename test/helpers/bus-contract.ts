// The bus contract (infra/bus/bus.ts), written once and run against the embedded log and Kafka.
// `open` returns a bus over the SAME storage each time it is called within one contract run (the
// same folder, the same topic prefix), so a test can close a bus and reopen it like a restart.
import type { Test } from 'tap'
import type { Bus, ConsumedRecord } from '../../infra/bus/bus.js'

export interface BusFixture {
  open(): Promise<Bus>
  /** Partitions of the topics the contract creates (1 embedded; several on Kafka). */
  partitions: number
}

const collect = () => {
  const got: ConsumedRecord[] = []
  return { got, handle: async (records: ConsumedRecord[]) => void got.push(...records) }
}

async function until(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const records = (from: number, n: number, keys = 7) =>
  Array.from({ length: n }, (_, i) => ({ key: `k${(from + i) % keys}`, value: JSON.stringify({ n: from + i }) }))

const valuesOf = (got: readonly ConsumedRecord[]) => got.map((r) => (JSON.parse(r.value) as { n: number }).n)

/** Per key, the order in which its values were produced is the order in which they are read. */
function perKeyOrder(got: readonly ConsumedRecord[]): Map<string, number[]> {
  const m = new Map<string, number[]>()
  for (const r of got) m.set(r.key, [...(m.get(r.key) ?? []), (JSON.parse(r.value) as { n: number }).n])
  return m
}

export function busContract(t: Test, fixture: BusFixture): void {
  const topic = (name: string) => ({ name, partitions: fixture.partitions, compacted: false })

  t.test('every produced record is read back once, keys intact, in order per key', async (t) => {
    const bus = await fixture.open()
    t.teardown(() => bus.close())
    await bus.ensureTopics([topic('order')])
    await bus.produce('order', records(0, 50))
    await bus.produce('order', records(50, 50))
    const { got, handle } = collect()
    const sub = await bus.subscribe({ topic: 'order', handle })
    await sub.caughtUp()
    t.same(valuesOf(got).sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i), 'all 100 records, none twice')
    for (const [key, values] of perKeyOrder(got)) t.same(values, [...values].sort((a, b) => a - b), `key ${key} in produce order`)
    t.ok(got.every((r) => /^\d+$/.test(r.offset) && Number.isInteger(r.partition)), 'offsets are decimal strings, partitions integers')
    await sub.stop()
  })

  t.test('concurrent produces all resolve and are all readable', async (t) => {
    const bus = await fixture.open()
    t.teardown(() => bus.close())
    await bus.ensureTopics([topic('concurrent')])
    await Promise.all(Array.from({ length: 40 }, (_, i) => bus.produce('concurrent', records(i * 10, 10))))
    const { got, handle } = collect()
    const sub = await bus.subscribe({ topic: 'concurrent', handle })
    await sub.caughtUp()
    t.equal(new Set(valuesOf(got)).size, 400, '400 distinct records')
    t.equal(got.length, 400, 'and no duplicates')
    await sub.stop()
  })

  t.test('one produce of more than a broker takes in one request (2 MB to one partition) is all written', async (t) => {
    const bus = await fixture.open()
    t.teardown(() => bus.close())
    await bus.ensureTopics([{ name: 'large', partitions: 1, compacted: false }])
    const padding = 'x'.repeat(1_000)
    const big = Array.from({ length: 2_000 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ n: i, padding }) }))
    await bus.produce('large', big)
    const { got, handle } = collect()
    const sub = await bus.subscribe({ topic: 'large', handle })
    await sub.caughtUp()
    t.same(valuesOf(got), Array.from({ length: 2_000 }, (_, i) => i), 'all 2,000 records, in order')
    await sub.stop()
  })

  t.test('records with bad keys or values are refused, nothing written', async (t) => {
    const bus = await fixture.open()
    t.teardown(() => bus.close())
    await bus.ensureTopics([topic('refused')])
    await t.rejects(bus.produce('refused', [{ key: 'a', value: 1 as unknown as string }]), /string key and value/)
    await bus.produce('refused', records(0, 1))
    const { got, handle } = collect()
    const sub = await bus.subscribe({ topic: 'refused', handle })
    await sub.caughtUp()
    t.same(valuesOf(got), [0], 'only the good record is there')
    await sub.stop()
  })

  t.test('a consumer group resumes after its last committed batch, across a restart', async (t) => {
    let bus = await fixture.open()
    await bus.ensureTopics([topic('resume')])
    await bus.produce('resume', records(0, 30))
    const first = collect()
    let sub = await bus.subscribe({ topic: 'resume', group: 'g-resume', handle: first.handle, maxBatch: 7 })
    await sub.caughtUp()
    t.equal(first.got.length, 30, 'the group read all 30')
    await sub.stop()
    await bus.close()

    bus = await fixture.open()
    t.teardown(() => bus.close())
    await bus.produce('resume', records(30, 10))
    const second = collect()
    sub = await bus.subscribe({ topic: 'resume', group: 'g-resume', handle: second.handle, maxBatch: 7 })
    await sub.caughtUp()
    t.same(valuesOf(second.got).sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => 30 + i), 'after the restart only the 10 new records')
    t.ok(second.got.length <= 10, 'nothing already committed came back')
    // A reader without a group still sees everything.
    const all = collect()
    const reader = await bus.subscribe({ topic: 'resume', handle: all.handle })
    await reader.caughtUp()
    t.equal(all.got.length, 40, 'a reader without a group reads the topic from its start')
    await reader.stop()
    await sub.stop()
  })

  t.test('batches respect maxBatch', async (t) => {
    const bus = await fixture.open()
    t.teardown(() => bus.close())
    await bus.ensureTopics([topic('batches')])
    await bus.produce('batches', records(0, 60))
    const sizes: number[] = []
    const sub = await bus.subscribe({ topic: 'batches', group: 'g-batches', maxBatch: 8, handle: async (r) => void sizes.push(r.length) })
    await sub.caughtUp()
    t.equal(sizes.reduce((a, b) => a + b, 0), 60, 'every record handled')
    t.ok(sizes.every((n) => n >= 1 && n <= 8), `every batch has 1..8 records (${sizes.join(',')})`)
    await sub.stop()
  })

  t.test('a failing handler gets the same records again; nothing is skipped or committed early', async (t) => {
    let bus = await fixture.open()
    await bus.ensureTopics([topic('failing')])
    await bus.produce('failing', records(0, 5, 1))
    let calls = 0
    const seen: number[][] = []
    let sub = await bus.subscribe({
      topic: 'failing',
      group: 'g-failing',
      handle: async (batch) => {
        calls += 1
        seen.push(valuesOf(batch))
        if (calls === 1) throw new Error('the database is down')
      },
    })
    await sub.caughtUp()
    t.ok(calls >= 2, 'called again after the failure')
    t.same(seen[1], seen[0], 'with the same records')
    await sub.stop()
    await bus.close()
    // After a restart the group starts after what succeeded: nothing again.
    bus = await fixture.open()
    t.teardown(() => bus.close())
    const again = collect()
    sub = await bus.subscribe({ topic: 'failing', group: 'g-failing', handle: again.handle })
    await sub.caughtUp()
    t.equal(again.got.length, 0, 'the handled batch was committed once it succeeded')
    await sub.stop()
  })

  t.test('a batch stopped before its handler succeeded is delivered again after a restart', async (t) => {
    let bus = await fixture.open()
    await bus.ensureTopics([topic('uncommitted')])
    await bus.produce('uncommitted', records(0, 3, 1))
    let entered = false
    let sub = await bus.subscribe({
      topic: 'uncommitted',
      group: 'g-uncommitted',
      handle: async () => {
        entered = true
        throw new Error('always failing')
      },
    })
    await until(() => entered, 'the handler to be called')
    await sub.stop()
    await bus.close()
    bus = await fixture.open()
    t.teardown(() => bus.close())
    const again = collect()
    sub = await bus.subscribe({ topic: 'uncommitted', group: 'g-uncommitted', handle: again.handle })
    await sub.caughtUp()
    t.same(valuesOf(again.got), [0, 1, 2], 'the three records come again')
    await sub.stop()
  })

  t.test('a compacted topic gives the latest record of every key to a new reader', async (t) => {
    const bus = await fixture.open()
    t.teardown(() => bus.close())
    await bus.ensureTopics([{ name: 'compacted', partitions: fixture.partitions, compacted: true }])
    for (let round = 0; round < 3; round++) await bus.produce('compacted', records(round * 5, 5, 5))
    const { got, handle } = collect()
    const sub = await bus.subscribe({ topic: 'compacted', handle })
    await sub.caughtUp()
    // Compaction may or may not have run yet: what a reader can rely on is the latest per key.
    const latest = new Map<string, number>()
    for (const r of got) latest.set(r.key, (JSON.parse(r.value) as { n: number }).n)
    t.same(Object.fromEntries(latest), { k0: 10, k1: 11, k2: 12, k3: 13, k4: 14 }, 'latest value per key')
    await sub.stop()
  })

  t.test('caughtUp waits for records present at the call, and a live subscription sees later ones', async (t) => {
    const bus = await fixture.open()
    t.teardown(() => bus.close())
    await bus.ensureTopics([topic('live')])
    const { got, handle } = collect()
    const sub = await bus.subscribe({ topic: 'live', group: 'g-live', handle })
    await sub.caughtUp()
    t.equal(got.length, 0, 'an empty topic is caught up at once')
    await bus.produce('live', records(0, 20))
    await sub.caughtUp()
    t.equal(got.length, 20, 'caughtUp after produce means all 20 were handled')
    await bus.produce('live', records(20, 5))
    await until(() => got.length === 25, 'the live subscription to see 5 more')
    t.pass('later records reach the running subscription')
    await sub.stop()
  })

  t.test('ensureTopics twice is harmless and keeps the records', async (t) => {
    const bus = await fixture.open()
    t.teardown(() => bus.close())
    await bus.ensureTopics([topic('twice')])
    await bus.produce('twice', records(0, 3))
    await bus.ensureTopics([topic('twice')])
    const { got, handle } = collect()
    const sub = await bus.subscribe({ topic: 'twice', handle })
    await sub.caughtUp()
    t.equal(got.length, 3)
    await sub.stop()
  })

  t.test('a closed bus refuses to produce', async (t) => {
    const bus = await fixture.open()
    await bus.ensureTopics([topic('closed')])
    await bus.close()
    await t.rejects(bus.produce('closed', records(0, 1)), /closed/)
  })
}
