// Benchmark: the full-France replay in one process on the embedded adapters, then one render of
// every page from [results] into an empty folder, each compared with a baseline measured in the
// same run:
//   - import: reading and parsing the results file alone (the floor for any replay);
//   - render: writing the same files (same paths, same bytes) with plain writeFile calls, i.e.
//     what the disk costs without rendering, atomic renames or anything else.
//
// usage: npx tsx bench/replay-france.ts [FILE]   (default: ../shared/data/2017 round 1)
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { loadConfig } from '../infra/config.js'
import { silentLogger } from '../infra/logging.js'
import { createFsStorage } from '../infra/storage/fs-storage.js'
import { createMetricsRegistry } from '../infra/metrics.js'
import { readResultsFile } from '../bin/import/results-file.js'
import { openRuntime } from '../bin/runtime.js'
import { replayInProcess } from '../bin/replay.js'
import { replayItems } from '../bin/replay-client.js'
import { buildPublisher } from '../publish/publisher.js'

const file = resolve(process.argv[2] ?? join(import.meta.dirname, '..', '..', 'shared', 'data', '2017-presidentielle-1_par_bureau_large.csv.gz'))
const work = mkdtempSync(join(tmpdir(), 'bench-replay-'))
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const rssMb = () => Math.round(process.memoryUsage().rss / 1e6)
let peakRss = rssMb()
const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb())), 200)

console.log(`file: ${file}`)
console.log(`work folder: ${work}`)

// Baseline 1: reading the file.
let t0 = performance.now()
const imported = await readResultsFile(file)
const importMs = performance.now() - t0
console.log(`import alone:             ${seconds(importMs)} (${imported.returns.length} returns)`)

// The replay: HTTP ingest → bus → consolidation (PGlite) → [results] → pages.
const config = loadConfig({ DATA_DIR: join(work, 'data'), OUTPUT_DIR: join(work, 'out'), LOG_LEVEL: 'silent' })
const runtime = await openRuntime(config, silentLogger(), { serveSite: false, ephemeralIngestPort: true })
const items = replayItems(imported.definition, imported.returns)
t0 = performance.now()
const { summary, report } = await replayInProcess(runtime, imported.definition, items, undefined, { quiet: true })
const replayMs = performance.now() - t0
console.log(`replay, first 202 → last page: ${seconds(summary.wallTimeMs)}  (${summary.returnsPerSecond} returns/s end to end, ${report.accepted} accepted, ${report.rejected} rejected, ${summary.stationsPublished} stations published)`)
console.log(`replay incl. definition load: ${seconds(replayMs)}`)

// One render of every page from [results], into an empty folder, by a fresh publisher.
const renderDir = join(work, 'render')
const publisher = buildPublisher({ bus: runtime.bus, storage: createFsStorage(renderDir), logger: silentLogger(), metrics: createMetricsRegistry(false), intervalMs: 60_000 })
t0 = performance.now()
await publisher.start()
await publisher.caughtUp()
const cycle = await publisher.publishNow()
const renderMs = performance.now() - t0
await publisher.stop()
await runtime.close()

const files = listFiles(renderDir)
const bytes = files.reduce((n, f) => n + statSync(f).size, 0)
console.log(`render all pages once:    ${seconds(renderMs)} (${cycle.filesWritten} files, ${(bytes / 1e6).toFixed(0)} MB, read [results] + render + atomic writes)`)

// Baseline 2: the same files, written plainly.
const contents = files.map((f) => [f.slice(renderDir.length + 1), readFileSync(f)] as const)
const plainDir = join(work, 'plain')
t0 = performance.now()
for (const [rel, body] of contents) {
  const path = join(plainDir, rel)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, body)
}
const plainMs = performance.now() - t0
console.log(`baseline, same files written plainly: ${seconds(plainMs)}`)
clearInterval(sampler)
console.log(`peak RSS (sampled):       ${peakRss} MB`)
rmSync(work, { recursive: true, force: true })

function listFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    // Not push(...): 300k+ files under commune/ would overflow the call stack.
    if (e.isDirectory()) for (const f of listFiles(p)) out.push(f)
    else out.push(p)
  }
  return out
}
