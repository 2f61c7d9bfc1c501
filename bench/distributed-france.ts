// Benchmark: the full-France replay on the real stack, each service its own process (ingest,
// consolidate, publish on Kafka, PostgreSQL, Redis, S3 + folder), next to the same replay on the
// embedded defaults (`elections replay FILE`, one process) measured in the same run.
// Reports, for each: wall time from the first submission to the last station on the national
// page, returns/s end to end, and every process's peak RSS (VmHWM from /proc).
//
// usage: eval "$(ops/stack up)"; npx tsx bench/distributed-france.ts [FILE] [--skip-embedded] [--output folder|both]
// --output folder (the default) publishes into a folder, as nginx serves it; `both` also writes
// every file to the S3 server of ops/stack. That server (s3rver, one Node process) takes about a
// thousand PUTs a second here (bench/storage-puts.ts), and a France night is about a million of
// them, so `both` measures the test S3 server more than the pipeline.
// It reads the stack from TEST_KAFKA_BROKERS, TEST_DATABASE_URL, TEST_REDIS_URL, TEST_S3_ENDPOINT
// (what `ops/stack up` prints) and makes its own database, topics, key prefix and bucket.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { readResultsFile } from '../bin/import/results-file.js'
import { createDeployment, startService, type ServiceProcess, type Teardown } from '../test/helpers/distributed.js'
import { startElections } from '../test/helpers/run-elections.js'
import { peakLines, watchPeaks } from './lib/process-peaks.js'
import { printEmbeddedReplay } from './lib/embedded-replay.js'

const args = process.argv.slice(2)
const file = resolve(args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--output') ?? join(import.meta.dirname, '..', '..', 'shared', 'data', '2017-presidentielle-1_par_bureau_large.csv.gz'))
const skipEmbedded = args.includes('--skip-embedded')
const outputArg = args.indexOf('--output')
const output = outputArg >= 0 ? args[outputArg + 1] : 'folder'
if (output !== 'folder' && output !== 'both') throw new Error(`--output takes folder or both, not ${String(output)}`)
const work = mkdtempSync(join(tmpdir(), 'bench-distributed-'))
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

function need(name: string): string {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set: run eval "$(ops/stack up)" first`)
  return v
}

function nationalReported(outputDir: string): number {
  try {
    return (JSON.parse(readFileSync(join(outputDir, 'index.json'), 'utf8')) as { stations: { reported: number } }).stations.reported
  } catch {
    return 0
  }
}

const cleanups: (() => Promise<void> | void)[] = []
const teardown: Teardown = { teardown: (fn) => void cleanups.push(fn) }

console.log(`file: ${file}`)
const imported = await readResultsFile(file)
const total = imported.returns.length
console.log(`returns in the file: ${total}`)

try {
  // 1. Embedded: one process, `elections replay FILE` (it waits for the last page itself).
  if (!skipEmbedded) await printEmbeddedReplay(file, work)

  // 2. Distributed: separate processes on the real services.
  const dir = join(work, 'distributed')
  const d = await createDeployment(
    { brokers: need('TEST_KAFKA_BROKERS'), adminUrl: need('TEST_DATABASE_URL'), redisUrl: need('TEST_REDIS_URL'), s3Endpoint: need('TEST_S3_ENDPOINT') },
    dir,
    teardown,
    'bench',
  )
  const env: Record<string, string> = { ...d.env, PUBLISH_INTERVAL_MS: '1000', LOG_LEVEL: 'warn' }
  if (output === 'folder') {
    delete env.S3_BUCKET
    delete env.S3_ENDPOINT
  }
  const load = await startElections(['election', 'load', file], env).done
  if (load.code !== 0) throw new Error(`election load failed:\n${load.stderr}`)
  const services: Record<string, ServiceProcess> = {
    consolidate: await startService(d, 'consolidate', env, 120_000),
    publish: await startService(d, 'publish', env, 120_000),
    ingest: await startService(d, 'ingest', env, 120_000),
  }
  const started = performance.now()
  const replay = startElections(['replay', file, '--target', services.ingest?.url ?? '', '--token', d.token], env)
  const watch = watchPeaks(() => ({
    ...Object.fromEntries(Object.entries(services).map(([n, s]) => [n, s.child.pid])),
    'replay client': replay.child.pid,
  }))
  let clientDoneAt: number | undefined
  void replay.done.then(() => (clientDoneAt = performance.now()))
  let nextProgress = performance.now() + 15_000
  while (nationalReported(d.outputDir) < total) {
    if (performance.now() >= nextProgress) {
      nextProgress += 15_000
      console.error(`  … ${seconds(performance.now() - started)}: ${nationalReported(d.outputDir)} of ${total} stations on the national page`)
    }
    if (replay.child.exitCode !== null && replay.child.exitCode !== 0) throw new Error(`replay client failed:\n${(await replay.done).stderr.slice(-2000)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  const wall = performance.now() - started
  const done = await replay.done
  const peaks = watch.stop()
  console.log(`\ndistributed (ingest, consolidate, publish as processes; Kafka, PostgreSQL, Redis, ${output === 'both' ? 'S3 + folder' : 'folder'}):`)
  console.log(`  first submission → last station on the national page: ${seconds(wall)}  (${Math.round(total / (wall / 1000))} returns/s end to end)`)
  if (clientDoneAt !== undefined) console.log(`  replay client finished submitting after ${seconds(clientDoneAt - started)}`)
  console.log(`  client: ${done.stdout.split('\n').find((l) => /accepted/.test(l))?.trim() ?? ''}`)
  for (const line of peakLines(peaks)) console.log(line)
  for (const s of Object.values(services)) await s.stop()
} finally {
  for (const fn of cleanups.reverse()) await fn()
  rmSync(work, { recursive: true, force: true })
}
