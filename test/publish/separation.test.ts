// The publisher is the public side: it must not be able to reach the desk. This reads every import
// of publish/ and fails if one leads to another service, the database adapters or `[returns]`.
import t from 'tap'
import { readdir, readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'

const PUBLISH_DIR = resolve(import.meta.dirname, '..', '..', 'publish')
const FORBIDDEN = [/(^|\/)consolidate\//, /(^|\/)ingest\//, /(^|\/)polling-finder\//, /(^|\/)bin\//, /infra\/db\//, /^pg$/, /^@electric-sql\/pglite/]

t.test('publish/ imports only core/, infra/ (no db) and libraries', async (t) => {
  const files = (await readdir(PUBLISH_DIR, { recursive: true })).filter((f) => f.endsWith('.ts'))
  t.ok(files.length >= 8, 'the sources were found')
  for (const file of files) {
    const source = await readFile(join(PUBLISH_DIR, file), 'utf8')
    const imports = [...source.matchAll(/\bfrom\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2] ?? '')
    for (const spec of imports) {
      t.notOk(FORBIDDEN.some((re) => re.test(spec)), `${file} imports ${spec}`)
    }
    t.notMatch(source, /TOPICS\.returns|['"]returns['"]/, `${file} never names the [returns] topic`)
  }
})
