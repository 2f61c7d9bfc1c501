// Benchmark: the JSON returns API of one ingest process on the real stack (Kafka, acks=all,
// idempotent producer; Redis for idempotency records and rate limits), next to a bare express
// endpoint that does no work (bench/lib/bare-express.ts), measured in the same run with the same
// load generator. Each ingest request is one station's return of the 2017 file, with its own
// returnId, so every request is a new return that must be produced durably before its 202.
//
// usage: eval "$(ops/stack up)"; npx tsx bench/ingest-throughput.ts [REQUESTS] [CONNECTIONS] [FILE]
// Reads TEST_KAFKA_BROKERS, TEST_DATABASE_URL, TEST_REDIS_URL, TEST_S3_ENDPOINT; makes its own
// topics, key prefix and database, removed at the end. The rate limits are raised for the run
// (they are still counted in Redis on every request, as in production). A third line runs the
// same ingest with its in-process memory cache (REDIS_URL unset: one replica only), to show what
// the Redis round trips (rate limits, idempotency claims) cost.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { readResultsFile } from '../bin/import/results-file.js'
import { replayItems } from '../bin/replay-client.js'
import { createDeployment, startService, type Teardown } from '../test/helpers/distributed.js'
import { startElections } from '../test/helpers/run-elections.js'
import { formatLoad, runLoad, type LoadRequest } from './lib/http-load.js'
import { withCpuOf } from './lib/process-cpu.js'

const [requestsArg, connectionsArg, fileArg] = process.argv.slice(2)
const requests = Number(requestsArg ?? 30_000)
const connections = Number(connectionsArg ?? 64)
const file = resolve(fileArg ?? join(import.meta.dirname, '..', '..', 'shared', 'data', '2017-presidentielle-1_par_bureau_large.csv.gz'))
const WARM_UP = 2_000

function pidOf(child: { pid?: number | undefined }): number {
  if (child.pid === undefined) throw new Error('the server process has no pid')
  return child.pid
}

function need(name: string): string {
  const v = process.env[name]
  if (!v) throw new Error(`${name} is not set: run eval "$(ops/stack up)" first`)
  return v
}

const imported = await readResultsFile(file)
const items = replayItems(imported.definition, imported.returns)
if (items.length < 2 * (WARM_UP + requests)) throw new Error(`the file has ${items.length} returns; at most ${items.length / 2 - WARM_UP} requests`)

const work = mkdtempSync(join(tmpdir(), 'bench-ingest-'))
const cleanups: (() => Promise<void> | void)[] = []
const teardown: Teardown = { teardown: (fn) => void cleanups.push(fn) }
try {
  // The baseline first, on an idle machine like the ingest run after it.
  const bare = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'lib', 'bare-express.ts')], { stdio: ['ignore', 'pipe', 'inherit'] })
  cleanups.push(() => void bare.kill('SIGKILL'))
  const bareUrl = await new Promise<string>((resolveUrl, reject) => {
    bare.stdout.on('data', (d: Buffer) => {
      const m = /bare express (http:\/\/\S+)/.exec(d.toString())
      if (m?.[1]) resolveUrl(m[1])
    })
    bare.on('exit', (code) => reject(new Error(`bare express exited (${code})`)))
  })
  const bareRequest = (i: number): LoadRequest => ({
    method: 'POST',
    path: '/v1/returns',
    headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
    body: JSON.stringify({ ...items[i], returnId: `bench-${i}` }),
  })
  await runLoad({ baseUrl: bareUrl, requests: WARM_UP, connections, request: bareRequest })
  const baseline = await withCpuOf(pidOf(bare), () => runLoad({ baseUrl: bareUrl, requests, connections, request: (i) => bareRequest(WARM_UP + i) }))
  bare.kill('SIGTERM')

  const d = await createDeployment(
    { brokers: need('TEST_KAFKA_BROKERS'), adminUrl: need('TEST_DATABASE_URL'), redisUrl: need('TEST_REDIS_URL'), s3Endpoint: need('TEST_S3_ENDPOINT') },
    join(work, 'deployment'),
    teardown,
    'benchingest',
  )
  const env: Record<string, string> = { ...d.env, INGEST_RATE_PER_CLIENT: '1000000', INGEST_RATE_PER_ADDRESS: '1000000', LOG_LEVEL: 'warn' }
  const load = await startElections(['election', 'load', file], env).done
  if (load.code !== 0) throw new Error(`election load failed:\n${load.stderr}`)
  const ingest = await startService(d, 'ingest', env, 120_000)
  if (!ingest.url) throw new Error('ingest printed no URL')
  const ingestRequest = (i: number): LoadRequest => ({
    method: 'POST',
    path: '/v1/returns',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${d.token}` },
    body: JSON.stringify({ ...items[i], returnId: `bench-${i}` }),
  })
  await runLoad({ baseUrl: ingest.url, requests: WARM_UP, connections, request: ingestRequest })
  const measured = await withCpuOf(pidOf(ingest.child), () => runLoad({ baseUrl: ingest.url as string, requests, connections, request: (i) => ingestRequest(WARM_UP + i) }))
  await ingest.stop()

  // The same on the memory cache, with the next stations of the file (new returns again).
  const { REDIS_URL: _redis, REDIS_KEY_PREFIX: _prefix, ...memoryEnv } = env
  const ingestMemory = await startService(d, 'ingest', memoryEnv, 120_000)
  if (!ingestMemory.url) throw new Error('ingest printed no URL')
  const offset = WARM_UP + requests
  await runLoad({ baseUrl: ingestMemory.url, requests: WARM_UP, connections, request: (i) => ingestRequest(offset + i) })
  const measuredMemory = await withCpuOf(pidOf(ingestMemory.child), () =>
    runLoad({ baseUrl: ingestMemory.url as string, requests, connections, request: (i) => ingestRequest(offset + WARM_UP + i) }),
  )
  await ingestMemory.stop()

  console.log(`${requests} POST /v1/returns after ${WARM_UP} to warm up, ${connections} connections, keep-alive`)
  const rows = [
    ['bare express (no work, baseline)', baseline],
    ['ingest on Kafka + Redis', measured],
    ['ingest on Kafka + memory cache', measuredMemory],
  ] as const
  for (const [name, { result, cpuMs }] of rows) console.log(`${formatLoad(name, result)}   server CPU ${((cpuMs * 1000) / requests).toFixed(0)} µs/request`)
  const share = (r: typeof measured) => ((r.result.perSecond / baseline.result.perSecond) * 100).toFixed(0)
  console.log(`ingest / bare: ${share(measured)} % of the throughput (memory cache: ${share(measuredMemory)} %)`)
  // On a busy machine throughput swings with the neighbours; the server's CPU per request much
  // less. Its ratio estimates the throughput ratio of two servers each held back by its own CPU;
  // it leaves out what Kafka and Redis cost the machine, so the measured throughput ratio above,
  // on a quiet machine, is the one that counts.
  const cpuShare = (r: typeof measured) => ((baseline.cpuMs / r.cpuMs) * 100).toFixed(0)
  console.log(`ingest / bare by server CPU per request: ${cpuShare(measured)} % (memory cache: ${cpuShare(measuredMemory)} %)`)
  for (const [name, r] of [['Redis', measured], ['memory cache', measuredMemory]] as const) {
    if ((r.result.byStatus[202] ?? 0) !== requests) console.log(`NOT every request was accepted (${name}): ${JSON.stringify(r.result.byStatus)}`)
  }
} finally {
  for (const fn of cleanups.reverse()) await fn()
  rmSync(work, { recursive: true, force: true })
}
