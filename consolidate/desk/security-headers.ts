// Headers on every desk response. Desk pages hold unpublished figures and per-user forms: no
// cache may keep them, no other site may frame them (clickjacking), and the only script a page
// may run is the desk's own file (desk-live.js, the live figures): the Content-Security-Policy
// allows scripts from the desk's origin alone — never inline — and connections (its event stream)
// to that origin alone, so an injected script would not run.
import type { NextFunction, Request, Response } from 'express'

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ')

const HSTS_MAX_AGE_S = 365 * 24 * 60 * 60

export function securityHeaders(overHttps: boolean) {
  const headers: Record<string, string> = {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }
  if (overHttps) headers['Strict-Transport-Security'] = `max-age=${HSTS_MAX_AGE_S}`
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.set(headers)
    next()
  }
}
