// A distributed deployment for one test: its own database and roles on the PostgreSQL server,
// its own topic prefix on Kafka, key prefix on Redis and bucket on S3, and each service started
// as a separate `elections <service>` process, exactly as an operator would run them.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Test } from 'tap'
import pg from 'pg'
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { Redis } from 'ioredis'
import { setupRoles } from '../../infra/db/roles.js'
import { realService, uniqueName } from './real-services.js'
import { REPO_ROOT, inheritedEnv } from './run-elections.js'

export const S3_ACCESS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' }

export interface Deployment extends Teardown {
  /** The env every service of this deployment gets. */
  env: Record<string, string>
  token: string
  adminUrl: string
  database: string
  bucket: string
  s3: S3Client
  outputDir: string
}

export interface Services {
  brokers: string
  /** A superuser connection: the deployment creates its own database and roles. */
  adminUrl: string
  redisUrl: string
  s3Endpoint: string
}

/** Something that runs clean-ups at the end: a tap test, or a benchmark's own list. */
export interface Teardown {
  teardown(fn: () => Promise<void> | void): void
}

/** Undefined when a service is not named (skipped off CI, failed in CI). */
export async function deployment(t: Test, dir: string, overrides: { kafkaBrokers?: string } = {}): Promise<Deployment | undefined> {
  const brokers = overrides.kafkaBrokers ?? realService(t, 'TEST_KAFKA_BROKERS')
  const adminUrl = realService(t, 'TEST_DATABASE_URL')
  const redisUrl = realService(t, 'TEST_REDIS_URL')
  const s3Endpoint = realService(t, 'TEST_S3_ENDPOINT')
  if (!brokers || !adminUrl || !redisUrl || !s3Endpoint) return undefined
  return createDeployment({ brokers, adminUrl, redisUrl, s3Endpoint }, dir, t)
}

export async function createDeployment(services: Services, dir: string, t: Teardown, label = 'e2e'): Promise<Deployment> {
  const { brokers, adminUrl, redisUrl, s3Endpoint } = services
  const name = uniqueName(label).toLowerCase()
  // What runs on this deployment (its service processes) stops before the deployment is taken
  // down: a publisher still writing would race the bucket's removal.
  const first: (() => Promise<void> | void)[] = []
  const cleanups: (() => Promise<void>)[] = []
  t.teardown(async () => {
    for (const fn of first.splice(0).reverse()) await fn()
    for (const fn of cleanups.splice(0).reverse()) await fn()
  })
  const later = { teardown: (fn: () => Promise<void>) => void cleanups.push(fn) }
  const urls = await setupRoles(adminUrl, { database: name, consolidateRole: `${name}_c`, deskRole: `${name}_d` })
  later.teardown(async () => {
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`)
      for (const role of [`${name}_c`, `${name}_d`]) await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(role)}`)
    } finally {
      await admin.end()
    }
  })

  const bucket = name.replace(/_/g, '-')
  const s3 = new S3Client({
    endpoint: s3Endpoint,
    region: S3_ACCESS.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: S3_ACCESS.AWS_ACCESS_KEY_ID, secretAccessKey: S3_ACCESS.AWS_SECRET_ACCESS_KEY },
  })
  await s3.send(new CreateBucketCommand({ Bucket: bucket }))
  // Best effort: s3rver sometimes answers 500 while it removes emptied folders (several test files
  // share it). A bucket left behind in the test server's folder harms nothing; say so and go on.
  later.teardown(() =>
    retried(async () => {
      for (;;) {
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }))
        const keys = (listed.Contents ?? []).map((o) => o.Key as string)
        if (keys.length === 0) break
        // One by one: s3rver's DeleteObjects races with its own folder clean-up (ops/s3/README.md).
        for (const Key of keys) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }))
      }
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }))
    })
      .catch((err: unknown) => void process.stderr.write(`test clean-up: bucket ${bucket} left in the test S3 server: ${String(err)}\n`))
      .finally(() => s3.destroy()),
  )

  const keyPrefix = `${name}:`
  later.teardown(async () => {
    const redis = new Redis(redisUrl)
    try {
      let cursor = '0'
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000)
        if (keys.length > 0) await redis.del(...keys)
        cursor = next
      } while (cursor !== '0')
    } finally {
      redis.disconnect()
    }
  })

  const token = randomBytes(24).toString('hex')
  const outputDir = join(dir, 'out')
  return {
    teardown: (fn) => void first.push(fn),
    adminUrl,
    database: name,
    bucket,
    s3,
    outputDir,
    token,
    env: {
      ...S3_ACCESS,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_PREFIX: `${name}.`,
      KAFKA_PARTITIONS: '4',
      KAFKA_REPLICATION_FACTOR: '1',
      DATABASE_URL: urls.databaseUrl,
      DESK_DATABASE_URL: urls.deskDatabaseUrl,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      S3_ENDPOINT: s3Endpoint,
      S3_BUCKET: bucket,
      OUTPUT_DIR: outputDir,
      DATA_DIR: join(dir, 'data'),
      PUBLISH_INTERVAL_MS: '300',
      INGEST_API_TOKENS: `e2e:${token}`,
      PORT_INGEST: '0',
      PORT_CONSOLIDATE: '0',
      PORT_PUBLISH: '0',
      LOG_LEVEL: 'warn',
    },
  }
}

/** s3rver answers an occasional 500 while it removes emptied folders: try a clean-up a few times. */
async function retried(fn: () => Promise<void>, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await fn()
    } catch (err) {
      if (i >= attempts) throw err
      await new Promise((r) => setTimeout(r, 300 * i))
    }
  }
}

export interface ServiceProcess {
  child: ChildProcess
  /** The ingest API base URL, or the desk's, from the line the service printed. */
  url: string | undefined
  output(): string
  /** Resolves with the exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  stop(): Promise<void>
}

/** Starts `elections <service>` and resolves once it printed "<service> ready". */
export function startService(t: Teardown, service: 'ingest' | 'consolidate' | 'publish' | 'desk', env: Record<string, string>, timeoutMs = 60_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'elections.js'), service], {
    cwd: REPO_ROOT,
    env: { ...inheritedEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  const proc: ServiceProcess = {
    child,
    url: undefined,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      await exited
    },
  }
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${service} not ready after ${timeoutMs} ms:\n${out.slice(-3000)}`)), timeoutMs)
    const onData = () => {
      if (!new RegExp(`^${service} ready$`, 'm').test(out)) return
      clearTimeout(timer)
      child.stdout?.off('data', onData)
      proc.url = /ingest API\s+(http:\/\/\S+?)\/v1\/returns/.exec(out)?.[1] ?? /results desk\s+(http:\/\/\S+?\/)\s/.exec(out)?.[1]
      resolve(proc)
    }
    child.stdout?.on('data', onData)
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`${service} exited (${code ?? signal}) before it was ready:\n${out.slice(-3000)}`))
    })
  })
}

/** Polls until `check` returns a value, or fails with what was last seen. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
