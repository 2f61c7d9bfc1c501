// The mustache templates of the public pages, read and parsed once per process: a France-sized
// first render draws tens of thousands of pages from the same few templates.
import { readFileSync } from 'node:fs'
import Mustache from 'mustache'

const TEMPLATE_DIR = new URL('./templates/', import.meta.url)

export const TEMPLATE_NAMES = ['area', 'contest', 'stations', 'chart', 'map', 'station', 'contest-areas'] as const
export type TemplateName = (typeof TEMPLATE_NAMES)[number]

let loaded: Record<TemplateName, string> | undefined

/** The templates' sources; parsing them once fills mustache's own cache, keyed by source text. */
export function templates(): Record<TemplateName, string> {
  if (!loaded) {
    const read = (name: TemplateName) => readFileSync(new URL(`${name}.mustache`, TEMPLATE_DIR), 'utf8')
    const sources = Object.fromEntries(TEMPLATE_NAMES.map((name) => [name, read(name)])) as Record<TemplateName, string>
    for (const source of Object.values(sources)) Mustache.parse(source)
    loaded = sources
  }
  return loaded
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
  const t = templates()
  const partials = { contest: t.contest, stations: t.stations, chart: t.chart, map: t.map, station: t.station, contestAreas: t['contest-areas'] }
  return Mustache.render(t[name], view, partials, { escape: escapeHtml })
}
