// The desk's pages: mustache templates read once per process, rendered on the server so the desk
// works without JavaScript. Data goes in through {{ }} only (mustache's full HTML escaping),
// never {{{ }}}.
import { readFileSync } from 'node:fs'
import Mustache from 'mustache'

const TEMPLATE_DIR = new URL('./templates/', import.meta.url)

const PAGES = ['login', 'dashboard', 'lockouts', 'message', 'station', 'departement', 'chase', 'review'] as const
const PARTIALS = ['header', 'footer', 'completeness-head', 'completeness-row', 'lockout-head', 'lockout-row', 'pagination'] as const
export type DeskPage = (typeof PAGES)[number]

interface Loaded {
  pages: Record<DeskPage, string>
  partials: Record<string, string>
  css: string
}

let loaded: Loaded | undefined

function read(file: string): string {
  return readFileSync(new URL(file, TEMPLATE_DIR), 'utf8')
}

function load(): Loaded {
  if (!loaded) {
    const pages = Object.fromEntries(PAGES.map((name) => [name, read(`${name}.mustache`)])) as Record<DeskPage, string>
    const partials = Object.fromEntries(PARTIALS.map((name) => [name, read(`${name}.mustache`)]))
    for (const source of [...Object.values(pages), ...Object.values(partials)]) Mustache.parse(source)
    loaded = { pages, partials, css: read('desk.css') }
  }
  return loaded
}

export function renderDeskPage(page: DeskPage, view: object): string {
  const { pages, partials } = load()
  return Mustache.render(pages[page], view, partials)
}

/** The style sheet, the one asset the pages load. */
export function deskCss(): string {
  return load().css
}
