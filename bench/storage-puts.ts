// Benchmark: how many files a second the publisher's storage takes, the way the publisher writes
// them (64 files in flight, page-sized bodies), into a folder (the baseline, measured in the same
// run) and into the S3 server of `ops/stack`. It bounds any run that publishes to S3: a France
// night writes about a million objects (pages, their .gz and .br variants, rewrites).
//
// usage: eval "$(ops/stack up)"; npx tsx bench/storage-puts.ts [FILES]
// Reads TEST_S3_ENDPOINT; writes under a fresh prefix of the stack's bucket and a temp folder,
// and removes both at the end. Prints puts/s and this process's CPU time per put.
import { DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFsStorage } from '../infra/storage/fs-storage.js'
import { createS3Storage } from '../infra/storage/s3-storage.js'
import type { Storage } from '../infra/storage/storage.js'

const files = Number(process.argv[2] ?? 5000)
const IN_FLIGHT = 64 // publish/site-writer.ts MAX_FILES_IN_FLIGHT
const BUCKET = 'elections' // the bucket ops/stack creates
const endpoint = process.env.TEST_S3_ENDPOINT
if (!endpoint) throw new Error('TEST_S3_ENDPOINT is not set: run eval "$(ops/stack up)" first')
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }
const prefix = `bench-puts-${process.pid}`

// A commune page is a few kilobytes; its .gz and .br about a third of that.
const bodies = [Buffer.alloc(6_000, 'p'), Buffer.alloc(2_000, 'g'), Buffer.alloc(1_800, 'b')]
const meta = { contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=10' }

async function measure(name: string, storage: Storage): Promise<void> {
  let next = 0
  const started = performance.now()
  const cpu = process.cpuUsage()
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < files) {
        const i = next++
        await storage.put(`commune/${i}/index.html`, bodies[i % bodies.length] as Buffer, meta)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  const used = process.cpuUsage(cpu)
  const cpuMsPerPut = (used.user + used.system) / 1000 / files
  console.log(`${name.padEnd(28)} ${String(Math.round(files / seconds)).padStart(6)} puts/s   ${cpuMsPerPut.toFixed(2)} ms of this process's CPU per put`)
}

const dir = mkdtempSync(join(tmpdir(), 'bench-puts-'))
const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials })
try {
  console.log(`${files} files, ${IN_FLIGHT} in flight`)
  await measure('folder (baseline)', createFsStorage(dir))
  await measure(`S3 server ${endpoint}`, createS3Storage({ bucket: BUCKET, endpoint, prefix, forcePathStyle: true, credentials }))
} finally {
  rmSync(dir, { recursive: true, force: true })
  for (;;) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }))
    const keys = (listed.Contents ?? []).map((o) => o.Key as string)
    if (keys.length === 0) break
    for (const Key of keys) await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key }))
  }
  s3.destroy()
}
