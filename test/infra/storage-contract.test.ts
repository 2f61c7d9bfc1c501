// The storage contract (test/helpers/storage-contract.ts) on a folder, on a real S3-compatible
// server (TEST_S3_ENDPOINT, a bucket of its own per run) and on the tee of both; then what only
// S3 must do (keep the HTTP headers, name bucket and key in errors), what the tee does when one
// store fails, and the ops/s3/serve.mjs server started as the stack starts it.
import t from 'tap'
import type { Test } from 'tap'
import { spawn } from 'node:child_process'
import { createCipheriv } from 'node:crypto'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3'
import { createFsStorage } from '../../infra/storage/fs-storage.js'
import { createS3Storage } from '../../infra/storage/s3-storage.js'
import { createTeeStorage } from '../../infra/storage/tee-storage.js'
import { storageContract } from '../helpers/storage-contract.js'
import { realService, uniqueName } from '../helpers/real-services.js'

// The keys ops/s3/serve.mjs (s3rver) accepts; a real AWS endpoint would take them from the environment.
const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
const SERVE_SCRIPT = fileURLToPath(new URL('../../ops/s3/serve.mjs', import.meta.url))
const HTML = { contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=10' }

function s3Client(endpoint: string): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_CREDENTIALS })
}

/** A bucket for this test alone, emptied and deleted at teardown. */
async function createTestBucket(t: Test, endpoint: string): Promise<string> {
  const bucket = uniqueName('contract').toLowerCase().replaceAll('_', '-')
  const client = s3Client(endpoint)
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
  t.teardown(async () => {
    let listed
    do {
      listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }))
      // One at a time: s3rver's DeleteObjects races with itself tidying empty folders.
      for (const { Key } of listed.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }))
    } while (listed.IsTruncated)
    await client.send(new DeleteBucketCommand({ Bucket: bucket }))
    client.destroy()
  })
  return bucket
}

const s3Storage = (endpoint: string, bucket: string, prefix?: string) =>
  createS3Storage({ bucket, endpoint, forcePathStyle: true, credentials: S3_CREDENTIALS, ...(prefix === undefined ? {} : { prefix }) })

t.test('folder storage', async (t) => {
  storageContract(t, async () => createFsStorage(t.testdir({})))
})

t.test('S3 storage', async (t) => {
  const endpoint = realService(t, 'TEST_S3_ENDPOINT')
  if (!endpoint) return
  const bucket = await createTestBucket(t, endpoint)
  // Each case gets an empty store, as with a fresh folder: a prefix of its own in the bucket.
  let cases = 0
  storageContract(t, async () => s3Storage(endpoint, bucket, `case-${cases++}`))
})

t.test('tee of a folder and S3', async (t) => {
  const endpoint = realService(t, 'TEST_S3_ENDPOINT')
  if (!endpoint) return
  const bucket = await createTestBucket(t, endpoint)
  let cases = 0
  storageContract(t, async () => createTeeStorage([createFsStorage(t.testdir({})), s3Storage(endpoint, bucket, `case-${cases++}`)]))
})

t.test('S3 keeps Content-Type, Cache-Control and Content-Encoding as given, under the prefix', async (t) => {
  const endpoint = realService(t, 'TEST_S3_ENDPOINT')
  if (!endpoint) return
  const bucket = await createTestBucket(t, endpoint)
  const storage = s3Storage(endpoint, bucket, 'night-1/')
  t.equal(storage.describe(), `s3://${bucket}/night-1`, 'a prefix may end with / (as S3_PREFIX does)')
  t.equal(s3Storage(endpoint, bucket, '').describe(), `s3://${bucket}`, 'an empty prefix is none')
  await storage.put('index.html', Buffer.from('<p>'), HTML)
  await storage.put('index.html.br', Buffer.from([1, 2]), { ...HTML, contentEncoding: 'br' })
  await storage.put('data/results.csv.gz', Buffer.from([3]), { contentType: 'text/csv', cacheControl: 'public, max-age=60', contentEncoding: 'gzip' })
  const client = s3Client(endpoint)
  t.teardown(() => client.destroy())
  const head = async (key: string) => {
    const h = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
    return { contentType: h.ContentType, cacheControl: h.CacheControl, contentEncoding: h.ContentEncoding }
  }
  t.same(await head('night-1/index.html'), { ...HTML, contentEncoding: undefined })
  t.same(await head('night-1/index.html.br'), { ...HTML, contentEncoding: 'br' })
  t.same(await head('night-1/data/results.csv.gz'), { contentType: 'text/csv', cacheControl: 'public, max-age=60', contentEncoding: 'gzip' })
})

