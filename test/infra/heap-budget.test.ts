import t from 'tap'
import { getHeapStatistics } from 'node:v8'
import { HeapBudget } from '../../infra/heap-budget.js'

const MB = 1024 * 1024
const usedHeap = () => getHeapStatistics().used_heap_size

/** About `mb` megabytes of doubles on the heap, in arrays large enough to skip the young generation. */
function allocate(mb: number): number[][] {
  return Array.from({ length: mb / 8 }, () => new Array<number>(MB).fill(0.5))
}

t.test('garbage beyond the slack is collected, and only then', async (t) => {
  const collected: number[] = []
  const budget = new HeapBudget(16 * MB)
  budget.onCollected((_ms, used) => collected.push(used))
  t.equal(budget.check(), false, 'nothing has grown yet')
  const held: { junk?: number[][] } = { junk: allocate(48) }
  t.equal(held.junk?.length, 6)
  held.junk = undefined
  const before = usedHeap()
  t.equal(budget.check(), true, '48 MB of garbage is over a 16 MB slack')
  t.ok(usedHeap() < before - 32 * MB, `the garbage is gone: ${Math.round(before / MB)} MB used before, ${Math.round(usedHeap() / MB)} MB after`)
  t.equal(collected.length, 1, 'told once')
  t.same(
    { collections: budget.report.collections, timed: budget.report.collectionMs > 0 },
    { collections: 1, timed: true },
  )
  t.equal(budget.check(), false, 'the heap left by the collection is the new floor')
})

t.test('live data raises the floor instead of being collected again and again', async (t) => {
  const budget = new HeapBudget(16 * MB)
  const kept = allocate(32)
  t.equal(budget.check(), true, 'the first check finds 32 MB more than the floor')
  t.equal(budget.check(), false, 'the same 32 MB, still live, is not collected for again')
  t.equal(budget.report.collections, 1)
  t.equal(kept.length, 4, 'the data is still reachable')
})

t.test('a slack that is not a positive number of bytes is refused', async (t) => {
  t.throws(() => new HeapBudget(0), /heap slack must be a positive number of bytes, got 0/)
  t.throws(() => new HeapBudget(Number.NaN), /got NaN/)
})
