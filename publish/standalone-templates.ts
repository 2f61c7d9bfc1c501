// Templates of the pages that are not area pages (the embargo notice, the corrections log): read
// and parsed once per process, rendered with the same escaping as the area pages. Kept apart from
// templates.ts so the area pages' partials and these pages evolve independently.
import { readFileSync } from 'node:fs'
import Mustache from 'mustache'
import { escapeHtml } from './templates.js'

const TEMPLATE_DIR = new URL('./templates/', import.meta.url)

export type StandaloneTemplate = 'embargo' | 'corrections'

const sources = new Map<StandaloneTemplate, string>()

export function renderStandalone(name: StandaloneTemplate, view: object): string {
  let source = sources.get(name)
  if (source === undefined) {
    source = readFileSync(new URL(`${name}.mustache`, TEMPLATE_DIR), 'utf8')
    Mustache.parse(source)
    sources.set(name, source)
  }
  return Mustache.render(source, view, {}, { escape: escapeHtml })
}
