// Where published files go: a folder (embedded, or the folder nginx serves) or an S3 bucket.

export interface StoredObjectMeta {
  contentType: string
  cacheControl: string
  contentEncoding?: 'gzip' | 'br'
}

export interface Storage {
  /** Writes atomically: readers see the old file or the new one, never a part. */
  put(key: string, body: Buffer, meta: StoredObjectMeta): Promise<void>
  get(key: string): Promise<Buffer | undefined>
  delete(key: string): Promise<void>
  /** A human-readable location for logs ("./static-out", "s3://bucket"). */
  describe(): string
}
