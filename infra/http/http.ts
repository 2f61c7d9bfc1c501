// HTTP helpers shared by every server: the error shape, /metrics and /healthz, and listen/close.
import express, { type Express, type Response } from 'express'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import { metricsHandler } from '../metrics.js'

export interface FieldProblem {
  path: string
  message: string
}

/** Every error answer has one shape: a machine-readable code and a sentence a person can act on. */
export function sendError(res: Response, status: number, code: string, message: string, fields?: FieldProblem[]): void {
  res.status(status).json({ error: fields && fields.length > 0 ? { code, message, fields } : { code, message } })
}

/**
 * A JSON answer written straight to the response: express's `res.json` also checks freshness and
 * content negotiation, which an API's POST answers never need, on the busiest route of the night.
 * Headers set before (Retry-After…) are kept.
 */
export function sendJson(res: Response, status: number, body: unknown): void {
  const json = JSON.stringify(body)
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json) })
  res.end(json)
}

/** An express app with /metrics and /healthz, and without the X-Powered-By banner. */
export function createApp(registry: Registry): Express {
  const app = express()
  app.disable('x-powered-by')
  app.set('etag', 'strong')
  app.get('/metrics', metricsHandler(registry))
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true })
  })
  return app
}

export interface Listening {
  port: number
  server: Server
  close(): Promise<void>
}

/** Listens on `port` (0 = any free port, for tests) and resolves with the port really bound. */
export function listen(app: Express, port: number, host: string): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host)
    server.once('error', reject)
    server.once('listening', () => {
      // Slow clients must not hold sockets for ever (slowloris); bodies here are small.
      server.requestTimeout = 30_000
      server.headersTimeout = 10_000
      server.keepAliveTimeout = 5_000
      const bound = (server.address() as AddressInfo).port
      resolve({
        port: bound,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done())
            server.closeAllConnections()
          }),
      })
    })
  })
}
