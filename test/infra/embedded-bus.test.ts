import t from 'tap'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fork } from 'node:child_process'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { openEmbeddedBus } from '../../infra/bus/embedded-bus.js'
import type { Bus, ConsumedRecord } from '../../infra/bus/bus.js'

async function collect(bus: Bus, topic: string, group?: string): Promise<ConsumedRecord[]> {
  const got: ConsumedRecord[] = []
  const sub = await bus.subscribe({ topic, group, handle: async (rs) => void got.push(...rs) })
  await sub.caughtUp()
  await sub.stop()
  return got
}

t.test('records come back in order with their keys, after a reopen too', async (t) => {
  const dir = t.testdir({})
  const bus = await openEmbeddedBus(dir)
  await bus.produce('returns', [{ key: 'a', value: '1' }, { key: 'b', value: 'é"\n2' }])
  await bus.produce('returns', [{ key: 'a', value: '3' }])
  t.same((await collect(bus, 'returns')).map((r) => [r.key, r.value, r.offset]), [['a', '1', '0'], ['b', 'é"\n2', '1'], ['a', '3', '2']])
  await bus.close()
  const again = await openEmbeddedBus(dir)
  t.same((await collect(again, 'returns')).map((r) => r.value), ['1', 'é"\n2', '3'])
  await again.close()
})

t.test('concurrent produces are all durable and group-committed', async (t) => {
  const dir = t.testdir({})
  const bus = await openEmbeddedBus(dir)
  await Promise.all(Array.from({ length: 500 }, (_, i) => bus.produce('returns', [{ key: `k${i}`, value: `v${i}` }])))
  await bus.close()
  const lines = readFileSync(join(dir, 'returns', 'log'), 'utf8').trim().split('\n')
  t.equal(lines.length, 500, 'every acknowledged record is in the file')
})

t.test('a consumer group resumes after its last committed batch', async (t) => {
  const dir = t.testdir({})
  const bus = await openEmbeddedBus(dir)
  await bus.produce('returns', [1, 2, 3].map((i) => ({ key: 'k', value: String(i) })))
  t.same((await collect(bus, 'returns', 'g')).map((r) => r.value), ['1', '2', '3'])
  await bus.produce('returns', [{ key: 'k', value: '4' }])
  t.same((await collect(bus, 'returns', 'g')).map((r) => r.value), ['4'], 'the group sees only what is new')
  t.same((await collect(bus, 'returns', 'other')).map((r) => r.value), ['1', '2', '3', '4'], 'another group starts at the beginning')
  t.same((await collect(bus, 'returns')).length, 4, 'no group: from the start, nothing committed')
  await bus.close()
})

t.test('a failing handler gets the same batch again; nothing is skipped', async (t) => {
  const dir = t.testdir({})
  const bus = await openEmbeddedBus(dir)
  await bus.produce('returns', [{ key: 'k', value: 'x' }])
  let calls = 0
  const seen: string[] = []
  const sub = await bus.subscribe({
    topic: 'returns',
    group: 'g',
    handle: async (rs) => {
      calls++
      if (calls === 1) throw new Error('database down')
      seen.push(...rs.map((r) => r.value))
    },
  })
  await sub.caughtUp()
  await sub.stop()
  t.equal(calls, 2)
  t.same(seen, ['x'])
  await bus.close()
})

t.test('a torn last line (a write cut by a crash) is cut at open; the rest is kept', async (t) => {
  const dir = t.testdir({})
  const bus = await openEmbeddedBus(dir)
  await bus.produce('returns', [{ key: 'a', value: '1' }, { key: 'b', value: '2' }])
  await bus.close()
  const log = join(dir, 'returns', 'log')
  appendFileSync(log, '0badc0de 2 ["c","3')
  const again = await openEmbeddedBus(dir)
  t.same((await collect(again, 'returns')).map((r) => r.value), ['1', '2'])
  await again.produce('returns', [{ key: 'c', value: 'new' }])
  t.same((await collect(again, 'returns')).map((r) => [r.value, r.offset]), [['1', '0'], ['2', '1'], ['new', '2']])
  await again.close()
})

t.test('a corrupted last line is cut (CRC), never read as data', async (t) => {
  const dir = t.testdir({})
  const bus = await openEmbeddedBus(dir)
  await bus.produce('returns', [{ key: 'a', value: 'one' }, { key: 'b', value: 'two' }])
  await bus.close()
  const log = join(dir, 'returns', 'log')
  writeFileSync(log, readFileSync(log, 'utf8').replace('"two"', '"twx"'))
  const again = await openEmbeddedBus(dir)
  t.same((await collect(again, 'returns')).map((r) => r.value), ['one'])
  await again.close()
})

