// Shared set-up of the publisher tests: a real embedded bus in a temporary folder, the definition
// and results produced on `[results]` as consolidation would, and a storage that remembers what
// each cycle wrote.
import { writeFileSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { Test } from 'tap'
import { TOPICS, definitionPartKey, splitDefinition, stationResultKey } from '../../core/messages.js'
import type { ElectionDefinition, StationResult } from '../../core/schemas.js'
import type { Bus } from '../../infra/bus/bus.js'
import { openEmbeddedBus } from '../../infra/bus/embedded-bus.js'
import { silentLogger } from '../../infra/logging.js'
import { createMetricsRegistry, type Registry } from '../../infra/metrics.js'
import { createFsStorage } from '../../infra/storage/fs-storage.js'
import { loadDepartementMap, type DepartementMap } from '../../publish/departement-map.js'
import type { Storage } from '../../infra/storage/storage.js'
import { buildPublisher, type Publisher } from '../../publish/publisher.js'

/**
 * The site-wide files of a full cycle (test/publish/downloads.test.ts checks their content):
 * data/results.csv, data/results-nist.json and their two content-addressed copies, data/index.json,
 * data/corrections.json, corrections/index.html, feed.xml, sitemap.xml and sitemaps/areas-1.xml.
 */
export const SITE_WIDE_FILES = 10
/** Site-wide files have a folder path too: /corrections/ for corrections/index.html. */
export const SITE_WIDE_FOLDERS = 1

/** A storage key (or a site path without its leading "/") of a site-wide file, variants included. */
export function isSiteWide(key: string): boolean {
  return /^\/?(data\/|corrections\/|feed\.xml|sitemaps?[./])/.test(key)
}

/** Teardowns run last-registered first: publishers started later stop before the bus closes. */
export async function openTestBus(t: Test, dir: string): Promise<Bus> {
  const bus = await openEmbeddedBus(dir)
  t.teardown(() => bus.close())
  await bus.ensureTopics([{ name: TOPICS.results, partitions: 1, compacted: true }])
  return bus
}

export async function produceDefinition(bus: Bus, def: ElectionDefinition): Promise<void> {
  await bus.produce(
    TOPICS.results,
    splitDefinition(def).map((part) => ({ key: definitionPartKey(part), value: JSON.stringify(part) })),
  )
}

export async function produceResults(bus: Bus, results: readonly StationResult[]): Promise<void> {
  await bus.produce(
    TOPICS.results,
    results.map((r) => ({ key: stationResultKey(r.electionId, r.contestId, r.stationId), value: JSON.stringify(r) })),
  )
}

export interface RecordingStorage extends Storage {
  /** Keys written since the last `take()`. */
  take(): string[]
}

export function recordingStorage(dir: string): RecordingStorage {
  const inner = createFsStorage(dir)
  let written: string[] = []
  return {
    ...inner,
    async put(key, body, meta) {
      written.push(key)
      await inner.put(key, body, meta)
    },
    take() {
      const keys = written.sort()
      written = []
      return keys
    },
  }
}

export interface TestPublisher {
  publisher: Publisher
  storage: RecordingStorage
  registry: Registry
  out: string
}

/**
 * A started publisher writing into `out`. A long interval: tests drive cycles with publishNow().
 * Stopped before the bus closes.
 */
export async function startPublisher(t: Test, bus: Bus, out: string, intervalMs = 3_600_000): Promise<TestPublisher> {
  const storage = recordingStorage(out)
  const registry = createMetricsRegistry(false)
  const publisher = buildPublisher({ bus, storage, logger: silentLogger(), metrics: registry, intervalMs })
  await publisher.start()
  t.teardown(() => publisher.stop())
  return { publisher, storage, registry, out }
}

export async function readJson(out: string, key: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(out, key), 'utf8')) as Record<string, unknown>
}

export async function readText(out: string, key: string): Promise<string> {
  return readFile(join(out, key), 'utf8')
}

/** Every file under `dir` (relative path → bytes), to compare two output trees byte for byte. */
export async function readTree(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const full = join(entry.parentPath, entry.name)
    files.set(relative(dir, full), await readFile(full))
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)))
}

/** Four squares standing for Paris, Val-de-Marne, Rhône and Guadeloupe (an overseas inset). */
export function squaresMap(dir: string): DepartementMap {
  const square = (code: string, lon: number, lat: number) => ({
    type: 'Feature',
    properties: { code, nom: code },
    geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon, lat + 1], [lon + 1, lat + 1], [lon + 1, lat], [lon, lat]]] },
  })
  const file = join(dir, 'squares.geojson')
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [square('75', 2, 48.5), square('94', 3, 48.5), square('69', 4.5, 45.5), square('971', -61.5, 16)] }))
  return loadDepartementMap([file])
}

/**
 * The output as a function of the results: every live file, and only the content-addressed copies
 * of downloads the manifest names (earlier copies are history: they depend on the cycles run).
 */
export async function readCurrentTree(out: string): Promise<Map<string, Buffer>> {
  const tree = await readTree(out)
  const manifest = JSON.parse(tree.get('data/index.json')?.toString() ?? '{}') as { files?: { versionedUrl?: string }[] }
  const named = new Set((manifest.files ?? []).flatMap((f) => (f.versionedUrl ? [f.versionedUrl.slice(1)] : [])))
  return new Map([...tree].filter(([key]) => !key.startsWith('data/v/') || named.has(key.replace(/\.(gz|br)$/, ''))))
}
