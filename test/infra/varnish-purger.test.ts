// The Varnish purger against the real stack (TEST_VARNISH_URL in front of TEST_NGINX_URL, whose
// root is TEST_NGINX_ROOT): a purged page is fetched again while an unpurged one stays cached,
// "/x/" and "/x/index.html" go together, long lists are split into requests Varnish accepts,
// the ACL refuses other clients, and a node that fails is named in the rejection.
import t from 'tap'
import type { Test } from 'tap'
import { request, type IncomingMessage } from 'node:http'
import { once } from 'node:events'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { MAX_KEYS_HEADER_BYTES, batchPaths, createVarnishPurger } from '../../infra/purge/varnish-purger.js'
import { realService, uniqueName } from '../helpers/real-services.js'

interface Site {
  varnish: string
  /** URL path of this test's own folder, e.g. "/purge_123_…". */
  base: string
  /** Replaces a file the way the publisher does: temporary file, then rename. */
  publish(path: string, body: string): Promise<void>
  /** GET through Varnish. */
  get(path: string): Promise<{ body: string; cache: string | null }>
}

async function openSite(t: Test): Promise<Site | undefined> {
  const varnish = realService(t, 'TEST_VARNISH_URL')
  if (!varnish) return undefined
  const root = process.env.TEST_NGINX_ROOT ?? process.env.OUTPUT_DIR
  if (!root) {
    t.fail('TEST_NGINX_ROOT (or OUTPUT_DIR) is not set: name the folder nginx serves (ops/stack env prints it)')
    return undefined
  }
  const name = uniqueName('purge')
  const dir = join(root, name)
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return {
    varnish,
    base: `/${name}`,
    async publish(path, body) {
      const file = join(dir, path)
      await mkdir(dirname(file), { recursive: true })
      await writeFile(`${file}.tmp`, body)
      await rename(`${file}.tmp`, file)
    },
    async get(path) {
      const res = await fetch(`${varnish}/${name}/${path}`)
      if (res.status !== 200) throw new Error(`GET /${name}/${path} through Varnish: ${res.status}`)
      return { body: await res.text(), cache: res.headers.get('x-cache') }
    },
  }
}

t.test('a purged page is fetched again; the others stay cached', async (t) => {
  const site = await openSite(t)
  if (!site) return
  const purger = createVarnishPurger([site.varnish])
  t.equal(purger.describe(), `varnish ${new URL(site.varnish).origin}`)
  await site.publish('page.json', 'v1')
  await site.publish('other.json', 'other v1')
  t.same(await site.get('page.json'), { body: 'v1', cache: 'MISS' })
  t.same(await site.get('page.json'), { body: 'v1', cache: 'HIT' })
  t.same(await site.get('other.json'), { body: 'other v1', cache: 'MISS' })

  await site.publish('page.json', 'v2')
  await site.publish('other.json', 'other v2')
  t.same(await site.get('page.json'), { body: 'v1', cache: 'HIT' }, 'until purged, readers get the cached page')

  await purger.purge([`${site.base}/page.json`])
  t.same(await site.get('page.json'), { body: 'v2', cache: 'MISS' }, 'the next reader gets the new page')
  t.same(await site.get('other.json'), { body: 'other v1', cache: 'HIT' }, 'a page not named stays cached')
})

t.test('"/x/" and "/x/index.html" are one key, whichever name is purged', async (t) => {
  const site = await openSite(t)
  if (!site) return
  const purger = createVarnishPurger([site.varnish])
  await site.publish('x/index.html', 'v1')
  t.same(await site.get('x/'), { body: 'v1', cache: 'MISS' })
  t.same(await site.get('x/index.html'), { body: 'v1', cache: 'MISS' })
  t.same(await site.get('x/'), { body: 'v1', cache: 'HIT' })
  t.same(await site.get('x/index.html'), { body: 'v1', cache: 'HIT' })

  await site.publish('x/index.html', 'v2')
  await purger.purge([`${site.base}/x/`])
  t.same(await site.get('x/'), { body: 'v2', cache: 'MISS' }, 'purging the folder URL…')
  t.same(await site.get('x/index.html'), { body: 'v2', cache: 'MISS' }, '…also purges its index.html')

  await site.publish('x/index.html', 'v3')
  await purger.purge([`${site.base}/x/index.html`])
  t.same(await site.get('x/'), { body: 'v3', cache: 'MISS' }, 'purging index.html also purges the folder URL')
  t.same(await site.get('x/index.html'), { body: 'v3', cache: 'MISS' })
})

