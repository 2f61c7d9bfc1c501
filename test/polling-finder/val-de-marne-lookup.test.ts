// 1,000 addresses drawn (seeded) from the Val-de-Marne table, each looked up the way the search
// page does it: the same finder-lookup.js file the browser loads (read from the built output),
// the same shard files. Every answer is the address's station, or, where the table itself puts
// one number on a street under two stations, lists it among the candidates.
import t from 'tap'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { buildSharedFinder } from '../helpers/finder-shared-build.js'
import type * as LookupModule from '../../polling-finder/browser/finder-lookup.js'
import type { PostcodeShard } from '../../polling-finder/browser/finder-lookup.js'

type Lookup = typeof LookupModule

/** mulberry32: a seeded draw, the same 1,000 addresses on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296
  }
}

t.test('1,000 random Val-de-Marne addresses find their station through the shards', async (t) => {
  const built = await buildSharedFinder(t)
  if (built === undefined) return
  const { dir, inputs, summary } = built
  t.same(summary.oversizedShards, [], 'every shard is at most 100 KB gzipped')
  // The served file's bytes, run as a module (the temporary folder has no package.json saying ESM).
  const served = await readFile(join(dir, 'finder-lookup.js'), 'utf8')
  const lookup = (await import(`data:text/javascript,${encodeURIComponent(served)}`)) as Lookup
  const table = inputs.addresses?.[0]
  if (table === undefined) throw new Error('no address table')
  t.same(table.problems, [], 'no line of the table is malformed')
  const stationIds = new Set(inputs.definition.stations.map((s) => s.id))
  const usable = table.rows.filter((r) => stationIds.has(`${r.commune}-${r.bureau}`))
  const unlocated = Object.values(table.unlocated).reduce((a, b) => a + b, 0)
  t.ok(unlocated < table.rows.length / 100, `${unlocated} lines not placed on a street by the BAN, reported by reason`)

  const random = seeded(2017)
  let definite = 0
  let amongCandidates = 0
  const wrong: string[] = []
  for (let i = 0; i < 1000; i++) {
    const row = usable[Math.floor(random() * usable.length)]
    if (row === undefined) throw new Error('empty draw')
    const typed = `${row.number ?? ''} ${row.street}, ${row.postcode ?? ''}`.trim()
    const query = lookup.parseQuery(typed)
    const path = lookup.firstShardPath(query)
    if (path === undefined) throw new Error(`no shard for ${typed}`)
    const shard = JSON.parse(await readFile(join(dir, path), 'utf8')) as PostcodeShard
    const answers = lookup.lookupAddress(shard.communes, query).filter((a) => a.commune.code === row.commune)
    const expected = `${row.commune}-${row.bureau}`
    const found = answers.flatMap((a) => a.stations.map((s) => ({ id: a.commune.stations[s]?.id, definite: a.definite })))
    const hit = found.find((f) => f.id === expected)
    if (hit === undefined) wrong.push(`line ${row.line} "${typed}" → ${found.map((f) => f.id).join(', ') || 'nothing'} (expected ${expected})`)
    else if (hit.definite && found.length === 1) definite++
    else if (!hit.definite) amongCandidates++
    else wrong.push(`line ${row.line} "${typed}": ${expected} and others, all given as certain`)
  }
  t.same(wrong, [], 'every address is answered with its own station')
  t.equal(definite + amongCandidates, 1000)
  t.ok(definite > 900, `${definite} answered with one station, ${amongCandidates} among candidates on split numbers`)
})
