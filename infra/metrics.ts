// Prometheus metrics. Each service registers its own instruments on a registry passed in, and
// every HTTP server exposes it on /metrics.
import { Registry, collectDefaultMetrics, Counter, Histogram, Gauge } from 'prom-client'
import type { Request, Response } from 'express'

export { Registry, Counter, Histogram, Gauge }

export function createMetricsRegistry(withProcessMetrics = true): Registry {
  const registry = new Registry()
  if (withProcessMetrics) collectDefaultMetrics({ register: registry })
  return registry
}

export function metricsHandler(registry: Registry) {
  return async (_req: Request, res: Response): Promise<void> => {
    res.setHeader('Content-Type', registry.contentType)
    res.send(await registry.metrics())
  }
}
