// HTTP helpers shared by every server: the error shape, /metrics and /healthz, and listen/close.
import express, { type Express, type Request, type Response } from 'express'
import { createServer, type Server } from 'node:http'
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

/** The client's address: the peer's, or the client's as the app's `trust proxy` setting (TRUST_PROXY) reads it. */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown'
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

/**
 * How long a client may take. Slow clients must not hold sockets for ever (slowloris): the headers
 * within 10 s. A whole request within 2 minutes: an official's 10 MB scan or a town hall's CSV
 * over a weak mobile link takes far more than the 30 s this once was (nginx in front buffers
 * bodies and cuts stalled ones sooner, ops/nginx). Node checks the deadlines every
 * `checkEveryMs`; its default, 30 s, let a slow client stay up to half a minute past them.
 */
export const HTTP_TIMEOUTS = { headersMs: 10_000, requestMs: 120_000, keepAliveMs: 5_000, checkEveryMs: 1_000 }

/** Listens on `port` (0 = any free port, for tests) and resolves with the port really bound. */
export function listen(app: Express, port: number, host: string, timeouts: Partial<typeof HTTP_TIMEOUTS> = {}): Promise<Listening> {
  const t = { ...HTTP_TIMEOUTS, ...timeouts }
  return new Promise((resolve, reject) => {
    const server = createServer(
      { headersTimeout: t.headersMs, requestTimeout: t.requestMs, keepAliveTimeout: t.keepAliveMs, connectionsCheckingInterval: t.checkEveryMs },
      app,
    )
    server.once('error', reject)
    server.once('listening', () => {
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
    server.listen(port, host)
  })
}