t.test('a long list is split into requests Varnish accepts, and all of it is purged', async (t) => {
  const site = await openSite(t)
  if (!site) return
  const purger = createVarnishPurger([site.varnish])
  await site.publish('first.json', 'v1')
  await site.publish('last.json', 'v1')
  await site.get('first.json')
  await site.get('last.json')
  await site.publish('first.json', 'v2')
  await site.publish('last.json', 'v2')

  const filler = Array.from({ length: 2000 }, (_, i) => `${site.base}/commune/${String(i).padStart(5, '0')}/index.json`)
  const paths = [`${site.base}/first.json`, ...filler, `${site.base}/last.json`]
  const batches = batchPaths(paths)
  t.ok(batches.length > 1, `${batches.length} requests`)
  t.ok(batches.every((b) => Buffer.byteLength(b) <= MAX_KEYS_HEADER_BYTES), 'each header within the limit')
  t.same(batches.join(' ').split(' '), paths, 'every path sent once, in order')

  await purger.purge(paths)
  t.same(await site.get('first.json'), { body: 'v2', cache: 'MISS' }, 'a path of the first request')
  t.same(await site.get('last.json'), { body: 'v2', cache: 'MISS' }, 'a path of the last request')
})

t.test('a PURGE from an address outside the ACL is refused and purges nothing', async (t) => {
  const site = await openSite(t)
  if (!site) return
  await site.publish('page.json', 'v1')
  await site.get('page.json')
  await site.publish('page.json', 'v2')
  // The ACL allows 127.0.0.1 only; Linux routes all of 127.0.0.0/8 to loopback, so a client
  // bound to 127.0.0.2 reaches the same Varnish from an address the ACL does not list.
  const varnish = new URL(site.varnish)
  const req = request({
    host: varnish.hostname,
    port: varnish.port,
    method: 'PURGE',
    path: '/',
    localAddress: '127.0.0.2',
    headers: { 'xkey-purge': `${site.base}/page.json` },
  })
  req.end()
  const [res] = (await once(req, 'response')) as [IncomingMessage]
  res.resume()
  t.equal(res.statusCode, 403)
  t.same(await site.get('page.json'), { body: 'v1', cache: 'HIT' }, 'the page is still the cached one')
})

t.test('a failing node is named in the rejection; the others are still purged', async (t) => {
  const site = await openSite(t)
  if (!site) return
  const nginx = realService(t, 'TEST_NGINX_URL')
  if (!nginx) return
  await site.publish('page.json', 'v1')
  await site.get('page.json')
  await site.publish('page.json', 'v2')
  // nginx is a real HTTP server that refuses PURGE: a node answering something other than 200.
  const purger = createVarnishPurger([site.varnish, nginx])
  const nginxOrigin = new URL(nginx).origin
  await t.rejects(purger.purge([`${site.base}/page.json`]), {
    message: new RegExp(`1 of 2 Varnish node\\(s\\): Varnish ${nginxOrigin} answered 405`),
  })
  t.same(await site.get('page.json'), { body: 'v2', cache: 'MISS' }, 'the healthy node purged anyway')
})

t.test('a node on a closed port, or one that never answers, is named', async (t) => {
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const closedPort = (probe.address() as AddressInfo).port
  probe.close()
  await once(probe, 'close')
  const closed = createVarnishPurger([`http://127.0.0.1:${closedPort}`])
  await t.rejects(closed.purge(['/index.html']), {
    message: new RegExp(`Varnish http://127\\.0\\.0\\.1:${closedPort} unreachable: .*ECONNREFUSED`),
  })

  // A listener that accepts and then says nothing, like a hung node.
  const held = new Set<Socket>()
  const silent = createServer((socket) => held.add(socket)).listen(0, '127.0.0.1')
  await once(silent, 'listening')
  t.teardown(() => {
    for (const socket of held) socket.destroy()
    silent.close()
  })
  const silentPort = (silent.address() as AddressInfo).port
  const hung = createVarnishPurger([`http://127.0.0.1:${silentPort}`], { timeoutMs: 200 })
  await t.rejects(hung.purge(['/index.html']), {
    message: `purge failed on 1 of 1 Varnish node(s): Varnish http://127.0.0.1:${silentPort} did not answer within 200 ms`,
  })
})

t.test('paths that would split into other keys are refused before anything is sent', async (t) => {
  t.throws(() => batchPaths(['/a b/']), /cannot purge "\/a b\/"/)
  t.throws(() => batchPaths(['/a,b/']), /cannot purge/)
  t.throws(() => batchPaths(['relative/index.html']), /cannot purge/)
  t.same(batchPaths([]), [], 'nothing to purge, no request')
  t.same(batchPaths(['/a/', '/a/', '/b/']), ['/a/ /b/'], 'each path once')
})
