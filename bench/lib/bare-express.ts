// The baseline of bench/ingest-throughput.ts: the same express version on the same kind of
// listener, answering the returns route at once with a 202 and a small JSON body, doing no work
// (it neither parses the body nor checks, stores or produces anything). Prints its URL.
import express from 'express'

const app = express()
app.post('/v1/returns', (_req, res) => {
  res.status(202).json({ status: 'accepted' })
})
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  console.log(`bare express http://127.0.0.1:${address.port}`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
