// Runs tasks one after another. Consolidation's writers (returns batches, definition loads, the
// relay's bookkeeping) take turns through one queue, so a station's row is never decided by two
// of them at once in this process; row locks (FOR UPDATE) cover other processes on PostgreSQL.

export interface SerialQueue {
  run<T>(task: () => Promise<T>): Promise<T>
}

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve()
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const result = tail.then(task)
      // The next task waits for this one whatever its outcome; the caller sees the outcome.
      tail = result.catch(() => undefined)
      return result
    },
  }
}