t.test('corruption with acknowledged records after it refuses to start instead of losing them', async (t) => {
  const dir = t.testdir({})
  const bus = await openEmbeddedBus(dir)
  await bus.produce('returns', [{ key: 'a', value: 'one' }, { key: 'b', value: 'two' }, { key: 'c', value: 'three' }])
  await bus.close()
  const log = join(dir, 'returns', 'log')
  const before = readFileSync(log, 'utf8')
  writeFileSync(log, before.replace('"two"', '"twx"'))
  const again = await openEmbeddedBus(dir)
  await t.rejects(collect(again, 'returns'), /corrupt at byte \d+ with valid records after it/)
  await again.close()
  t.equal(readFileSync(log, 'utf8'), before.replace('"two"', '"twx"'), 'the file is left as it was')
})

t.test('a second process on the same folder is refused', async (t) => {
  const dir = t.testdir({})
  const bus = await openEmbeddedBus(dir)
  const child = fork(join(import.meta.dirname, '..', 'helpers', 'open-bus-child.ts'), [dir], { stdio: 'pipe', execArgv: ['--import', 'tsx'] })
  let err = ''
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const code = await new Promise<number | null>((r) => child.on('exit', r))
  t.equal(code, 3, 'the child could not open the bus')
  t.match(err, /in use by process/)
  await bus.close()
  const reopened = await openEmbeddedBus(dir)
  await reopened.close()
  t.pass('the folder is free again once the first process closed it')
})

t.test('a compacted topic keeps the latest record per key across a reopen, with its offset', async (t) => {
  const dir = t.testdir({})
  const spec = [{ name: 'results', partitions: 1, compacted: true }]
  const bus = await openEmbeddedBus(dir)
  await bus.ensureTopics(spec)
  for (let round = 0; round < 5; round++) {
    await bus.produce('results', Array.from({ length: 300 }, (_, i) => ({ key: `s${i}`, value: `r${round}` })))
  }
  await bus.close()
  const again = await openEmbeddedBus(dir)
  await again.ensureTopics(spec)
  const got = await collect(again, 'results')
  t.equal(got.length, 300, 'one record per key')
  t.ok(got.every((r) => r.value === 'r4'), 'the latest value of each key')
  t.equal(got[0]?.offset, '1200', 'offsets survive compaction')
  await again.produce('results', [{ key: 's0', value: 'r5' }])
  t.equal((await collect(again, 'results')).at(-1)?.offset, '1500')
  await again.close()
})

t.test('a topic keeps its records\' places in memory, not their values: consumers read them back from the file', async (t) => {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  const dir = t.testdir({})
  const bus = await openEmbeddedBus(dir)
  await bus.ensureTopics([{ name: 'results', partitions: 1, compacted: true }])
  const valueOf = (i: number) => `${i}:${'é'.repeat(1000)}`
  gc()
  const before = process.memoryUsage().heapUsed
  for (let i = 0; i < 20_000; i += 2_000) {
    await bus.produce('results', Array.from({ length: 2_000 }, (_, j) => ({ key: `s${i + j}`, value: valueOf(i + j) })))
  }
  gc()
  const grownMb = (process.memoryUsage().heapUsed - before) / 1048576
  // The values are 20,000 strings of 1,000 characters (about 40 MB as the engine holds them).
  t.ok(grownMb < 10, `the heap grew by ${grownMb.toFixed(1)} MB for 20,000 records`)
  const got = await collect(bus, 'results')
  t.equal(got.length, 20_000)
  t.ok(got.every((r, i) => r.value === valueOf(i) && r.key === `s${i}` && r.offset === String(i)), 'every value read back whole, multi-byte characters included')
  await bus.produce('results', Array.from({ length: 20_000 }, (_, i) => ({ key: `s${i}`, value: `new ${i}` })))
  await bus.close()
  // Reopened: compaction copies the kept lines into a new file, and the places follow them.
  const again = await openEmbeddedBus(dir)
  await again.ensureTopics([{ name: 'results', partitions: 1, compacted: true }])
  const compacted = await collect(again, 'results')
  t.equal(compacted.length, 20_000)
  t.ok(compacted.every((r, i) => r.value === `new ${i}` && r.offset === String(20_000 + i)), 'the latest value of each key, at its offset')
  await again.produce('results', [{ key: 'late', value: 'après' }])
  t.same((await collect(again, 'results')).at(-1), { key: 'late', value: 'après', partition: 0, offset: '40000' })
  await again.close()
})

t.test('caughtUp waits for records present at the call', async (t) => {
  const dir = t.testdir({})
  const bus = await openEmbeddedBus(dir)
  let handled = 0
  const sub = await bus.subscribe({
    topic: 'returns',
    group: 'slow',
    maxBatch: 10,
    handle: async (rs) => {
      await new Promise((r) => setTimeout(r, 5))
      handled += rs.length
    },
  })
  await bus.produce('returns', Array.from({ length: 95 }, (_, i) => ({ key: 'k', value: String(i) })))
  await sub.caughtUp()
  t.equal(handled, 95)
  await sub.stop()
  await bus.close()
})
