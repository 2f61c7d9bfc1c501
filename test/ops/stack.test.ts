// ops/stack on the running stack: CI runs `ops/stack up` before the suite (this test never
// starts or stops the shared stack). Status names every service as up; nginx serves files written
// into its root (TEST_NGINX_ROOT), preferring the .br / .gz siblings the client accepts; Varnish
// caches what nginx serves.
import t from 'tap'
import type { Test } from 'tap'
import { execFile } from 'node:child_process'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { brotliCompressSync, gzipSync } from 'node:zlib'
import { realService, uniqueName } from '../helpers/real-services.js'

const STACK = fileURLToPath(new URL('../../ops/stack', import.meta.url))
const SERVICES = ['kafka', 'postgres', 'redis', 's3', 'nginx', 'varnish']

/** A fresh folder in nginx's root, removed after the test; its URL path is `/${name}/`. */
async function folderInNginxRoot(t: Test): Promise<{ dir: string; name: string } | undefined> {
  const root = process.env.TEST_NGINX_ROOT ?? process.env.OUTPUT_DIR
  if (!root) {
    t.fail('TEST_NGINX_ROOT (or OUTPUT_DIR) is not set: name the folder nginx serves (ops/stack env prints it)')
    return undefined
  }
  const name = uniqueName('stack_test')
  const dir = join(root, name)
  await mkdir(dir, { recursive: true })
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return { dir, name }
}

t.test('ops/stack status lists every service as up', async (t) => {
  if (!realService(t, 'TEST_NGINX_URL')) return
  const { stdout } = await promisify(execFile)(STACK, ['status'])
  for (const service of SERVICES) t.match(stdout, new RegExp(`^${service}\\s+up\\s`, 'm'), `${service} is up`)
})

t.test('nginx serves the output folder', async (t) => {
  const nginx = realService(t, 'TEST_NGINX_URL')
  if (!nginx) return
  const folder = await folderInNginxRoot(t)
  if (!folder) return
  const { dir, name } = folder
  await writeFile(join(dir, 'index.html'), `<p>${name}</p>\n`)

  const page = await fetch(`${nginx}/${name}/`)
  t.equal(page.status, 200, 'a folder answers with its index.html')
  t.equal(await page.text(), `<p>${name}</p>\n`)
  t.match(page.headers.get('content-type'), /^text\/html; charset=utf-8/)
  t.match(page.headers.get('cache-control'), /max-age=10\b/, 'pages have a short lifetime')

  const bare = await fetch(`${nginx}/${name}`, { redirect: 'manual' })
  t.equal(bare.status, 301, 'a folder named without its slash is redirected')
  t.equal(bare.headers.get('location'), `/${name}/`, 'to a relative URL, so it works behind Varnish')

  const post = await fetch(`${nginx}/${name}/`, { method: 'POST', body: 'x' })
  t.equal(post.status, 405, 'readers only read')
  t.equal(post.headers.get('allow'), 'GET, HEAD')

  await writeFile(join(dir, '.tmp-123-0'), 'half a page')
  t.equal((await fetch(`${nginx}/${name}/.tmp-123-0`)).status, 404, 'temporary files of atomic writes are never served')
})

t.test('nginx sends the pre-compressed sibling the client accepts', async (t) => {
  const nginx = realService(t, 'TEST_NGINX_URL')
  if (!nginx) return
  const folder = await folderInNginxRoot(t)
  if (!folder) return
  const { dir, name } = folder
  // Three different bodies, so each answer shows which file was sent.
  await writeFile(join(dir, 'data.json'), '{"from":"plain"}\n')
  await writeFile(join(dir, 'data.json.gz'), gzipSync('{"from":"gzip sibling"}\n'))
  await writeFile(join(dir, 'data.json.br'), brotliCompressSync('{"from":"brotli sibling"}\n'))
  await writeFile(join(dir, 'only-gz.json'), '{"from":"plain"}\n')
  await writeFile(join(dir, 'only-gz.json.gz'), gzipSync('{"from":"gzip sibling"}\n'))
  const url = `${nginx}/${name}/data.json`

  const plain = await fetch(url, { headers: { 'accept-encoding': 'identity' } })
  t.equal(plain.headers.get('content-encoding'), null)
  t.equal(await plain.text(), '{"from":"plain"}\n')

  const gz = await fetch(`${nginx}/${name}/only-gz.json`, { headers: { 'accept-encoding': 'gzip, br' } })
  t.equal(gz.headers.get('content-encoding'), 'gzip', 'the .gz sibling when there is no .br')
  t.equal(await gz.text(), '{"from":"gzip sibling"}\n')
  t.match(gz.headers.get('vary'), /Accept-Encoding/i)

  const gzOnly = await fetch(url, { headers: { 'accept-encoding': 'gzip' } })
  t.equal(gzOnly.headers.get('content-encoding'), 'gzip', 'a gzip-only client gets the .gz sibling')
  t.equal(await gzOnly.text(), '{"from":"gzip sibling"}\n')

  const br = await fetch(url, { headers: { 'accept-encoding': 'gzip, br' } })
  t.equal(br.headers.get('content-encoding'), 'br', 'the .br sibling when the client accepts br')
  t.equal(await br.text(), '{"from":"brotli sibling"}\n')
})

t.test('Varnish caches what nginx serves', async (t) => {
  const varnish = realService(t, 'TEST_VARNISH_URL')
  if (!varnish) return
  const folder = await folderInNginxRoot(t)
  if (!folder) return
  const { dir, name } = folder
  await writeFile(join(dir, 'index.json'), `{"name":"${name}"}\n`)

  const first = await fetch(`${varnish}/${name}/index.json`)
  t.equal(first.status, 200)
  t.equal(first.headers.get('x-cache'), 'MISS', 'the first request goes to nginx')
  t.equal(await first.text(), `{"name":"${name}"}\n`)
  t.match(first.headers.get('cache-control'), /max-age=10\b/, "nginx's lifetime reaches the reader")

  const second = await fetch(`${varnish}/${name}/index.json`)
  t.equal(second.headers.get('x-cache'), 'HIT', 'the second comes from the cache')
  t.equal(await second.text(), `{"name":"${name}"}\n`)

  const withQuery = await fetch(`${varnish}/${name}/index.json?nocache=${Date.now()}`)
  t.equal(withQuery.headers.get('x-cache'), 'HIT', 'a query string does not bypass the cache')

  const post = await fetch(`${varnish}/${name}/index.json`, { method: 'POST', body: 'x' })
  t.equal(post.status, 405, 'Varnish refuses writes too')
})
