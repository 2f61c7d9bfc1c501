// Templates of the pages that are not area pages (the embargo notice, the corrections log): read
// and parsed once per process, rendered with the same escaping as the area pages. Kept apart from
// templates.ts so the area pages' partials and these pages evolve independently.
import { readFileSync } from 'node:fs'
import { createTemplateRenderer, type TemplateRenderer } from '../infra/mustache-renderer.js'
import { escapeHtml } from './templates.js'

const TEMPLATE_DIR = new URL('./templates/', import.meta.url)

const NAMES = ['embargo', 'corrections'] as const
export type StandaloneTemplate = (typeof NAMES)[number]

let renderer: TemplateRenderer<StandaloneTemplate> | undefined

export function renderStandalone(name: StandaloneTemplate, view: object): string {
  renderer ??= createTemplateRenderer(Object.fromEntries(NAMES.map((n) => [n, readFileSync(new URL(`${n}.mustache`, TEMPLATE_DIR), 'utf8')])) as Record<StandaloneTemplate, string>, {}, escapeHtml)
  return renderer.render(name, view)
}
