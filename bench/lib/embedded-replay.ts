// The baseline of the France benchmarks: `elections replay FILE` on the embedded defaults (durable
// in-process log, PGlite, a folder), one process that waits for its own last page; its summary
// lines and peak RSS, printed under a heading.
import { join } from 'node:path'
import { startElections } from '../../test/helpers/run-elections.js'
import { peakLines, watchPeaks } from './process-peaks.js'

/** `rate`: returns per second (`elections replay --rate`), as the run it is compared with; full speed when absent. */
export async function printEmbeddedReplay(file: string, work: string, rate?: number): Promise<void> {
  const env = { DATA_DIR: join(work, 'embedded', 'data'), OUTPUT_DIR: join(work, 'embedded', 'out'), LOG_LEVEL: 'warn' }
  const started = performance.now()
  const replay = startElections(['replay', file, ...(rate === undefined ? [] : ['--rate', String(rate)])], env)
  const watch = watchPeaks(() => ({ 'elections replay (all services)': replay.child.pid }))
  const done = await replay.done
  const peaks = watch.stop()
  const wall = performance.now() - started
  if (done.code !== 0) throw new Error(`embedded replay failed:\n${done.stderr.slice(-2000)}`)
  const line = (label: string) => done.stdout.split('\n').find((l) => l.includes(label))?.trim() ?? '(not printed)'
  console.log('\nembedded (one process, durable log + PGlite + folder):')
  console.log(`  ${line('time to last page')}`)
  console.log(`  ${line('returns/s')}`)
  console.log(`  process wall time incl. import and start: ${((wall) / 1000).toFixed(1)} s`)
  for (const line of peakLines(peaks)) console.log(line)
}
