// GET /events: the live figures as server-sent events, for a signed-in user (mounted after the
// session is loaded); GET /desk-live.js: the script that applies them. Each stream ends after STREAM_MAX_MS and the browser reconnects
// (EventSource does so by itself), so a session that ended or a user disabled since is refused
// within that time: the session is checked when the stream opens, like any request.
import { readFileSync } from 'node:fs'
import { Router, type Request, type Response } from 'express'
import { requireRole } from './desk-context.js'
import { DESK_ROLES } from './desk-users.js'
import type { LiveFeed, LiveFigures } from './live-feed.js'

const STREAM_MAX_MS = 5 * 60_000
/** A comment line now and then keeps proxies from closing a quiet stream. */
const KEEPALIVE_MS = 15_000
const RECONNECT_MS = 3000

const LIVE_SCRIPT = readFileSync(new URL('./templates/desk-live.js', import.meta.url), 'utf8')

/** The script, served before the session is loaded, like the style sheet: it holds no data. */
export function sendLiveScript(_req: Request, res: Response): void {
  res.type('text/javascript').send(LIVE_SCRIPT)
}

function sendFigures(res: Response, figures: LiveFigures): void {
  res.write(`event: figures\ndata: ${JSON.stringify(figures)}\n\n`)
}

export function liveRoutes(feed: LiveFeed): Router {
  const router = Router()

  router.get('/events', requireRole(...DESK_ROLES), (req, res) => {
    res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' })
    res.flushHeaders()
    res.write(`retry: ${RECONNECT_MS}\n\n`)
    const unsubscribe = feed.subscribe((figures) => sendFigures(res, figures))
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS)
    const end = setTimeout(() => res.end(), STREAM_MAX_MS)
    req.on('close', () => {
      clearInterval(keepalive)
      clearTimeout(end)
      unsubscribe()
    })
  })

  return router
}
