// A closed-loop HTTP load generator for the benchmarks: `connections` keep-alive connections,
// each sending its next request as soon as the previous answer is read, until `requests` were
// sent. Every request is built by `request(i)` so each can carry its own body and keys. It
// reports throughput, latency percentiles (each request timed from write to last byte) and the
// answers by status.
import { Agent, request as httpRequest } from 'node:http'

export interface LoadRequest {
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
}

export interface LoadReport {
  requests: number
  seconds: number
  perSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** Answers by HTTP status; 0 counts connection errors. */
  byStatus: Record<number, number>
}

export async function runLoad(options: {
  baseUrl: string
  requests: number
  connections: number
  request: (i: number) => LoadRequest
}): Promise<LoadReport> {
  const url = new URL(options.baseUrl)
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections })
  const latencies = new Float64Array(options.requests)
  const byStatus: Record<number, number> = {}
  let next = 0

  const send = (i: number) =>
    new Promise<number>((resolve) => {
      const r = options.request(i)
      const body = r.body === undefined ? undefined : Buffer.from(r.body)
      const headers = { ...r.headers, ...(body ? { 'content-length': String(body.length) } : {}) }
      const req = httpRequest({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent }, (res) => {
        res.on('data', () => undefined)
        res.on('end', () => resolve(res.statusCode ?? 0))
        res.on('error', () => resolve(0))
      })
      req.on('error', () => resolve(0))
      req.end(body)
    })

  const started = performance.now()
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (next < options.requests) {
        const i = next++
        const t0 = performance.now()
        const status = await send(i)
        latencies[i] = performance.now() - t0
        byStatus[status] = (byStatus[status] ?? 0) + 1
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  const sorted = latencies.slice().sort()
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  return {
    requests: options.requests,
    seconds,
    perSecond: options.requests / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted[sorted.length - 1] ?? 0,
    byStatus,
  }
}

export function formatLoad(name: string, r: LoadReport): string {
  const statuses = Object.entries(r.byStatus)
    .map(([s, n]) => `${s === '0' ? 'errors' : s}: ${n}`)
    .join(', ')
  return `${name.padEnd(34)} ${String(Math.round(r.perSecond)).padStart(6)} req/s   p50 ${r.p50Ms.toFixed(1)} ms   p99 ${r.p99Ms.toFixed(1)} ms   max ${r.maxMs.toFixed(0)} ms   (${statuses})`
}