t.test('S3 errors name the bucket and the key', async (t) => {
  const endpoint = realService(t, 'TEST_S3_ENDPOINT')
  if (!endpoint) return
  const bucket = uniqueName('missing').toLowerCase().replaceAll('_', '-')
  const storage = s3Storage(endpoint, bucket)
  await t.rejects(storage.put('a/b.html', Buffer.from('x'), HTML), { message: new RegExp(`^S3 put s3://${bucket}/a/b\\.html on ${endpoint} failed: NoSuchBucket`) })
  await t.rejects(storage.get('a/b.html'), { message: new RegExp(`^S3 get s3://${bucket}/a/b\\.html on ${endpoint} failed: NoSuchBucket`) })
  t.throws(() => createS3Storage({ bucket, prefix: '/abs' }), /unsafe storage key/, 'an unsafe prefix is refused at once')
})

t.test('the tee writes to every store and names the one that failed', async (t) => {
  const dir = t.testdir({ 'not-a-folder': 'a file where a folder should be' })
  const good = createFsStorage(join(dir, 'good'))
  const broken = createFsStorage(join(dir, 'not-a-folder'))
  const tee = createTeeStorage([good, broken])
  t.equal(tee.describe(), `${good.describe()} + ${broken.describe()}`)
  await t.rejects(tee.put('index.html', Buffer.from('page'), HTML), {
    message: new RegExp(`^put index\\.html failed on 1 of 2 stores: ${broken.describe()}: .*EEXIST`),
  })
  t.equal((await good.get('index.html'))?.toString(), 'page', 'the healthy store was still written')
  writeFileSync(join(dir, 'good', 'index.html'), 'first store wins')
  t.equal((await tee.get('index.html'))?.toString(), 'first store wins', 'get reads the first store')
})

t.test('ops/s3/serve.mjs serves S3 on loopback and stops on SIGTERM', async (t) => {
  const dir = t.testdir({})
  const server = spawn(process.execPath, ['--openssl-legacy-provider', SERVE_SCRIPT, '--port', '0', '--dir', dir, '--bucket', 'elections'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  t.teardown(() => {
    if (server.exitCode === null) server.kill('SIGKILL')
  })
  const lines = createInterface({ input: server.stdout })
  const [ready] = (await once(lines, 'line')) as [string]
  const match = /^s3 ready on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(ready)
  t.ok(match, `ready line: ${ready}`)
  const endpoint = match?.[1] ?? ''

  const storage = s3Storage(endpoint, 'elections')
  await storage.put('index.html.gz', Buffer.from([0x1f, 0x8b, 0, 255]), { ...HTML, contentEncoding: 'gzip' })
  t.same(await storage.get('index.html.gz'), Buffer.from([0x1f, 0x8b, 0, 255]), 'the bucket named on the command line exists')

  // A listing longer than one page: s3rver's continuation token needs DES (the legacy provider).
  // Without it this answered 500, and a test bucket of over 1,000 objects could not be emptied.
  for (const key of ['a.html', 'b.html', 'c.html']) await storage.put(key, Buffer.from(key), HTML)
  const client = s3Client(endpoint)
  t.teardown(() => client.destroy())
  const keys: string[] = []
  let token: string | undefined
  let pages = 0
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: 'elections', MaxKeys: 2, ContinuationToken: token }))
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''))
    token = page.NextContinuationToken
    pages += 1
  } while (token !== undefined)
  t.same({ keys, pages }, { keys: ['a.html', 'b.html', 'c.html', 'index.html.gz'], pages: 2 }, 'a truncated listing continues')

  server.kill('SIGTERM')
  const [code, signal] = await once(server, 'exit')
  t.same({ code, signal }, { code: 0, signal: null }, 'a clean exit')
})

t.test('ops/s3/serve.mjs refuses to start where it could not list past one page', async (t) => {
  const server = spawn(process.execPath, [SERVE_SCRIPT, '--port', '0', '--dir', t.testdir({}), '--bucket', 'elections'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.teardown(() => {
    if (server.exitCode === null) server.kill('SIGKILL')
  })
  let stderr = ''
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  let stdout = ''
  server.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  if (nodeHasDes()) {
    // A Node built with DES in its default provider needs no flag: the server starts.
    await once(server.stdout, 'data')
    t.match(stdout, /^s3 ready on /, 'started')
    server.kill('SIGTERM')
    await once(server, 'exit')
    return
  }
  const [code] = await once(server, 'exit')
  t.equal(code, 2, 'exits 2')
  t.equal(stdout, '', 'never says ready')
  t.match(stderr, /node --openssl-legacy-provider ops\/s3\/serve\.mjs/, 'says how to start it')
})

function nodeHasDes(): boolean {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8))
    return true
  } catch {
    return false
  }
}
