// core/ is pure: it imports its own files, zod, and the two Node modules that do no I/O. This
// test reads every source file of core/ so a stray `node:fs` or `../infra/…` import fails the suite.
import t from 'tap'
import { readdir, readFile } from 'node:fs/promises'

const ALLOWED_PACKAGES = new Set(['zod', 'node:crypto', 'node:assert', 'node:assert/strict'])
const coreDir = new URL('../../core/', import.meta.url)

/** Every module specifier of a file: static imports and re-exports, and dynamic import() calls. */
function specifiers(source: string): string[] {
  const found: string[] = []
  for (const m of source.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/gm)) found.push(m[1] ?? '')
  for (const m of source.matchAll(/^\s*import\s*['"]([^'"]+)['"]/gm)) found.push(m[1] ?? '')
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1] ?? '')
  for (const m of source.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1] ?? '')
  return found
}

t.test('the specifier scan sees every import form', async (t) => {
  const sample = [
    "import { z } from 'zod'",
    "import type { X } from './x.js'",
    "export { Y } from './y.js'",
    "import 'node:fs'",
    "const m = await import('node:net')",
    'import {\n  a,\n  b,\n} from "node:http"',
  ].join('\n')
  t.strictSame(specifiers(sample).sort(), ['./x.js', './y.js', 'node:fs', 'node:http', 'node:net', 'zod'])
})

t.test('core/ imports only itself, zod, node:crypto and node:assert', async (t) => {
  const files = (await readdir(coreDir)).filter((f) => f.endsWith('.ts'))
  t.ok(files.length >= 8, `found ${files.length} source files`)
  for (const file of files) {
    const source = await readFile(new URL(file, coreDir), 'utf8')
    for (const spec of specifiers(source)) {
      const ok = /^\.\/[\w-]+\.js$/.test(spec) || ALLOWED_PACKAGES.has(spec)
      t.ok(ok, `${file} imports ${spec}`)
    }
  }
})
