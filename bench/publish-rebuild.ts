// Benchmark: `elections publish rebuild` of the whole of France (the 2017 file: 69,242 stations,
// about 36,000 areas), every file with its .gz and .br variants, into an empty folder. The
// command runs as its own process, as an operator runs it, under /usr/bin/time for its peak RSS.
// Goals (issue 6): ≤ 30 s on the shared 2-core machine, publisher peak RSS ≤ 500 MB.
//
// Set-up (not timed): the file is read and its rows put on an embedded [results] log as
// consolidation would (definition parts, then one validated result per station and contest).
// Baseline in the same run: the same files (same paths, same bytes) written with plain writeFile,
// i.e. what the disk costs without rendering, compression, digests or atomic renames.
//
// usage: npx tsx bench/publish-rebuild.ts [FILE]   (default: ../shared/data/2017 round 1)
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { TOPICS, definitionPartKey, splitDefinition, stationResultKey } from '../core/messages.js'
import type { StationResult } from '../core/schemas.js'
import { openEmbeddedBus } from '../infra/bus/embedded-bus.js'
import { topicSpecs } from '../bin/adapters.js'
import { readResultsFile } from '../bin/import/results-file.js'

const REPO = resolve(import.meta.dirname, '..')
const file = resolve(process.argv[2] ?? join(REPO, '..', 'shared', 'data', '2017-presidentielle-1_par_bureau_large.csv.gz'))
const work = mkdtempSync(join(tmpdir(), 'bench-rebuild-'))
const dataDir = join(work, 'data')
const out = join(work, 'out')
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

console.log(`file: ${file}`)
const imported = await readResultsFile(file)
const { definition } = imported
const validatedAt = new Date(Date.parse(definition.election.pollsCloseAt) + 3_600_000).toISOString()
const results: StationResult[] = imported.returns.map((r) => ({
  type: 'station-result',
  electionId: definition.election.id,
  contestId: r.contestId,
  stationId: r.stationId,
  version: 1,
  status: 'validated',
  counts: r.counts,
  validatedAt,
}))
const bus = await openEmbeddedBus(join(dataDir, 'bus'))
await bus.ensureTopics(topicSpecs(1))
await bus.produce(TOPICS.results, splitDefinition(definition).map((part) => ({ key: definitionPartKey(part), value: JSON.stringify(part) })))
for (let i = 0; i < results.length; i += 5_000) {
  await bus.produce(
    TOPICS.results,
    results.slice(i, i + 5_000).map((r) => ({ key: stationResultKey(r.electionId, r.contestId, r.stationId), value: JSON.stringify(r) })),
  )
}
await bus.close()
console.log(`[results]: the definition (${definition.stations.length} stations, ${definition.areas.length} areas) and ${results.length} station results`)

// The rebuild, as its own process.
const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
  const child = spawn('/usr/bin/time', ['-f', 'TIME %M %e %U %S', process.execPath, join(REPO, 'bin', 'elections.js'), 'publish', 'rebuild'], {
    cwd: REPO,
    env: embeddedEnv({ DATA_DIR: dataDir, OUTPUT_DIR: out, LOG_LEVEL: 'warn' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.on('close', (code) => done({ code, stdout, stderr }))
})
if (run.code !== 0) {
  console.error(run.stdout, run.stderr)
  process.exit(1)
}
const [, maxRssKb, elapsed, userS, sysS] = /TIME (\d+) ([\d.]+) ([\d.]+) ([\d.]+)/.exec(run.stderr) ?? []
console.log(run.stdout.trimEnd())

const files = listFiles(out)
const bytes = files.reduce((n, f) => n + statSync(f).size, 0)
const plain = join(work, 'plain')
const t0 = performance.now()
for (const f of files) {
  const target = join(plain, f.slice(out.length + 1))
  mkdirSync(dirname(target), { recursive: true })
  writeFileSync(target, readFileSync(f))
}
const plainMs = performance.now() - t0

const rebuildS = Number(/in ([\d.]+) s/.exec(run.stdout)?.[1])
const rssMb = Math.round(Number(maxRssKb) / 1024)
console.log(`output:                   ${files.length} files (variants included), ${(bytes / 1e6).toFixed(0)} MB`)
console.log(`rebuild (read [results], render, compress, write, purge): ${rebuildS.toFixed(1)} s   goal ≤ 30 s: ${rebuildS <= 30 ? 'met' : 'NOT met'}`)
console.log(`whole command (process start to exit):                   ${Number(elapsed).toFixed(1)} s`)
console.log(`whole command CPU (user + system):                      ${Number(userS).toFixed(1)} s + ${Number(sysS).toFixed(1)} s`)
console.log(`publisher peak RSS (/usr/bin/time %M):                    ${rssMb} MB   goal ≤ 500 MB: ${rssMb <= 500 ? 'met' : 'NOT met'}`)
console.log(`baseline, the same files written plainly:                 ${seconds(plainMs)}`)
rmSync(work, { recursive: true, force: true })

/** The embedded defaults whatever the shell exported: a folder, no Kafka, Redis, S3 or Varnish. */
function embeddedEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of ['KAFKA_BROKERS', 'REDIS_URL', 'S3_BUCKET', 'S3_ENDPOINT', 'VARNISH_URL', 'DATABASE_URL']) delete env[name]
  return { ...env, ...vars }
}

function listFiles(dir: string): string[] {
  // Iterative: a folder of France's 35,000 communes is too many entries to spread into push().
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
}
