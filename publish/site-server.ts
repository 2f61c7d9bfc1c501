// The built-in static site server of embedded mode: serves the output folder the way nginx does in
// the distributed setup (index.html for folders, types by extension, short cache lifetimes,
// ETag and 304), plus /metrics and /healthz. It only reads files; the publisher writes them.
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import { extname, basename, join, resolve, sep } from 'node:path'
import type { ServerResponse } from 'node:http'
import { createApp } from '../infra/http/http.js'
import type { Registry } from '../infra/metrics.js'
// Files that are not results (styles, the finder's data) change rarely: ASSET_CACHE_CONTROL.
import { ASSET_CACHE_CONTROL, PAGE_CACHE_CONTROL, STATUS_CACHE_CONTROL } from './page-writer.js'
import { IMMUTABLE_CACHE_CONTROL } from './downloads-writer.js'

/** Results and what is derived from them: pages, data, the feed and the sitemaps. */
const LIVE_EXTENSIONS = new Set(['.html', '.json', '.csv', '.xml'])
// A page missing now (a commune before the definition is read) may exist seconds later.
const NOT_FOUND_CACHE_CONTROL = 'public, max-age=5'

const NOT_FOUND_PAGE = `<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Page introuvable</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem">
<h1>Page introuvable</h1>
<p>Cette page n’existe pas ou n’est pas encore publiée.</p>
<p><a href="/">Résultats nationaux</a></p>
</body>
</html>
`

export interface SiteServerDeps {
  dir: string
  registry: Registry
}

export function buildSiteServer({ dir, registry }: SiteServerDeps): Express {
  const app = createApp(registry)
  // The finder is rebuilt, not republished every few seconds: nginx gives /finder/ max-age=300 too.
  const finderDir = join(resolve(dir), 'finder') + sep
  app.use(onlyReads)
  app.use(
    express.static(dir, {
      index: 'index.html',
      // Temporary files of atomic writes are dot-files: never served.
      dotfiles: 'ignore',
      etag: true,
      lastModified: true,
      cacheControl: false,
      fallthrough: true,
      redirect: true,
      setHeaders: (res, path) => setCacheHeaders(res, path, path.startsWith(finderDir)),
    }),
  )
  app.use((_req: Request, res: Response) => {
    res.status(404).set('Cache-Control', NOT_FOUND_CACHE_CONTROL).type('html').send(NOT_FOUND_PAGE)
  })
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // A malformed path (bad percent-encoding) is the client's fault; anything else is ours.
    const status = typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number' ? err.status : 500
    res.status(status).set('Cache-Control', 'no-store').type('text').send(status >= 500 ? 'Erreur du serveur' : 'Requête invalide')
  })
  return app
}

function onlyReads(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    next()
    return
  }
  res.status(405).set('Allow', 'GET, HEAD').set('Cache-Control', 'no-store').type('text').send('Méthode non autorisée')
}

function setCacheHeaders(res: ServerResponse, path: string, inFinder: boolean): void {
  res.setHeader('X-Content-Type-Options', 'nosniff')
  if (inFinder) {
    res.setHeader('Cache-Control', ASSET_CACHE_CONTROL)
    return
  }
  if (basename(path) === 'status.json') {
    res.setHeader('Cache-Control', STATUS_CACHE_CONTROL)
    return
  }
  // The Atom feed has the .xml extension but its own media type, as the publisher stored it.
  if (basename(path) === 'feed.xml') res.setHeader('Content-Type', 'application/atom+xml; charset=utf-8')
  if (/[\\/]data[\\/]v[\\/]/.test(path)) {
    // Content-addressed downloads (downloads-writer.ts): these bytes never change under this name.
    res.setHeader('Cache-Control', IMMUTABLE_CACHE_CONTROL)
    return
  }
  const ext = extname(path)
  res.setHeader('Cache-Control', LIVE_EXTENSIONS.has(ext) ? PAGE_CACHE_CONTROL : ASSET_CACHE_CONTROL)
}
