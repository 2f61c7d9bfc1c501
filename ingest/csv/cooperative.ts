// A national file is 70,000 rows and seconds of work; done in one go it would stall every other
// request this ingest process serves (phone webhooks, JSON returns) for as long. Loops over a
// file's rows give the event loop back between slices.
import { setImmediate as nextTurn } from 'node:timers/promises'

export const ROWS_PER_SLICE = 1000

export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T) => R, size = ROWS_PER_SLICE): Promise<R[]> {
  const out: R[] = []
  for (const [i, item] of items.entries()) {
    if (i > 0 && i % size === 0) await nextTurn()
    out.push(fn(item))
  }
  return out
}

/** Between two slices of `size` steps of a loop the caller drives itself. */
export async function yieldEvery(step: number, size = ROWS_PER_SLICE): Promise<void> {
  if (step > 0 && step % size === 0) await nextTurn()
}
