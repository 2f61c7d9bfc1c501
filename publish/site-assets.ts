// The files every page shares: one style sheet and the optional refresh script (assets/). Read
// once per process; written by each cycle like any page, so they are skipped by digest when
// unchanged and reach S3 and the caches the same way.
import { readFileSync } from 'node:fs'

export interface SiteAsset {
  key: string
  contentType: string
  body: Buffer
}

const ASSET_DIR = new URL('./assets/', import.meta.url)

const ASSETS = [
  { key: 'assets/site.css', file: 'site.css', contentType: 'text/css; charset=utf-8' },
  { key: 'assets/live.js', file: 'live.js', contentType: 'text/javascript; charset=utf-8' },
] as const

export const SITE_ASSET_KEYS: readonly string[] = ASSETS.map((a) => a.key)

/** The département shapes of the national map, written only when a map is configured (departement-map.ts). */
export const MAP_ASSET_KEY = 'assets/departements.svg'

let loaded: SiteAsset[] | undefined

export function readSiteAssets(): SiteAsset[] {
  loaded ??= ASSETS.map((a) => ({ key: a.key, contentType: a.contentType, body: readFileSync(new URL(a.file, ASSET_DIR)) }))
  return loaded
}
