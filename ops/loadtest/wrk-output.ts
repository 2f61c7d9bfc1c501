// Reading wrk's text report (with --latency): requests per second, latency percentiles, errors.

export interface WrkFigures {
  requests: number
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  /** Socket errors (connect, read, write, timeout) plus answers other than 2xx/3xx. */
  errors: number
  errorDetail: string
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }

function latencyMs(text: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text)
  if (!match?.[1] || !match[2]) throw new Error(`wrk output has no ${percentile}% latency (run it with --latency):\n${text}`)
  return Number(match[1]) * (UNIT_MS[match[2]] ?? NaN)
}

export function parseWrk(text: string): WrkFigures {
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(text)
  const total = /^\s*(\d+) requests in /m.exec(text)
  if (!rps?.[1] || !total?.[1]) throw new Error(`not a wrk report:\n${text}`)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text)
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text)
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  const httpErrors = non2xx?.[1] ? Number(non2xx[1]) : 0
  return {
    requests: Number(total[1]),
    requestsPerSecond: Number(rps[1]),
    p50Ms: latencyMs(text, '50'),
    p99Ms: latencyMs(text, '99'),
    errors: socketErrors + httpErrors,
    errorDetail: [socket?.[0], non2xx?.[0]].filter(Boolean).join('; ') || 'none',
  }
}
