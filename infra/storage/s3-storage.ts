// Published files in an S3 bucket (AWS, or any S3-compatible server such as the one in ops/s3).
// One PutObject per file is atomic on S3, and the object carries the headers a CDN must serve
// (Content-Type, Cache-Control, Content-Encoding for the .gz/.br variants the publisher writes),
// since no web server in front of a bucket guesses them from the extension.
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import type { Storage } from './storage.js'
import { assertSafeKey } from './storage-key.js'

export interface S3StorageOptions {
  bucket: string
  /** An S3-compatible server's URL; unset means AWS itself. */
  endpoint?: string
  /** Defaults to us-east-1, which S3-compatible servers accept whatever their location. */
  region?: string
  /** A folder inside the bucket ("2027/presidentielle-1", a trailing "/" is fine); "" means none. */
  prefix?: string
  /** Bucket in the path rather than the host name: what most S3-compatible servers need. */
  forcePathStyle?: boolean
  /** Only for servers with fixed test keys; otherwise the SDK's default chain (AWS_* variables, profiles, roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string }
}

export function createS3Storage(options: S3StorageOptions): Storage {
  const { bucket } = options
  const prefix = options.prefix?.replace(/\/$/, '') || undefined
  if (prefix !== undefined) assertSafeKey(prefix)
  const client = new S3Client({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  })
  const objectKey = (key: string) => {
    assertSafeKey(key)
    return prefix === undefined ? key : `${prefix}/${key}`
  }
  const server = options.endpoint === undefined ? '' : ` on ${options.endpoint}`
  const fail = (operation: string, key: string, err: unknown): never => {
    const e = err as Error
    throw new Error(`S3 ${operation} s3://${bucket}/${key}${server} failed: ${e.name}: ${e.message}`, { cause: err })
  }

  return {
    async put(key, body, meta) {
      const Key = objectKey(key)
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key,
            Body: body,
            ContentType: meta.contentType,
            CacheControl: meta.cacheControl,
            ContentEncoding: meta.contentEncoding,
          }),
        )
      } catch (err) {
        fail('put', Key, err)
      }
    },
    async get(key) {
      const Key = objectKey(key)
      try {
        const reply = await client.send(new GetObjectCommand({ Bucket: bucket, Key }))
        return Buffer.from((await reply.Body?.transformToByteArray()) ?? [])
      } catch (err) {
        if (err instanceof NoSuchKey) return undefined
        return fail('get', Key, err)
      }
    },
    async delete(key) {
      const Key = objectKey(key)
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }))
      } catch (err) {
        fail('delete', Key, err)
      }
    },
    describe() {
      return prefix === undefined ? `s3://${bucket}` : `s3://${bucket}/${prefix}`
    },
  }
}
