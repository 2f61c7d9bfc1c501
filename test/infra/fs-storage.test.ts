import t from 'tap'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { createFsStorage } from '../../infra/storage/fs-storage.js'

const meta = { contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=10' }

t.test('put writes the whole file, replacing the old one, leaving no temporary file', async (t) => {
  const dir = t.testdir({})
  const storage = createFsStorage(dir)
  await storage.put('commune/75056/index.html', Buffer.from('old'), meta)
  await storage.put('commune/75056/index.html', Buffer.from('new page'), meta)
  t.equal(readFileSync(join(dir, 'commune/75056/index.html'), 'utf8'), 'new page')
  t.same(readdirSync(join(dir, 'commune/75056')), ['index.html'])
  t.equal((await storage.get('commune/75056/index.html'))?.toString(), 'new page')
  t.equal(await storage.get('commune/nope/index.html'), undefined)
  await storage.delete('commune/75056/index.html')
  t.equal(await storage.get('commune/75056/index.html'), undefined)
})

t.test('a folder removed while running is recreated on the next write', async (t) => {
  const dir = t.testdir({})
  const storage = createFsStorage(dir)
  await storage.put('departement/75/index.json', Buffer.from('{}'), meta)
  rmSync(join(dir, 'departement'), { recursive: true })
  await storage.put('departement/75/index.json', Buffer.from('{"a":1}'), meta)
  t.equal(readFileSync(join(dir, 'departement/75/index.json'), 'utf8'), '{"a":1}')
})

t.test('a durable folder storage writes the same way (each file and folder synced before put resolves)', async (t) => {
  const dir = t.testdir({})
  const storage = createFsStorage(dir, { durable: true })
  await storage.put('ab/ab01.pdf', Buffer.from('%PDF-1.7'), { contentType: 'application/pdf', cacheControl: 'private, no-store' })
  t.equal(readFileSync(join(dir, 'ab/ab01.pdf'), 'utf8'), '%PDF-1.7')
  t.same(readdirSync(join(dir, 'ab')), ['ab01.pdf'], 'no temporary file is left')
})
