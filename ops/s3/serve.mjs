// A real S3-compatible server on loopback for the local stack and the tests: s3rver (objects as
// files under --dir), so the S3 storage adapter is exercised over HTTP with the real AWS SDK.
//
//   node --openssl-legacy-provider ops/s3/serve.mjs --port 9000 --dir .stack/s3 [--bucket elections]...
//
// The flag is needed: s3rver makes ListObjectsV2 continuation tokens with DES, which Node's
// OpenSSL 3 offers only through its legacy provider. Without it every truncated listing (more
// keys than MaxKeys) answers 500, so the server refuses to start instead.
//
// Prints `s3 ready on http://127.0.0.1:<port>` once the buckets exist and the port listens
// (--port 0 picks a free port), and exits 0 on SIGTERM or SIGINT. See README.md beside it.
import { createCipheriv } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import S3rver from 's3rver'

const HOST = '127.0.0.1'
// S3's own rule for bucket names, so a name that works here works on AWS.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

function usage(problem) {
  console.error(`ops/s3/serve.mjs: ${problem}`)
  console.error('usage: node --openssl-legacy-provider ops/s3/serve.mjs --port PORT --dir FOLDER [--bucket NAME]...')
  process.exit(2)
}

function readArgs() {
  let values
  try {
    ;({ values } = parseArgs({
      options: { port: { type: 'string' }, dir: { type: 'string' }, bucket: { type: 'string', multiple: true } },
    }))
  } catch (err) {
    usage(err.message)
  }
  const port = Number(values.port)
  if (values.port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) usage('--port must be a port number (0 for any free port)')
  if (!values.dir) usage('--dir is required: the folder where objects are kept')
  const buckets = values.bucket ?? []
  for (const name of buckets) if (!BUCKET_NAME.test(name)) usage(`invalid bucket name ${JSON.stringify(name)} (3-63 of a-z 0-9 . -)`)
  return { port, dir: values.dir, buckets }
}

/** s3rver's continuation tokens are DES-encrypted (lib/controllers/bucket.js); can this Node make them? */
function canMakeContinuationTokens() {
  try {
    createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8))
    return true
  } catch {
    return false
  }
}

let server
function stop() {
  if (server === undefined) process.exit(0)
  // SDK clients keep idle connections open; close them or close() would wait for them.
  server.close(() => process.exit(0))
  server.closeAllConnections()
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)

const { port, dir, buckets } = readArgs()
if (!canMakeContinuationTokens()) {
  console.error(
    'ops/s3/serve.mjs: this Node cannot use DES, which s3rver needs for listings of more than one page;' +
      ' start it as node --openssl-legacy-provider ops/s3/serve.mjs ...',
  )
  process.exit(2)
}
await mkdir(dir, { recursive: true })
const s3 = new S3rver({ directory: dir, silent: true, configureBuckets: buckets.map((name) => ({ name })) })
// Client errors (NoSuchKey…) are answers, not faults; only the server's own failures are logged.
s3.on('error', (err) => {
  if ((err.status ?? 500) >= 500) console.error(`s3: ${err.stack ?? err.message}`)
})
await s3.configureBuckets()

server = createServer(s3.callback())
server.on('error', (err) => {
  console.error(`ops/s3/serve.mjs: cannot listen on ${HOST}:${port}: ${err.message}`)
  process.exit(1)
})
server.listen(port, HOST, () => {
  console.log(`s3 ready on http://${HOST}:${server.address().port}`)
})

