// The mustache templates of the public pages, read and compiled once per process: a France-sized
// render draws 200,000 pages from the same few templates (infra/mustache-renderer.ts).
import { readFileSync } from 'node:fs'
import { createTemplateRenderer, type TemplateRenderer } from '../infra/mustache-renderer.js'

const TEMPLATE_DIR = new URL('./templates/', import.meta.url)

export const TEMPLATE_NAMES = ['area', 'contest', 'stations', 'chart', 'map', 'station', 'contest-areas'] as const
export type TemplateName = (typeof TEMPLATE_NAMES)[number]

let loaded: Record<TemplateName, string> | undefined
let renderer: TemplateRenderer<TemplateName> | undefined

/** The templates' sources. */
export function templates(): Record<TemplateName, string> {
  if (!loaded) {
    const read = (name: TemplateName) => readFileSync(new URL(`${name}.mustache`, TEMPLATE_DIR), 'utf8')
    loaded = Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, read(name)])) as Record<TemplateName, string>
  }
  return loaded
}

/** What `{{> name}}` refers to in the page templates. */
export function pagePartials(): Record<string, string> {
  const t = templates()
  return { contest: t.contest, stations: t.stations, chart: t.chart, map: t.map, station: t.station, contestAreas: t['contest-areas'] }
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * The five characters that matter in element content and in quoted attribute values (every
 * attribute in the templates is quoted). Mustache's default also escapes "/" and "=", which
 * turns every relative link into "..&#x2F;..&#x2F;" for no safety gain.
 */
export function escapeHtml(value: unknown): string {
  const s = String(value)
  // Most values (figures, plain names) need nothing: skip the replace on the hot path of a France render.
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPABLE, (c) => HTML_ESCAPES[c] ?? c) : s
}

const NEEDS_ESCAPE = /[&<>"']/
const ESCAPABLE = /[&<>"']/g

/** Renders a page. Only `{{ }}` (escaped) is used with data in the templates; never `{{{ }}}`. */
export function renderTemplate(name: TemplateName, view: object): string {
  renderer ??= createTemplateRenderer(templates(), pagePartials(), escapeHtml)
  return renderer.render(name, view)
}
