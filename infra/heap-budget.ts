// A bound on the garbage a long render may leave on the heap.
//
// A France render (a rebuild, or the first cycle of a publisher) makes hundreds of megabytes of
// short-lived strings and objects, and enough of them survive a young-generation collection to be
// promoted. V8 collects the old generation only when it reaches a limit it set at its last full
// collection, well above the live size: over France's 200 MB of live state the heap grew by
// 140 MB of garbage during the pages, and that memory stayed committed after it was collected.
// Collecting whenever the heap has grown by a fixed slack since the last collection keeps the
// committed heap near the live size, for about 0.1 s of main-thread time per collection (the
// writer threads go on compressing meanwhile).
import { getHeapStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

/**
 * The slack allowed above the live heap before a collection. Measured on France rebuilds: at 64 MB
 * two collections of 0.09–0.14 s each kept the heap under 270 MB committed, against 360–375 MB
 * without; at 32 MB it took seven, for no lower peak.
 */
export const DEFAULT_HEAP_SLACK_BYTES = 64 * 1024 * 1024

export interface HeapBudgetReport {
  collections: number
  /** Main-thread time spent in the collections this budget asked for. */
  collectionMs: number
}

export class HeapBudget {
  private floor = usedHeapBytes()
  private readonly done: HeapBudgetReport = { collections: 0, collectionMs: 0 }

  private readonly listeners: ((ms: number, usedBytes: number) => void)[] = []

  constructor(private readonly slackBytes = DEFAULT_HEAP_SLACK_BYTES) {
    if (!(slackBytes > 0)) throw new Error(`heap slack must be a positive number of bytes, got ${slackBytes}`)
  }

  /** `listener` is told after each collection how long it took and the heap it left (a process's metrics). */
  onCollected(listener: (ms: number, usedBytes: number) => void): void {
    this.listeners.push(listener)
  }

  /** Collects the garbage when the heap has grown by the slack since the last collection; true if it did. */
  check(): boolean {
    const used = usedHeapBytes()
    // A collection of V8's own lowered the heap: the slack counts from there.
    this.floor = Math.min(this.floor, used)
    if (used < this.floor + this.slackBytes) return false
    const started = performance.now()
    collectGarbage()
    const ms = performance.now() - started
    // What is left is live: the next collection waits for that plus the slack.
    this.floor = usedHeapBytes()
    this.done.collections++
    this.done.collectionMs += ms
    for (const listener of this.listeners) listener(ms, this.floor)
    return true
  }

  get report(): HeapBudgetReport {
    return { ...this.done }
  }
}

function usedHeapBytes(): number {
  return getHeapStatistics().used_heap_size
}

let gc: (() => void) | undefined

/**
 * A full, blocking collection. Node gives no call for it without `--expose-gc` on the command line,
 * which every way of starting the publisher (npm scripts, systemd units, the tests) would have to
 * pass; setting the flag at run time exposes `gc` to contexts created after it, such as this one.
 */
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as () => void
  }
  gc()
}
