// What every Storage must do (infra/storage/storage.ts), written once and run on each
// implementation: the publisher writes the same keys to a folder and to S3, so both must accept
// and refuse the same keys and give back exactly the bytes they were given.
import type { Test } from 'tap'
import { randomBytes } from 'node:crypto'
import type { Storage, StoredObjectMeta } from '../../infra/storage/storage.js'

const HTML: StoredObjectMeta = { contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=10' }
const GZIP_HTML: StoredObjectMeta = { ...HTML, contentEncoding: 'gzip' }

const UNSAFE_KEYS = ['../x', 'a/../../b', '/abs', 'a//b', 'a/./b', '', 'a/', 'ok/..', 'a\\b', 'x/%2e%2e/y', 'space key']

export function storageContract(t: Test, makeStorage: () => Promise<Storage>): void {
  t.test('put then get gives back the same bytes', async (t) => {
    const storage = await makeStorage()
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i))
    const random = randomBytes(200_000)
    await storage.put('commune/75056/index.html', everyByte, HTML)
    await storage.put('commune/75056/index.html.gz', random, GZIP_HTML)
    await storage.put('empty.json', Buffer.alloc(0), { contentType: 'application/json', cacheControl: 'no-cache' })
    t.same(await storage.get('commune/75056/index.html'), everyByte, 'all 256 byte values')
    t.same(await storage.get('commune/75056/index.html.gz'), random, 'a large binary body, under its own key')
    t.same(await storage.get('empty.json'), Buffer.alloc(0), 'an empty body')
  })

  t.test('put overwrites, delete removes, a missing key reads as undefined', async (t) => {
    const storage = await makeStorage()
    t.equal(await storage.get('status.json'), undefined, 'never written')
    await storage.put('status.json', Buffer.from('{"snapshot":1}'), HTML)
    await storage.put('status.json', Buffer.from('{"snapshot":2}'), HTML)
    t.equal((await storage.get('status.json'))?.toString(), '{"snapshot":2}', 'the newer body')
    await storage.delete('status.json')
    t.equal(await storage.get('status.json'), undefined, 'deleted')
    await storage.delete('status.json')
    await storage.delete('region/never/written.html')
    t.pass('deleting a missing key is fine')
  })

  t.test('keys that are not plain relative paths are refused by every operation', async (t) => {
    const storage = await makeStorage()
    for (const key of UNSAFE_KEYS) {
      const name = JSON.stringify(key)
      await t.rejects(storage.put(key, Buffer.from('x'), HTML), /unsafe storage key/, `put ${name}`)
      await t.rejects(storage.get(key), /unsafe storage key/, `get ${name}`)
      await t.rejects(storage.delete(key), /unsafe storage key/, `delete ${name}`)
    }
  })

  t.test('many concurrent puts all land, and racing puts on one key leave one whole body', async (t) => {
    const storage = await makeStorage()
    const bodies = Array.from({ length: 60 }, (_, i) => randomBytes(1_000 + i * 97))
    await Promise.all(bodies.map((body, i) => storage.put(`departement/${i % 7}/page-${i}.html`, body, HTML)))
    const read = await Promise.all(bodies.map((_, i) => storage.get(`departement/${i % 7}/page-${i}.html`)))
    t.ok(
      read.every((body, i) => body?.equals(bodies[i]!)),
      'every page has its own body',
    )

    // 16 kB arrives in one piece, so even a server writing in place (s3rver) must end whole.
    const racing = Array.from({ length: 12 }, () => randomBytes(16_000))
    await Promise.all(racing.map((body) => storage.put('index.html', body, HTML)))
    const winner = await storage.get('index.html')
    t.ok(
      racing.some((body) => winner?.equals(body)),
      'the key holds one of the racing bodies, whole',
    )
  })
}
