// The readers of bench/night: wrk reading a mix of the site's pages through Varnish for the whole
// night, and a watcher timing, for a sample of stations, the 202 of their return to the moment
// their commune's page, read through Varnish as a reader would, counts them.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseWrk, type WrkFigures } from '../../ops/loadtest/wrk-output.js'
import { REPO_ROOT } from '../../test/helpers/run-elections.js'

const URL_MIX = join(REPO_ROOT, 'ops', 'loadtest', 'url-mix.lua')

export interface Readers {
  pid: number | undefined
  /** Stops wrk (SIGINT: it prints its report) and reads its figures. */
  stop(): Promise<WrkFigures>
}

/**
 * wrk with `connections` keep-alive connections over `paths` (the national, département and some
 * commune pages), each connection waiting between requests so that together they ask about
 * `rate` pages a second: unpaced, wrk and Varnish alone take both cores of a 2-core machine and
 * starve the pipeline they are meant to watch (in production Varnish runs on other hosts).
 */
export function startReaders(varnishUrl: string, paths: readonly string[], connections: number, rate: number, dir: string): Readers {
  const pathsFile = join(dir, 'reader-paths.txt')
  writeFileSync(pathsFile, `${paths.join('\n')}\n`)
  const script = join(dir, 'paced-url-mix.lua')
  writeFileSync(script, `dofile(${JSON.stringify(URL_MIX)})\nfunction delay()\n  return ${Math.round((connections * 1000) / rate)}\nend\n`)
  const wrk = spawn('wrk', ['-t1', `-c${connections}`, '-d3600s', '--latency', '-s', script, varnishUrl, '--', pathsFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  wrk.stdout.on('data', (d: Buffer) => (out += d.toString()))
  wrk.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = once(wrk, 'exit')
  // A missing or failing wrk ends the run with its reason (bench/night checks wrk is there first).
  wrk.once('error', (err) => {
    throw new Error(`wrk (the readers) could not run: ${err.message}`)
  })
  process.once('exit', () => wrk.kill('SIGKILL'))
  return {
    pid: wrk.pid,
    async stop() {
      wrk.kill('SIGINT')
      await exited
      return parseWrk(out)
    },
  }
}

/** Each sampled station's commune (a commune with that one station, so its page counting 1 means this station). */
export interface LatencySample {
  stationId: string
  commune: string
}

export interface PageLatency {
  /** Called at the 202 of a sampled station's return. */
  acknowledged(stationId: string): void
  /**
   * Stops watching. For each station seen: `times`, ms from its 202 to Varnish serving a page that
   * counts it, and `folderTimes`, ms from its 202 to the publisher's folder holding that page (the
   * rest is the purge and Varnish); then how many were acknowledged but never seen.
   */
  stop(): { times: number[]; folderTimes: number[]; unseen: number }
}

/**
 * Every `intervalMs`, reads the commune page of each acknowledged, not yet seen station in the
 * publisher's folder; once the file counts the station, asks Varnish for the page until what
 * readers get counts it too, and records that moment. Polling Varnish alone for every station
 * made 800 requests a second for minutes (the bench's client used more CPU than ingest and
 * consolidate together, on the same 2 cores as the pipeline it measures); a file read is cheap.
 */
export function watchPageLatency(varnishUrl: string, outputDir: string, samples: readonly LatencySample[], intervalMs = 250): PageLatency {
  const communeOf = new Map(samples.map((s) => [s.stationId, s.commune]))
  const ackedAt = new Map<string, number>()
  /** Written to the folder, and when it was seen there: now waiting for Varnish to serve it. */
  const written = new Map<string, number>()
  const seen = new Set<string>()
  const times: number[] = []
  const folderTimes: number[] = []
  let stopped = false
  const counts = (page: { stations?: { reported?: number } } | undefined) => (page?.stations?.reported ?? 0) >= 1
  const fromFolder = (commune: string) => {
    try {
      return JSON.parse(readFileSync(join(outputDir, 'commune', commune, 'index.json'), 'utf8')) as { stations?: { reported?: number } }
    } catch {
      return undefined // not written yet, or caught between a rename and the read
    }
  }
  const fromVarnish = async (commune: string) => {
    try {
      const res = await fetch(`${varnishUrl}/commune/${commune}/index.json`, { signal: AbortSignal.timeout(5000) })
      if (res.status !== 200) return void (await res.arrayBuffer())
      return (await res.json()) as { stations?: { reported?: number } }
    } catch {
      return undefined // Varnish busy: the next round asks again
    }
  }
  const poll = async () => {
    while (!stopped) {
      const due = Date.now() + intervalMs
      for (const stationId of ackedAt.keys()) {
        if (!written.has(stationId) && counts(fromFolder(communeOf.get(stationId) ?? ''))) written.set(stationId, performance.now())
      }
      await Promise.all(
        [...written.keys()].map(async (stationId) => {
          if (!counts(await fromVarnish(communeOf.get(stationId) ?? ''))) return
          const at = ackedAt.get(stationId)
          const inFolderAt = written.get(stationId)
          if (at === undefined || inFolderAt === undefined) return
          ackedAt.delete(stationId)
          written.delete(stationId)
          seen.add(stationId)
          times.push(performance.now() - at)
          folderTimes.push(inFolderAt - at)
        }),
      )
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())))
    }
  }
  void poll()
  return {
    acknowledged(stationId) {
      if (communeOf.has(stationId) && !ackedAt.has(stationId) && !seen.has(stationId)) ackedAt.set(stationId, performance.now())
    },
    stop() {
      stopped = true
      return { times: times.slice(), folderTimes: folderTimes.slice(), unseen: ackedAt.size }
    },
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number
}
