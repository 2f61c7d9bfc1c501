// Benchmark: phone webhooks one ingest process handles. Simulated calls (the same simulator the
// tests and `replay --channel phone` use) run concurrently against the real ingest app on the
// embedded bus and the memory cache: dial, station code, PIN (scrypt), every figure, confirm and
// the durable submit. Baseline measured in the same run: a bare express endpoint that parses the
// same form posts and answers a fixed <Gather>, driven by the same client.
//
// usage: npx tsx bench/ivr-webhooks.ts [CALLS] [CONCURRENCY]   (default 300 calls, 16 at once)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import { openEmbeddedBus } from '../infra/bus/embedded-bus.js'
import { createMemoryCache } from '../infra/cache/memory-cache.js'
import { listen } from '../infra/http/http.js'
import { silentLogger } from '../infra/logging.js'
import { createMetricsRegistry } from '../infra/metrics.js'
import { buildIngest } from '../ingest/ingest-app.js'
import { issueCredentials } from '../bin/credentials.js'
import { readResultsFile } from '../bin/import/results-file.js'
import { publishDefinition } from '../bin/load-election.js'
import { PhoneCall } from '../bin/phone-caller.js'
import { stationSheet } from '../ingest/phone/station-sheet.js'
import { createFsStorage } from '../infra/storage/fs-storage.js'

const CALLS = Number(process.argv[2] ?? 300)
const CONCURRENCY = Number(process.argv[3] ?? 16)
const work = mkdtempSync(join(tmpdir(), 'bench-ivr-'))
const file = join(import.meta.dirname, '..', 'test', 'fixtures', 'results', '2017-presidentielle-1-extrait_large.csv')

const imported = await readResultsFile(file)
const definition = imported.definition
const bus = await openEmbeddedBus(join(work, 'bus'))
await publishDefinition(bus, definition)
const issued = await issueCredentials({ bus, definition, outDir: join(work, 'credentials') })
const cache = createMemoryCache()
const ingest = buildIngest({ bus, cache, logger: silentLogger(), metrics: createMetricsRegistry(false), apiTokens: [], maxBodyBytes: 1 << 20, scans: createFsStorage(join(work, 'scans')) })
await ingest.start()
const server = await listen(ingest.app, 0, '127.0.0.1')

/** Each call: every key a president presses for one station, confirmation included. */
const scripts = issued.stations.map((s) => {
  const sheet = stationSheet(definition, s.stationId)
  const counts = imported.returns.find((r) => r.stationId === s.stationId)?.counts
  if (!sheet || !counts) throw new Error(`no sheet for ${s.stationId}`)
  const figures = sheet.lines.map((l) => (l.field === 'votes' ? (counts.votes[l.candidateId] ?? 0) : counts[l.field]))
  return [`${s.code}#`, `${s.pin}#`, ...figures.map((f) => `${f}#`), '1']
})

interface Run {
  webhooks: number
  wallMs: number
  latenciesMs: number[]
}

async function run(voiceUrl: string, keysOf: (i: number) => string[]): Promise<Run> {
  const latenciesMs: number[] = []
  let next = 0
  const timed = async (step: () => Promise<unknown>) => {
    const t0 = performance.now()
    await step()
    latenciesMs.push(performance.now() - t0)
  }
  const worker = async () => {
    while (next < CALLS) {
      const i = next++
      const call = new PhoneCall({ voiceUrl, from: `+339${String(i).padStart(8, '0')}` })
      await timed(() => call.dial())
      for (const keys of keysOf(i)) await timed(() => call.press(keys))
    }
  }
  const t0 = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return { webhooks: latenciesMs.length, wallMs: performance.now() - t0, latenciesMs }
}

function report(label: string, r: Run): number {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b)
  const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1)
  const perSecond = Math.round((r.webhooks * 1000) / r.wallMs)
  console.log(`${label}: ${r.webhooks} webhooks in ${(r.wallMs / 1000).toFixed(1)} s = ${perSecond} webhooks/s; latency p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`)
  return perSecond
}

// Baseline: parse the form, answer a constant Gather; nothing else.
const bare = express()
bare.post('/v1/phone/voice', express.urlencoded({ extended: false }), (_req, res) => {
  res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?>\n<Response><Gather input="dtmf" action="voice?s=1" method="POST" timeout="10" finishOnKey="#"><Say language="fr-FR">Nombre de votants, puis dièse.</Say></Gather></Response>\n')
})
const bareServer = await listen(bare, 0, '127.0.0.1')

console.log(`${CALLS} calls, ${CONCURRENCY} at once, ${scripts[0]?.length ?? 0} key entries per call (30 stations of ${file.split('/').at(-1)})`)
const baseline = report('bare endpoint (baseline)', await run(`http://127.0.0.1:${bareServer.port}/v1/phone/voice`, (i) => scripts[i % scripts.length] ?? []))
const ivr = report('IVR webhook             ', await run(`http://127.0.0.1:${server.port}/v1/phone/voice`, (i) => scripts[i % scripts.length] ?? []))
console.log(`IVR / bare: ${((100 * ivr) / baseline).toFixed(0)} %  (each call also verifies one scrypt PIN and makes one durable produce)`)

await bareServer.close()
await server.close()
await ingest.stop()
await bus.close()
await cache.close()
rmSync(work, { recursive: true, force: true })
